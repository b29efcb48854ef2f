import { describe, expect, it } from 'vitest';
import type { CellResult } from './cell.js';
import { COLUMN_DESCRIPTIONS, type ColumnId, columnSide } from './columns.js';
import { compareRow, targetFor } from './compare.js';
import type { BenchReport } from './orchestrate.js';
import { reportHeader } from './report-fixture.js';
import { fmtFlops, fmtNum, formatReport, markdownTable, oneLine } from './table.js';

function ok(column: ColumnId, mode: 'train' | 'infer', median: number, min: number, max: number): CellResult {
  return {
    workload: 'cnn-small',
    mode,
    column,
    status: 'ok',
    unit: 'samples',
    batchSize: 64,
    flopsPerSample: mode === 'train' ? 1_704_960 : 645_120,
    batchesPerRep: 1,
    samplesPerRep: 64,
    repSeconds: [1, 1, 1, 1, 1],
    throughput: { median, min, max },
    gflops: { median: (median * 1_704_960) / 1e9, min: 0, max: 0 },
    peakRssMiB: 123.4,
    isolated: true,
  };
}

function other(column: ColumnId, status: CellResult['status'], message: string, detail: string): CellResult {
  return {
    ...ok(column, 'train', 0, 0, 0),
    status,
    message,
    detail,
    throughput: undefined,
    gflops: undefined,
  };
}

const columns: ColumnId[] = ['neurona-cpu', 'neurona-webgpu', 'tfjs-cpu', 'tfjs-wasm', 'tfjs-wasm+patch'];
const results: CellResult[] = [
  ok('neurona-cpu', 'train', 812.4, 790, 830),
  other('neurona-webgpu', 'unavailable', 'n/a (not built)', 'cannot import @neurona/backend-webgpu'),
  ok('tfjs-cpu', 'train', 14.2, 13.9, 14.5),
  other(
    'tfjs-wasm',
    'missing-kernel',
    'no kernel Conv2DBackpropFilter',
    "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'",
  ),
  ok('tfjs-wasm+patch', 'train', 400, 380, 1234.5),
];

function report(): BenchReport {
  return {
    ...reportHeader(5),
    columns: columns.map((id) => ({ id, side: columnSide(id), description: COLUMN_DESCRIPTIONS[id] })),
    workloads: [
      {
        name: 'cnn-small',
        description: 'small CNN',
        unit: 'samples',
        batchSize: 64,
        flopsPerSample: { train: 1_704_960, infer: 645_120 },
      },
    ],
    results,
    comparisons: [compareRow('cnn-small', 'train', results)],
  };
}

describe('number formatting', () => {
  it('formats throughputs and FLOP counts', () => {
    expect([fmtNum(12345.6), fmtNum(812.4), fmtNum(45.67), fmtNum(0.7412), fmtNum(0)]).toEqual([
      '12,346',
      '812',
      '45.7',
      '0.741',
      '0',
    ]);
    expect([fmtFlops(409_088), fmtFlops(1_704_960), fmtFlops(2 ** 31), fmtFlops(512)]).toEqual([
      '409k',
      '1.70M',
      '2.15G',
      '512',
    ]);
  });
});

describe('oneLine', () => {
  it('collapses whitespace and cuts long text', () => {
    expect(oneLine('Error while parsing:\n  let row0 = row0;\n\n', 100)).toBe(
      'Error while parsing: let row0 = row0;',
    );
    expect(oneLine('abcdefghij', 5)).toBe('abcd…');
  });
});

describe('markdownTable', () => {
  it('pads every column to its widest cell and aligns as asked', () => {
    expect(
      markdownTable(
        ['name', 'n'],
        [
          ['mlp', '1,234'],
          ['lstm', '5'],
        ],
        'lr',
      ),
    ).toBe(['| name |     n |', '|:-----|------:|', '| mlp  | 1,234 |', '| lstm |     5 |'].join('\n'));
  });
  it('rejects a row of the wrong length', () => {
    expect(() => markdownTable(['a', 'b'], [['x']], 'll')).toThrow(/row 0 has 1 cells, expected 2/);
  });
});

describe('compareRow', () => {
  it('divides our best median by the best peer median and checks the target', () => {
    const c = compareRow('cnn-small', 'train', results);
    expect(c.ours).toEqual({ column: 'neurona-cpu', median: 812.4 });
    expect(c.peer).toEqual({ column: 'tfjs-wasm+patch', median: 400 });
    expect(c.ratio).toBeCloseTo(2.031, 3);
    // 2.03x meets the ratio, but 812 samples/s is below the 3,000 samples/s the issue asks of this CNN.
    expect(c.met).toBe(false);
    expect(targetFor('gru', 'train')?.ratio).toBe(5);
    expect(targetFor('matmul-1024', 'infer')?.ratio).toBe(1.5);
    expect(targetFor('char-lstm', 'train')).toBeNull();
  });
  it('has no ratio when one side has no measurement', () => {
    const c = compareRow(
      'cnn-small',
      'train',
      results.filter((r) => columnSide(r.column) === 'peer'),
    );
    expect(c.ratio).toBeNull();
    expect(c.met).toBeNull();
  });
});

describe('formatReport', () => {
  const text = formatReport(report());
  const lines = text.split('\n');

  it('starts with the date, the commit and the settings', () => {
    expect(lines[0]).toBe('Neurona bench, 2026-01-02T03:04:05.000Z, commit 0123456789ab');
    expect(text).toContain('median of 5 timed repetitions after 2 warm-up;');
    expect(text).toContain('fill 0.5 s (at most 200); repetitions took 1.00-1.00 s;');
  });

  it('prints one throughput row per workload and mode, with the ratio and the target', () => {
    const row = lines.find((l) => l.startsWith('| cnn-small | train |'));
    const cells = row!.split('|').map((c) => c.trim());
    expect(cells.slice(1, -1)).toEqual([
      'cnn-small',
      'train',
      '812 (790-830)',
      'n/a (not built) [1]',
      '14.2 (13.9-14.5)',
      'no kernel Conv2DBackpropFilter [2]',
      '400 (380-1,235)',
      '2.03x (neurona-cpu vs tfjs-wasm+patch)',
      '>= 2x, >= 3,000/s: not met',
    ]);
  });

  it('prints GFLOP/s and peak RSS tables and explains every note', () => {
    expect(lines.some((l) => /^\| cnn-small \| train \|\s+1\.70M \|\s+1\.39 \|\s+- \|/.test(l))).toBe(true);
    expect(
      lines.some((l) => /^\| cnn-small \| train \|\s+123 \|\s+- \|\s+123 \|\s+- \|\s+123 \|$/.test(l)),
    ).toBe(true);
    expect(text).toContain('[1] neurona-webgpu: cannot import @neurona/backend-webgpu');
    expect(text).toContain("[2] tfjs-wasm: Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'");
    expect(text).toContain('- tfjs-wasm+patch: tfjs-wasm plus kernels it lacks, written for this bench');
  });
});
