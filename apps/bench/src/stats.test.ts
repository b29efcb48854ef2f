import { describe, expect, it } from 'vitest';
import { batchesFor, measure, type Session } from './measure.js';
import { mapSummary, summarize } from './stats.js';

describe('summarize', () => {
  it('takes the middle value of an odd count and the mean of the two middle ones of an even count', () => {
    expect(summarize([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5 });
    expect(summarize([5, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 5 });
    expect(summarize([7])).toEqual({ median: 7, min: 7, max: 7 });
    expect(summarize([0.3, 0.1, 0.2, 0.25, 0.9])).toEqual({ median: 0.25, min: 0.1, max: 0.9 });
  });

  it('does not reorder its input', () => {
    const v = [3, 1, 2];
    summarize(v);
    expect(v).toEqual([3, 1, 2]);
  });

  it('rejects empty and non-finite input', () => {
    expect(() => summarize([])).toThrow(/at least one value/);
    expect(() => summarize([1, Number.NaN])).toThrow(/finite numbers, got NaN/);
  });

  it('maps a summary through increasing and decreasing functions', () => {
    expect(mapSummary({ median: 2, min: 1, max: 4 }, (t) => 8 / t)).toEqual({ median: 4, min: 2, max: 8 });
    expect(mapSummary({ median: 2, min: 1, max: 4 }, (v) => 3 * v)).toEqual({ median: 6, min: 3, max: 12 });
  });
});

describe('batchesFor', () => {
  const o = { minRepSeconds: 0.5, maxBatchesPerRep: 200, maxDataBytes: 1_000_000 };
  it('runs enough batches to fill the minimum repetition time', () => {
    expect(batchesFor(0.02, 1000, o)).toBe(25);
    expect(batchesFor(0.3, 1000, o)).toBe(2);
    expect(batchesFor(2, 1000, o)).toBe(1);
  });
  it('stays within the batch and memory bounds', () => {
    expect(batchesFor(0.0001, 1000, o)).toBe(200);
    expect(batchesFor(0.0001, 300_000, o)).toBe(3);
    expect(batchesFor(0.0001, 5_000_000, o)).toBe(1);
    expect(batchesFor(0.01, 1000, { ...o, minRepSeconds: 0 })).toBe(1);
  });
});

describe('measure', () => {
  function fake(delayMs: number): Session & { log: string[] } {
    const log: string[] = [];
    return {
      log,
      prepare: (b) => log.push(`prepare ${b}`),
      run: async () => {
        log.push('run');
        if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      },
      dispose: () => log.push('dispose'),
    };
  }
  const o = {
    reps: 5,
    warmup: 2,
    minRepSeconds: 0,
    maxBatchesPerRep: 200,
    maxDataBytes: 1e6,
    maxCellSeconds: 1e6,
  };

  it('warms up, then times every repetition', async () => {
    const s = fake(0);
    const t = await measure(s, 100, o);
    expect(s.log).toEqual(['prepare 1', ...Array(7).fill('run')]);
    expect(t.batchesPerRep).toBe(1);
    expect(t.repSeconds).toHaveLength(5);
    expect(t.estimate).toBe(false);
  });

  it('re-prepares with more batches and runs one more warm-up when a batch is too short', async () => {
    const s = fake(0);
    const t = await measure(s, 100, { ...o, minRepSeconds: 1e6, maxBatchesPerRep: 4 });
    expect(t.batchesPerRep).toBe(4);
    expect(s.log).toEqual(['prepare 1', 'run', 'run', 'prepare 4', ...Array(6).fill('run')]);
  });

  it('stops after the first batch when the cell would exceed its time budget', async () => {
    const s = fake(5);
    const t = await measure(s, 100, { ...o, maxCellSeconds: 0.001 });
    expect(s.log).toEqual(['prepare 1', 'run']);
    expect(t.estimate).toBe(true);
    expect(t.repSeconds).toHaveLength(1);
  });

  it('rejects repetition counts below 1', async () => {
    await expect(measure(fake(0), 1, { ...o, reps: 0 })).rejects.toThrow(
      /reps must be an integer >= 1, got 0/,
    );
    await expect(measure(fake(0), 1, { ...o, warmup: 0 })).rejects.toThrow(/warmup must be an integer >= 1/);
  });
});
