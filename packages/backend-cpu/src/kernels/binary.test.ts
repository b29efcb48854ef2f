import type { BinaryOp, DType, Operand } from '@neurona/core';
import { describe, expect, it } from 'vitest';
import { cpu } from '../index.js';
import { broadcastStrides, collapse } from './strided.js';

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
function run(op: BinaryOp, a: Operand, b: Operand, shape: number[], dtype: DType = a.dtype) {
  const h = be.kernels.binary(op, a, b, { shape, dtype });
  const r = be.readSync(h);
  be.dispose(h);
  return r;
}
const iota = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => i + from);

describe('binary kernel: broadcasting', () => {
  it('same shape', () => {
    expect(Array.from(run('add', up([1, 2, 3], [3]), up([10, 20, 30], [3]), [3]))).toEqual([11, 22, 33]);
  });

  it('column [2,1] with row [3] gives [2,3]', () => {
    // out[i][j] = a[i] + b[j]: [[1+10, 1+20, 1+30], [2+10, 2+20, 2+30]]
    const r = run('add', up([1, 2], [2, 1]), up([10, 20, 30], [3]), [2, 3]);
    expect(Array.from(r)).toEqual([11, 21, 31, 12, 22, 32]);
  });

  it('out rank above both inputs: [3] * [2,1]', () => {
    // [[1*2, 2*2, 3*2], [1*3, 2*3, 3*3]]
    const r = run('mul', up([1, 2, 3], [3]), up([2, 3], [2, 1]), [2, 3]);
    expect(Array.from(r)).toEqual([2, 4, 6, 3, 6, 9]);
  });

  it('[2,1,3] + [2,1] gives [2,2,3]', () => {
    // out[i][j][k] = a[i][0][k] + b[j][0]; a rows [1,2,3] and [4,5,6]; b = 10, 20
    const r = run('add', up([1, 2, 3, 4, 5, 6], [2, 1, 3]), up([10, 20], [2, 1]), [2, 2, 3]);
    expect(Array.from(r)).toEqual([11, 12, 13, 21, 22, 23, 14, 15, 16, 24, 25, 26]);
  });

  it('scalar on either side', () => {
    expect(Array.from(run('sub', up([10], []), up([1, 2], [2]), [2]))).toEqual([9, 8]); // 10-1, 10-2
    expect(Array.from(run('sub', up([1, 2], [2]), up([10], [1]), [2]))).toEqual([-9, -8]); // 1-10, 2-10
    expect(Array.from(run('mul', up([3], []), up([4], []), []))).toEqual([12]);
  });

  it('general strided path: [2,3,4] + [3,1] and [2,3,4] + [4]', () => {
    const a = up(iota(24), [2, 3, 4]);
    const r1 = run('add', a, up([100, 200, 300], [3, 1]), [2, 3, 4]);
    // a[i][j][k] = 12i + 4j + k, plus 100*(j+1)
    expect(r1[0]).toBe(100); // (0,0,0)
    expect(r1[5]).toBe(5 + 200); // (0,1,1)
    expect(r1[23]).toBe(23 + 300); // (1,2,3)
    const r2 = run('add', a, up([100, 200, 300, 400], [4]), [2, 3, 4]);
    expect(Array.from(r2)).toEqual(iota(24).map((v) => v + 100 * ((v % 4) + 1)));
  });

  it('middle broadcast [2,1,2] - [1,3,1]', () => {
    // out[i][j][k] = a[i][k] - b[j]; a = [[1,2],[3,4]], b = [10,20,30]
    const r = run('sub', up([1, 2, 3, 4], [2, 1, 2]), up([10, 20, 30], [1, 3, 1]), [2, 3, 2]);
    expect(Array.from(r)).toEqual([-9, -8, -19, -18, -29, -28, -7, -6, -17, -16, -27, -26]);
  });

  it('size-0 dimensions', () => {
    expect(run('add', up([], [0, 3]), up([1, 2, 3], [3]), [0, 3]).length).toBe(0);
    expect(run('mul', up([], [2, 0]), up([5], [1]), [2, 0]).length).toBe(0);
    expect(run('less', up([], [0]), up([1], []), [0], 'bool').length).toBe(0);
  });

  it('collapse merges contiguous dimensions and drops size-1 ones', () => {
    const out = [2, 3, 4];
    const plan = collapse(out, [broadcastStrides(out, out), broadcastStrides([4], out)]);
    expect(plan).toEqual({
      shape: [6, 4],
      strides: [
        [4, 1],
        [0, 1],
      ],
    });
    expect(collapse([1, 1], [[1, 1]])).toEqual({ shape: [1], strides: [[0]] });
  });
});

describe('binary kernel: arithmetic semantics', () => {
  it('float32 div and int32 floor division', () => {
    expect(Array.from(run('div', up([1, 2], [2]), up([4], []), [2]))).toEqual([0.25, 0.5]);
    // 7/2 = 3.5 -> 3; -7/2 = -3.5 -> -4; 7/-2 -> -4; -7/-2 = 3.5 -> 3
    const r = run('div', up([7, -7, 7, -7, 6], [5], 'int32'), up([2, 2, -2, -2, 3], [5], 'int32'), [5]);
    expect(r).toBeInstanceOf(Int32Array);
    expect(Array.from(r)).toEqual([3, -4, -4, 3, 2]);
  });

  it('mod is floor modulo with the sign of the divisor, for both dtypes', () => {
    // 5 mod 3 = 2; -5 mod 3 = -5 - (-2)(3) = 1; 5 mod -3 = 5 - (-2)(-3) = -1; -5 mod -3 = -5 - (1)(-3) = -2
    expect(Array.from(run('mod', up([5, -5, 5, -5, 5.5], [5]), up([3, 3, -3, -3, 2], [5]), [5]))).toEqual([
      2, 1, -1, -2, 1.5,
    ]);
    const r = run('mod', up([5, -5, 5, -5, 6], [5], 'int32'), up([3, 3, -3, -3, 3], [5], 'int32'), [5]);
    expect(r).toBeInstanceOf(Int32Array);
    expect(Array.from(r)).toEqual([2, 1, -1, -2, 0]);
  });

  it('pow on float32 and int32', () => {
    expect(Array.from(run('pow', up([4, 2], [2]), up([0.5, -1], [2]), [2]))).toEqual([2, 0.5]);
    const r = run('pow', up([2, 3, -2], [3], 'int32'), up([3, 2, 3], [3], 'int32'), [3]);
    expect(r).toBeInstanceOf(Int32Array);
    expect(Array.from(r)).toEqual([8, 9, -8]);
  });

  it('int32 add and mul wrap like 32-bit integers', () => {
    // 2147483647 + 1 wraps to -2^31; 65536 * 65536 = 2^32 wraps to 0
    expect(Array.from(run('add', up([2147483647], [1], 'int32'), up([1], [1], 'int32'), [1]))).toEqual([
      -2147483648,
    ]);
    expect(Array.from(run('mul', up([65536, -3], [2], 'int32'), up([65536, 4], [2], 'int32'), [2]))).toEqual([
      0, -12,
    ]);
  });

  it('maximum and minimum propagate NaN', () => {
    const a = up([1, Number.NaN, 3], [3]);
    const b = up([2, 0, Number.NaN], [3]);
    expect(Array.from(run('maximum', a, b, [3]))).toEqual([2, Number.NaN, Number.NaN]);
    expect(Array.from(run('minimum', a, b, [3]))).toEqual([1, Number.NaN, Number.NaN]);
  });

  it('comparisons produce bool with broadcasting', () => {
    const a = up([1, 2, 3], [3]);
    const two = up([2], []);
    const cmp = (op: BinaryOp) => {
      const r = run(op, a, two, [3], 'bool');
      expect(r).toBeInstanceOf(Uint8Array);
      return Array.from(r);
    };
    expect(cmp('equal')).toEqual([0, 1, 0]);
    expect(cmp('notEqual')).toEqual([1, 0, 1]);
    expect(cmp('less')).toEqual([1, 0, 0]);
    expect(cmp('lessEqual')).toEqual([1, 1, 0]);
    expect(cmp('greater')).toEqual([0, 0, 1]);
    expect(cmp('greaterEqual')).toEqual([0, 1, 1]);
    const nan = up([Number.NaN], [1]);
    expect(Array.from(run('equal', nan, nan, [1], 'bool'))).toEqual([0]);
    expect(Array.from(run('notEqual', nan, nan, [1], 'bool'))).toEqual([1]);
  });

  it('comparisons on int32 and bool inputs', () => {
    expect(Array.from(run('less', up([-1, 5], [2], 'int32'), up([0], [], 'int32'), [2], 'bool'))).toEqual([
      1, 0,
    ]);
    expect(Array.from(run('equal', up([1, 0], [2], 'bool'), up([1], [], 'bool'), [2], 'bool'))).toEqual([
      1, 0,
    ]);
  });

  it('logicalAnd / logicalOr on bool with broadcasting', () => {
    const a = up([1, 1, 0, 0], [4], 'bool');
    const b = up([1, 0, 1, 0], [4], 'bool');
    expect(Array.from(run('logicalAnd', a, b, [4]))).toEqual([1, 0, 0, 0]);
    expect(Array.from(run('logicalOr', a, b, [4]))).toEqual([1, 1, 1, 0]);
    // [2,1] and [2] -> [[1&1, 1&0], [0&1, 0&0]]
    const r = run('logicalAnd', up([1, 0], [2, 1], 'bool'), up([1, 0], [2], 'bool'), [2, 2]);
    expect(Array.from(r)).toEqual([1, 0, 0, 0]);
  });

  it('does not mutate its inputs', () => {
    const a = up([1, 2], [2]);
    const b = up([3], []);
    run('add', a, b, [2]);
    expect(Array.from(be.readSync(a.handle))).toEqual([1, 2]);
    expect(Array.from(be.readSync(b.handle))).toEqual([3]);
  });
});
