import { describe, expect, it } from 'vitest';
import { gatherRows, nextCharWindows, splitHoldout } from './windows.js';

const ids = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('nextCharWindows', () => {
  it('cuts non-overlapping windows whose targets are the inputs shifted by one', () => {
    const w = nextCharWindows(ids(10), 3);
    expect(w.count).toBe(3);
    expect(Array.from(w.x)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(w.y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('starts at the offset and drops a tail too short for a window', () => {
    const w = nextCharWindows(ids(10), 3, 1);
    expect(w.count).toBe(2);
    expect(Array.from(w.x)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(w.y)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(nextCharWindows(ids(3), 3).count).toBe(0);
    expect(nextCharWindows(ids(4), 3).count).toBe(1);
  });

  it('rejects a bad length or offset', () => {
    expect(() => nextCharWindows(ids(10), 0)).toThrow(/seqLen must be a positive integer, got 0/);
    expect(() => nextCharWindows(ids(10), 2, -1)).toThrow(/offset must be a non-negative integer, got -1/);
  });
});

describe('splitHoldout', () => {
  it('keeps the last fraction, in order, for validation', () => {
    const { train, heldOut } = splitHoldout(ids(25), 0.1);
    expect(Array.from(train)).toEqual(Array.from(ids(23)));
    expect(Array.from(heldOut)).toEqual([23, 24]);
    expect(() => splitHoldout(ids(5), 1)).toThrow(/fraction must be in \(0, 1\), got 1/);
  });
});

describe('gatherRows', () => {
  it('copies the requested rows in the requested order', () => {
    expect(Array.from(gatherRows(Int32Array.from([1, 2, 3, 4, 5, 6]), 2, [2, 0, 2]))).toEqual([
      5, 6, 1, 2, 5, 6,
    ]);
  });
});
