import type { DType, Operand, ReduceOp } from '@neurona/core';
import { describe, expect, it } from 'vitest';
import { cpu } from '../index.js';

const be = cpu({ fast: false }); // these tests pin down the reference kernels
function up(data: number[], shape: number[], dtype: DType = 'float32'): Operand {
  const arr =
    dtype === 'float32'
      ? new Float32Array(data)
      : dtype === 'int32'
        ? new Int32Array(data)
        : new Uint8Array(data);
  return { handle: be.upload(arr, { shape, dtype }), shape, dtype };
}
function red(op: ReduceOp, x: Operand, shape: number[], dtype: DType = x.dtype) {
  const h = be.kernels.reduce(op, x, { shape, dtype });
  const r = be.readSync(h);
  be.dispose(h);
  return r;
}
const NaN_ = Number.NaN;
const INF = Number.POSITIVE_INFINITY;

describe('reduce kernel', () => {
  const m = up([1, 2, 3, 4, 5, 6], [2, 3]); // [[1, 2, 3], [4, 5, 6]]

  it('sum over rows and over everything', () => {
    expect(Array.from(red('sum', m, [2]))).toEqual([6, 15]); // 1+2+3, 4+5+6
    expect(Array.from(red('sum', m, []))).toEqual([21]);
    expect(Array.from(red('sum', m, [2, 3]))).toEqual([1, 2, 3, 4, 5, 6]); // inner = 1: identity
  });

  it('sum accumulates float32 in float64', () => {
    // 2^24 + 1 + 1: a float32 accumulator would stay at 2^24 = 16777216; the exact 16777218 is a float32.
    expect(Array.from(red('sum', up([16777216, 1, 1], [3]), []))).toEqual([16777218]);
    // 1e8 + 1 - 1e8: float32 would lose the 1 (spacing at 1e8 is 8)
    expect(Array.from(red('sum', up([1e8, 1, -1e8], [3]), []))).toEqual([1]);
  });

  it('int32 sums stay int32 and wrap', () => {
    const r = red('sum', up([1, 2, 3, 2147483647, 1, 0], [2, 3], 'int32'), [2]);
    expect(r).toBeInstanceOf(Int32Array);
    expect(Array.from(r)).toEqual([6, -2147483648]); // 2^31 - 1 + 1 wraps to -2^31
  });

  it('bool rows can be counted into int32', () => {
    expect(Array.from(red('sum', up([1, 0, 1, 1], [2, 2], 'bool'), [2], 'int32'))).toEqual([1, 2]);
  });

  it('prod', () => {
    expect(Array.from(red('prod', m, [2]))).toEqual([6, 120]); // 1*2*3, 4*5*6
    expect(Array.from(red('prod', up([65536, 65536, -3, 4], [2, 2], 'int32'), [2]))).toEqual([0, -12]); // 2^32 wraps to 0
  });

  it('max and min, with NaN propagating', () => {
    const x = up([1, 5, 3, -1, -7, -2], [2, 3]);
    expect(Array.from(red('max', x, [2]))).toEqual([5, -1]);
    expect(Array.from(red('min', x, [2]))).toEqual([1, -7]);
    const n = up([1, NaN_, 3, -INF, -INF, -INF], [2, 3]);
    expect(Array.from(red('max', n, [2]))).toEqual([NaN_, -INF]);
    expect(Array.from(red('min', n, [2]))).toEqual([NaN_, -INF]);
    expect(Array.from(red('max', up([3, NaN_], [2]), []))).toEqual([NaN_]); // NaN last still wins
    expect(Array.from(red('max', up([-3, 7], [2], 'int32'), [], 'int32'))).toEqual([7]);
  });

  it('argmax / argmin return int32 index of the first extreme', () => {
    const r = red('argmax', up([1, 5, 5, 7, 7, 0], [2, 3]), [2], 'int32');
    expect(r).toBeInstanceOf(Int32Array);
    expect(Array.from(r)).toEqual([1, 0]); // first 5 at 1; first 7 at 0
    expect(Array.from(red('argmin', up([3, 1, 1, 0, 2, 0], [2, 3]), [2], 'int32'))).toEqual([1, 0]);
    expect(Array.from(red('argmax', up([-INF, -INF], [2]), [], 'int32'))).toEqual([0]);
    expect(Array.from(red('argmax', up([4, 9, 2], [3], 'int32'), [], 'int32'))).toEqual([1]);
  });

  it('argmax / argmin treat NaN as the extreme (first NaN wins)', () => {
    expect(Array.from(red('argmax', up([1, NaN_, 3, NaN_], [4]), [], 'int32'))).toEqual([1]);
    expect(Array.from(red('argmin', up([NaN_, -5], [2]), [], 'int32'))).toEqual([0]);
  });

  it('reductions over zero elements give the identity', () => {
    const e = up([], [2, 0]);
    expect(Array.from(red('sum', e, [2]))).toEqual([0, 0]);
    expect(Array.from(red('prod', e, [2]))).toEqual([1, 1]);
    expect(Array.from(red('max', e, [2]))).toEqual([-INF, -INF]);
    expect(Array.from(red('min', e, [2]))).toEqual([INF, INF]);
    expect(Array.from(red('argmax', e, [2], 'int32'))).toEqual([0, 0]);
    expect(Array.from(red('argmin', e, [2], 'int32'))).toEqual([0, 0]);
    expect(Array.from(red('sum', up([], [0]), []))).toEqual([0]);
  });

  it('an empty output is empty', () => {
    expect(red('sum', up([], [0, 3]), [0]).length).toBe(0);
    expect(red('argmax', up([], [0, 3]), [0], 'int32').length).toBe(0);
  });

  it('does not mutate its input', () => {
    red('max', m, [2]);
    expect(Array.from(be.readSync(m.handle))).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
