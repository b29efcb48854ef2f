import { describe, expect, it } from 'vitest';
import { requireCapability } from '../../../test-utils/capabilities.js';
import { type CellResult, runCell } from './cell.js';
import { timingFrom } from './cli.js';
import { columnClass, selectColumns } from './columns.js';
import { compareRow, gemmBound, targetFor, torchTargetFor } from './compare.js';
import { torchAvailability, torchEnv } from './run-torch.js';

function ok(column: CellResult['column'], workload: string, median: number): CellResult {
  return {
    workload,
    mode: 'train',
    column,
    status: 'ok',
    unit: 'samples',
    batchSize: 64,
    flopsPerSample: 1,
    throughput: { median, min: median, max: median },
    isolated: true,
  };
}

describe('the torch-cpu column', () => {
  it('is its own comparison class, outside the TensorFlow.js peers', () => {
    expect(columnClass('torch-cpu')).toBe('torch');
    expect(selectColumns(['tfjs'])).not.toContain('torch-cpu');
    expect(selectColumns(['torch'])).toEqual(['torch-cpu']);
    expect(selectColumns(['all'])).toContain('torch-cpu');
  });

  it('compares the best Neurona CPU/WASM column with PyTorch, and the tfjs peers without it', () => {
    const results = [
      ok('neurona-cpu', 'lstm', 3000),
      ok('neurona-wasm', 'lstm', 900),
      ok('neurona-webgpu', 'lstm', 5000),
      ok('tfjs-wasm', 'lstm', 200),
      ok('torch-cpu', 'lstm', 1500),
    ];
    const torch = compareRow('lstm', 'train', results, 'torch');
    expect(torch.ours).toEqual({ column: 'neurona-cpu', median: 3000 });
    expect(torch.peer).toEqual({ column: 'torch-cpu', median: 1500 });
    expect(torch.ratio).toBe(2);
    expect(torch.met).toBe(true);
    const tfjs = compareRow('lstm', 'train', results);
    expect(tfjs.peer).toEqual({ column: 'tfjs-wasm', median: 200 });
    expect(tfjs.ratio).toBe(15);
  });

  it('sets no PyTorch target on GEMM-bound cells, >= 1x elsewhere; 1.5x the best tfjs peer in inference', () => {
    expect(gemmBound('matmul-1024', 'infer')).toBe(true);
    expect(gemmBound('cnn-large', 'train')).toBe(true);
    expect(gemmBound('mlp', 'infer')).toBe(true);
    expect(gemmBound('mlp', 'train')).toBe(false);
    expect(torchTargetFor('cnn-large', 'infer')).toBeNull();
    expect(torchTargetFor('char-lstm', 'train')?.ratio).toBe(1);
    expect(targetFor('cnn-small', 'infer')?.ratio).toBe(1.5);
  });

  it('runs PyTorch without the machine-wide OpenBLAS tuning variables', () => {
    const env = torchEnv({ OPENBLAS_CORETYPE: 'Haswell', OPENBLAS_L2_SIZE: '1048576', PATH: '/usr/bin' });
    expect(env).toEqual({ PATH: '/usr/bin' });
  });
});

// Needs python3-torch: skipped with the reason when it is missing, required when CI is set.
const hasTorch = await requireCapability('torch', 'the torch-cpu cell test');
const torch = torchAvailability();

describe.runIf(hasTorch)('a torch-cpu cell (python3-torch)', () => {
  it('is installed', () => {
    expect(torch.ok, torch.ok ? '' : torch.detail).toBe(true);
  });

  it('times the quick mlp in both modes with the shared timing loop, on as many threads as cores', async () => {
    const timing = timingFrom({
      workload: ['mlp'],
      backend: ['torch-cpu'],
      mode: ['train'],
      quick: true,
      seed: 1,
    });
    for (const mode of ['train', 'infer'] as const) {
      const r = await runCell(
        { workload: 'mlp', mode, column: 'torch-cpu', quick: true, seed: 1, timing },
        true,
      );
      expect(r.status, r.detail).toBe('ok');
      expect(r.repSeconds).toHaveLength(timing.reps);
      expect(r.samplesPerRep).toBe(r.batchesPerRep! * 8);
      expect(r.throughput!.min).toBeGreaterThan(0);
      expect(r.facts?.threads).toBeGreaterThanOrEqual(1);
      expect(String(r.facts?.torch)).toMatch(/^\d+\.\d+/);
      expect(r.peakRssMiB).toBeGreaterThan(0);
    }
  });

  it('builds the MobileNetV2 of Keras (3,538,984 weights) and fine-tunes its head (quick: 32x32)', async () => {
    const timing = { ...timingFrom({ workload: [], backend: [], mode: [], quick: true, seed: 1 }), reps: 1 };
    for (const [workload, mode] of [
      ['mobilenetv2-b1', 'infer'],
      ['mobilenetv2-b16', 'train'],
    ] as const) {
      const r = await runCell({ workload, mode, column: 'torch-cpu', quick: true, seed: 1, timing }, true);
      expect(r.status, r.detail).toBe('ok');
      expect(r.facts?.weights).toBe(3_538_984);
      expect(r.throughput!.min).toBeGreaterThan(0);
    }
  });
});
