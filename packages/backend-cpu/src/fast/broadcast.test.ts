import { describe, expect, it } from 'vitest';
import { binaryPlan } from './broadcast.js';

describe('binaryPlan', () => {
  it('same shapes and scalars are one row', () => {
    expect(binaryPlan([2, 3], [2, 3], [2, 3])).toEqual({
      rows: 1,
      inner: 6,
      a: { row: 0, col: 1 },
      b: { row: 0, col: 1 },
    });
    expect(binaryPlan([], [4], [4])).toEqual({
      rows: 1,
      inner: 4,
      a: { row: 0, col: 0 },
      b: { row: 0, col: 1 },
    });
  });

  it('a trailing row repeats for every leading index (bias add)', () => {
    expect(binaryPlan([64, 24, 24, 8], [8], [64, 24, 24, 8])).toEqual({
      rows: 64 * 24 * 24,
      inner: 8,
      a: { row: 8, col: 1 },
      b: { row: 0, col: 1 },
    });
    expect(binaryPlan([3, 5], [2, 3, 5], [2, 3, 5])).toEqual({
      rows: 2,
      inner: 15,
      a: { row: 0, col: 1 },
      b: { row: 15, col: 1 },
    });
  });

  it('a leading column gives one value per row (normalising by a kept-dims reduction)', () => {
    expect(binaryPlan([4, 7], [4, 1], [4, 7])).toEqual({
      rows: 4,
      inner: 7,
      a: { row: 7, col: 1 },
      b: { row: 1, col: 0 },
    });
  });

  it('patterns where neither operand is full fall back (null)', () => {
    expect(binaryPlan([3, 1], [1, 4], [3, 4])).toBeNull();
    expect(binaryPlan([2, 1, 3], [2, 4, 3], [2, 4, 3])).toBeNull();
  });
});
