import { describe, expect, it } from 'vitest';
import { peakTargetFor } from './compare.js';
import { measureSimdPeak, peakSource } from './peak.js';

describe('the WebAssembly SIMD peak probe', () => {
  it('is a register-only loop of independent multiply-add chains (no loads or stores)', () => {
    for (const relaxed of [true, false]) {
      const src = peakSource(relaxed);
      expect(src.match(/let a\d+ = f32x4\.splat/g)).toHaveLength(12);
      expect(src).not.toMatch(/load|store/);
      expect(src.includes('relaxed_madd')).toBe(relaxed);
    }
  });

  it('measures positive GFLOP/s on one thread and on every thread (not timed: only sanity)', async () => {
    const p = await measureSimdPeak({ seconds: 0.02, threads: 2, rounds: 1 });
    expect(['simd', 'relaxed-simd']).toContain(p.variant);
    expect(p.threads).toBe(2);
    expect(p.oneThread).toBeGreaterThan(0);
    expect(p.allThreads).toBeGreaterThan(0);
    expect(Number.isFinite(p.allThreads)).toBe(true);
  });

  it("sets issue 18's bars: matMul 1024 at 80% of the peak, cnn-large and mlp inference at 65%", () => {
    expect(peakTargetFor('matmul-1024', 'train')).toBe(0.8);
    expect(peakTargetFor('cnn-large', 'infer')).toBe(0.65);
    expect(peakTargetFor('mlp', 'infer')).toBe(0.65);
    expect(peakTargetFor('mlp', 'train')).toBeNull();
    expect(peakTargetFor('matmul-256', 'infer')).toBeNull();
  });
});

describe("the report's peak columns", () => {
  it("prints our best GFLOP/s as a fraction of the measured peak, with issue 18's verdict", async () => {
    const { reportHeader } = await import('./report-fixture.js');
    const { compareRow } = await import('./compare.js');
    const { formatReport } = await import('./table.js');
    const flops = 2 * 1024 ** 3;
    const results = [
      {
        workload: 'matmul-1024',
        mode: 'infer' as const,
        column: 'neurona-cpu' as const,
        status: 'ok' as const,
        unit: 'products' as const,
        batchSize: 1,
        flopsPerSample: flops,
        throughput: { median: 36, min: 35, max: 37 },
        gflops: { median: (36 * flops) / 1e9, min: 0, max: 0 },
        isolated: true,
      },
    ];
    const text = formatReport({
      ...reportHeader(5),
      columns: [{ id: 'neurona-cpu', side: 'ours', description: 'ours' }],
      workloads: [
        {
          name: 'matmul-1024',
          description: 'C = A·B',
          unit: 'products',
          batchSize: 1,
          flopsPerSample: { train: 3 * flops, infer: flops },
        },
      ],
      results,
      comparisons: [compareRow('matmul-1024', 'infer', results)],
      peak: { variant: 'relaxed-simd', oneThread: 50, allThreads: 100, threads: 2 },
    });
    // 36 products/s x 2.147 GFLOP = 77.3 GFLOP/s = 77% of 100: below the 80% bar.
    const row = text.split('\n').find((l) => l.startsWith('| matmul-1024 | infer |') && l.includes('%'));
    expect(row).toMatch(/\|\s+77% \| >= 80%: not met \|/);
    expect(text).toContain('100 GFLOP/s on 2 threads, 50.0 on one');
  });
});
