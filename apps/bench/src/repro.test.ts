import { cpu } from '@neurona/backend-cpu';
import * as nr from '@neurona/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ColumnId, NeuronaFactory } from './columns.js';
import { bitwiseEqual, formatRepro, maxAbsDiff, reproWorkload, runRepro, trainWeights } from './repro.js';
import { type ReproCliOptions, reproProgram } from './repro-cli.js';

const f32 = (...v: number[]): Float32Array => Float32Array.from(v);

describe('weight comparisons', () => {
  it('maxAbsDiff is the largest elementwise |a - b| over every weight (hand-computed)', () => {
    expect(maxAbsDiff([f32(1, 2), f32(-3)], [f32(1, 2.5), f32(-3.25)])).toBe(0.5);
    expect(maxAbsDiff([f32(0.5)], [f32(0.5)])).toBe(0);
    expect(maxAbsDiff([f32(1, Number.NaN)], [f32(1, 1)])).toBeNaN();
    expect(() => maxAbsDiff([f32(1, 2)], [f32(1)])).toThrow(
      /maxAbsDiff: weight lists differ in layout \(2 vs 1\)/,
    );
  });

  it('bitwiseEqual compares bits: -0 is not 0, the same NaN equals itself, one ulp differs', () => {
    expect(bitwiseEqual([f32(1, -2)], [f32(1, -2)])).toBe(true);
    expect(bitwiseEqual([f32(0)], [f32(-0)])).toBe(false);
    expect(bitwiseEqual([f32(Number.NaN)], [f32(Number.NaN)])).toBe(true);
    const a = f32(1);
    const b = f32(1);
    new Uint32Array(b.buffer)[0]! += 1; // the next float after 1
    expect(b[0]).not.toBe(1);
    expect(bitwiseEqual([a], [b])).toBe(false);
    expect(() => bitwiseEqual([a], [a, b])).toThrow(/bitwiseEqual: weight lists differ/);
  });
});

/** A CPU backend that flips the lowest bit of the first value of every float32 upload (weights included). */
function perturbedCpu(): nr.Backend {
  const be = cpu();
  return new Proxy(be, {
    get(target, key) {
      if (key === 'upload') {
        return (data: Parameters<nr.Backend['upload']>[0], info: Parameters<nr.Backend['upload']>[1]) => {
          if (data instanceof Float32Array && data.length > 0) {
            const copy = Float32Array.from(data);
            new Uint32Array(copy.buffer)[0]! ^= 1;
            return target.upload(copy, info);
          }
          return target.upload(data, info);
        };
      }
      const v = Reflect.get(target, key, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

describe('runRepro (tiny settings: 3 steps, batch 4, 4 time steps)', () => {
  beforeAll(async () => {
    await nr.setBackend(cpu());
  });
  const tiny = { steps: 3, seed: 7, batchSize: 4, timeSteps: 4 };

  it('training moves the weights, and the same seed gives the same weights on the CPU', async () => {
    const w = reproWorkload('cnn-small', tiny);
    expect(w.batchSize).toBe(4);
    const before = nr.memory().numTensors;
    const a = await trainWeights(w, tiny.steps, tiny.seed);
    const b = await trainWeights(w, tiny.steps, tiny.seed);
    const zero = await trainWeights(w, 1, tiny.seed + 1);
    expect(nr.memory().numTensors).toBe(before);
    expect(bitwiseEqual(a.weights, b.weights)).toBe(true);
    expect(maxAbsDiff(a.weights, zero.weights)).toBeGreaterThan(1e-4); // another seed: other weights
    expect(Number.isFinite(a.finalLoss)).toBe(true);
  });

  it('finds a backend that is not bitwise repeatable, reports missing ones, and leaks nothing', async () => {
    let creations = 0;
    const flaky: NeuronaFactory = {
      ok: true,
      create: async () => (++creations % 2 === 0 ? perturbedCpu() : cpu()), // the second run is perturbed
    };
    const resolve = async (c: ColumnId): Promise<NeuronaFactory> => {
      if (c === 'neurona-cpu') return { ok: true, create: async () => cpu() };
      if (c === 'neurona-wasm') return flaky;
      return { ok: false, reason: 'n/a (not built)', detail: 'test: no such backend' };
    };
    const before = nr.memory().numTensors;
    const report = await runRepro({
      ...tiny,
      workloads: ['lstm'],
      backends: ['neurona-cpu', 'neurona-wasm', 'neurona-webgpu'],
      resolve,
    });
    expect(nr.memory().numTensors).toBe(before);
    const [ref, odd, missing] = report.rows;
    expect(ref).toMatchObject({
      backend: 'neurona-cpu',
      status: 'ok',
      maxAbsDiff: 0,
      bitwiseRepeatable: true,
    });
    // Its first run is an unperturbed CPU run, so it equals the reference; its second run does not.
    expect(odd).toMatchObject({
      backend: 'neurona-wasm',
      status: 'ok',
      maxAbsDiff: 0,
      bitwiseRepeatable: false,
    });
    expect(missing).toMatchObject({ backend: 'neurona-webgpu', status: 'unavailable' });
    expect(missing!.detail).toContain('test: no such backend');
    expect(report.workloads[0]).toMatchObject({ name: 'lstm', batchSize: 4 });
    // LSTM 64 on 8 features + dense 10: 4*64*(8+64+1) + 64*10 + 10.
    expect(report.workloads[0]!.params).toBe(4 * 64 * (8 + 64 + 1) + 64 * 10 + 10);
    const table = formatRepro(report);
    expect(table).toContain('| lstm | neurona-cpu | 0 | 0 | yes |');
    expect(table).toContain('| lstm | neurona-wasm | 0 | 0 | no |');
    expect(table).toContain('| lstm | neurona-webgpu | unavailable |');
  });

  it('the WASM backend trains to weights within float32 rounding of the CPU weights', async () => {
    const report = await runRepro({
      ...tiny,
      workloads: ['cnn-small'],
      backends: ['neurona-cpu', 'neurona-wasm'],
    });
    const wasm = report.rows[1]!;
    expect(wasm.status, wasm.detail).toBe('ok');
    // Different kernels, different summation order: close, not equal (3 Adam steps, weights of size ~0.3).
    expect(wasm.maxAbsDiff).toBeLessThan(1e-5);
    expect(wasm.bitwiseRepeatable).toBe(true);
  });

  it('rejects a report without the CPU reference first, and bad step counts', async () => {
    await expect(runRepro({ ...tiny, workloads: ['lstm'], backends: ['neurona-wasm'] })).rejects.toThrow(
      /runRepro: backends must start with 'neurona-cpu'/,
    );
    await expect(
      runRepro({ ...tiny, steps: 0, workloads: ['lstm'], backends: ['neurona-cpu'] }),
    ).rejects.toThrow(/runRepro: steps must be an integer >= 1, got 0/);
  });
});

describe('npm run repro options', () => {
  it('defaults to both workloads, every backend, 100 steps, seed 1; rejects unknown names', () => {
    const o = reproProgram().parse([], { from: 'user' }).opts<ReproCliOptions>();
    expect(o).toMatchObject({
      workload: ['cnn-small', 'lstm'],
      backend: ['cpu', 'wasm', 'webgpu'],
      steps: 100,
      seed: 1,
    });
    const p = reproProgram()
      .exitOverride()
      .configureOutput({ writeErr: () => {} });
    expect(() => p.parse(['--backend', 'tpu'], { from: 'user' })).toThrow(/unknown backend 'tpu'/);
  });
});
