import type { DType, Operand } from '@neurona/core';
import { describe, expect, it } from 'vitest';
import { cpu } from '../index.js';

const be = cpu({ fast: false }); // these tests pin down the reference kernels
function up(data: number[], shape: number[], dtype: DType = 'float32'): Operand {
  const arr = dtype === 'float32' ? new Float32Array(data) : new Int32Array(data);
  return { handle: be.upload(arr, { shape, dtype }), shape, dtype };
}
function segSum(x: Operand, ids: number[], num: number, dtype: DType = x.dtype) {
  const shape = [num, ...x.shape.slice(1)];
  const h = be.kernels.unsortedSegmentSum(x, up(ids, [ids.length], 'int32'), num, { shape, dtype });
  return be.readSync(h);
}

describe('unsortedSegmentSum', () => {
  it('1-D', () => {
    // x = [1, 2, 3], ids = [1, 0, 1] -> seg0 = 2, seg1 = 1 + 3 = 4
    expect(Array.from(segSum(up([1, 2, 3], [3]), [1, 0, 1], 2))).toEqual([2, 4]);
  });

  it('rows, with out-of-range ids ignored and empty segments zero', () => {
    // x rows: [1,2], [3,4], [5,6], [7,8], [9,10]; ids [1, 0, 1, 5, -1] with 3 segments:
    // seg0 = [3,4]; seg1 = [1+5, 2+6] = [6,8]; seg2 = [0,0]; rows with ids 5 and -1 are dropped
    const x = up([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [5, 2]);
    expect(Array.from(segSum(x, [1, 0, 1, 5, -1], 3))).toEqual([3, 4, 6, 8, 0, 0]);
  });

  it('int32 data stays int32', () => {
    const r = segSum(up([5, -2, 7], [3], 'int32'), [0, 0, 0], 1);
    expect(r).toBeInstanceOf(Int32Array);
    expect(Array.from(r)).toEqual([10]);
  });

  it('size-0: no rows, zero segments, empty rows', () => {
    expect(Array.from(segSum(up([], [0, 2]), [], 3))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(segSum(up([1, 2], [2]), [0, 0], 0))).toEqual([]);
    expect(Array.from(segSum(up([], [2, 0]), [0, 1], 2))).toEqual([]);
  });

  it('does not mutate its input', () => {
    const x = up([1, 2], [2]);
    segSum(x, [0, 0], 1);
    expect(Array.from(be.readSync(x.handle))).toEqual([1, 2]);
  });
});
