import { describe, expect, it } from 'vitest';
import type { CellResult } from './cell.js';
import { COLUMN_DESCRIPTIONS, type ColumnId, columnClass, columnSide, gpuRuns } from './columns.js';
import { compareRow, gpuTargetFor } from './compare.js';
import type { BenchReport } from './orchestrate.js';
import { reportHeader } from './report-fixture.js';
import { charsTable, formatReport } from './table.js';

function ok(workload: string, column: ColumnId, median: number, min: number, max: number): CellResult {
  return {
    workload,
    mode: 'train',
    column,
    status: 'ok',
    unit: 'samples',
    batchSize: 16,
    flopsPerSample: 1000,
    batchesPerRep: 1,
    samplesPerRep: 16,
    repSeconds: [1, 1, 1],
    throughput: { median, min, max },
    gflops: { median: median * 1e-6, min: 0, max: 0 },
    peakRssMiB: 100,
    isolated: true,
  };
}

const columns: ColumnId[] = ['neurona-cpu', 'neurona-webgpu', 'tfjs-cpu', 'tfjs-wasm', 'tfjs-webgpu'];
const skipped: CellResult = {
  ...ok('char-lstm', 'neurona-webgpu', 0, 0, 0),
  status: 'not-run',
  message: 'skipped',
  detail: 'WebGPU columns run only a few workloads',
  throughput: undefined,
  gflops: undefined,
};
const results: CellResult[] = [
  ok('cnn-small', 'neurona-cpu', 3000, 2900, 3100),
  ok('cnn-small', 'neurona-webgpu', 34, 30, 40),
  ok('cnn-small', 'tfjs-cpu', 15, 14, 16),
  ok('cnn-small', 'tfjs-wasm', 900, 850, 950),
  ok('cnn-small', 'tfjs-webgpu', 20, 19, 21),
  ok('char-lstm', 'neurona-cpu', 50, 40, 60),
  skipped,
  ok('char-lstm', 'tfjs-cpu', 10, 9.5, 11),
  ok('char-lstm', 'tfjs-wasm', 25, 20, 30),
  { ...skipped, column: 'tfjs-webgpu' },
];

function report(): BenchReport {
  const rows = ['cnn-small', 'char-lstm'] as const;
  return {
    ...reportHeader(3),
    columns: columns.map((id) => ({ id, side: columnSide(id), description: COLUMN_DESCRIPTIONS[id] })),
    workloads: [
      {
        name: 'cnn-small',
        description: 'small CNN',
        unit: 'samples',
        batchSize: 64,
        flopsPerSample: { train: 1000, infer: 500 },
      },
      {
        name: 'char-lstm',
        description: 'character model',
        unit: 'samples',
        batchSize: 16,
        flopsPerSample: { train: 1000, infer: 500 },
        tokensPerSample: 64,
      },
    ],
    results,
    comparisons: rows.map((w) => compareRow(w, 'train', results)),
    gpuComparisons: rows.map((w) => compareRow(w, 'train', results, 'gpu')),
  };
}

describe('the WebGPU columns', () => {
  it('are a class of their own, run by default only on the workloads an emulated GPU finishes', () => {
    expect(columns.map(columnClass)).toEqual(['cpu', 'gpu', 'cpu', 'cpu', 'gpu']);
    expect(columnSide('tfjs-webgpu')).toBe('peer');
    expect(
      ['matmul-512', 'cnn-small', 'mlp', 'lstm', 'char-lstm', 'matmul-1024'].map((w) => gpuRuns(w, false)),
    ).toEqual([true, true, true, false, false, false]);
    expect(gpuRuns('matmul-128', true)).toBe(true);
  });

  it('keep issue 5 comparing CPU/WASM columns only, and compare neurona-webgpu with tfjs-webgpu apart', () => {
    const cpu = compareRow('cnn-small', 'train', results);
    expect(cpu.ours).toEqual({ column: 'neurona-cpu', median: 3000 });
    expect(cpu.peer).toEqual({ column: 'tfjs-wasm', median: 900 }); // not tfjs-webgpu
    const gpu = compareRow('cnn-small', 'train', results, 'gpu');
    expect(gpu.ours).toEqual({ column: 'neurona-webgpu', median: 34 });
    expect(gpu.peer).toEqual({ column: 'tfjs-webgpu', median: 20 });
    expect(gpu.ratio).toBeCloseTo(1.7, 9);
    expect(gpu.met).toBe(true);
    expect(gpuTargetFor('matmul-512', 'infer')).toEqual({ ratio: 1, text: '>= 1x' });
    expect(gpuTargetFor('mlp', 'train')).toBeNull();
    const none = compareRow('char-lstm', 'train', results, 'gpu');
    expect([none.ratio, none.target, none.met]).toEqual([null, null, null]);
  });

  it('print both ratios, the skipped cells with their reason, and characters/s', () => {
    const text = formatReport(report());
    const lines = text.split('\n');
    const cells = (prefix: string): string[] =>
      lines
        .find((l) => l.startsWith(prefix))!
        .split('|')
        .map((c) => c.trim())
        .slice(1, -1);
    expect(cells('| workload').slice(-4)).toEqual(['ours/peer', 'target', 'gpu ours/peer', 'gpu target']);
    expect(cells('| cnn-small | train |')).toEqual([
      'cnn-small',
      'train',
      '3,000 (2,900-3,100)',
      '34.0 (30.0-40.0)',
      '15.0 (14.0-16.0)',
      '900 (850-950)',
      '20.0 (19.0-21.0)',
      '3.33x (neurona-cpu vs tfjs-wasm)',
      '>= 2x, >= 3,000/s: met',
      '1.70x (neurona-webgpu vs tfjs-webgpu)',
      '>= 1x: met',
    ]);
    // char-lstm has no issue-5 target; both WebGPU cells point to the same note.
    expect(cells('| char-lstm | train |')).toEqual([
      'char-lstm',
      'train',
      '50.0 (40.0-60.0)',
      'skipped [1]',
      '10.0 (9.50-11.0)',
      '25.0 (20.0-30.0)',
      'skipped [1]',
      '2.00x (neurona-cpu vs tfjs-wasm)',
      '-',
      '-',
      '-',
    ]);
    expect(text).toContain('[1] WebGPU columns run only a few workloads');
    // 50 windows/s of 64 characters: 3,200 characters/s.
    const chars = charsTable(report(), columns);
    expect(chars[1]).toMatch(/^Characters\/s of the character model: samples\/s x characters per sample/);
    expect(
      chars[3]!
        .split('\n')[2]!
        .split('|')
        .map((c) => c.trim())
        .slice(1, -1),
    ).toEqual([
      'char-lstm',
      'train',
      '64',
      '3,200 (2,560-3,840)',
      'skipped',
      '640 (608-704)',
      '1,600 (1,280-1,920)',
      'skipped',
    ]);
    expect(chars).toHaveLength(4);
    expect(text).toContain(chars.join('\n'));
  });

  it('leave the table as it was when no WebGPU column ran, and show only theirs when only they ran', () => {
    const r = { ...report(), gpuComparisons: undefined };
    expect(formatReport(r)).not.toContain('gpu ours/peer');
    const gpuOnly = { ...report(), columns: report().columns.filter((c) => columnClass(c.id) === 'gpu') };
    const header = formatReport(gpuOnly)
      .split('\n')
      .find((l) => l.startsWith('| workload'))!
      .split('|')
      .map((c) => c.trim());
    expect(header.slice(1, -1)).toEqual([
      'workload',
      'mode',
      'neurona-webgpu',
      'tfjs-webgpu',
      'gpu ours/peer',
      'gpu target',
    ]);
  });
});
