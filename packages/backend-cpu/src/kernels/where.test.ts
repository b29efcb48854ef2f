import type { DType, Operand } from '@neurona/core';
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

describe('where kernel', () => {
  it('selects elementwise with equal shapes', () => {
    const h = be.kernels.where(up([1, 0, 1], [3], 'bool'), up([1, 2, 3], [3]), up([7, 8, 9], [3]), {
      shape: [3],
      dtype: 'float32',
    });
    expect(Array.from(be.readSync(h))).toEqual([1, 8, 3]);
  });

  it('broadcasts all three operands', () => {
    // cond [2,1] = [[1],[0]], a [3] = [1,2,3], b scalar 9 -> [[1,2,3],[9,9,9]]
    const h = be.kernels.where(up([1, 0], [2, 1], 'bool'), up([1, 2, 3], [3]), up([9], []), {
      shape: [2, 3],
      dtype: 'float32',
    });
    expect(Array.from(be.readSync(h))).toEqual([1, 2, 3, 9, 9, 9]);
    // cond [3] = [0,1,0], a [2,1] = [[1],[2]], b [2,3] = 10..15 -> [[10,1,12],[13,2,15]]
    const h2 = be.kernels.where(
      up([0, 1, 0], [3], 'bool'),
      up([1, 2], [2, 1]),
      up([10, 11, 12, 13, 14, 15], [2, 3]),
      {
        shape: [2, 3],
        dtype: 'float32',
      },
    );
    expect(Array.from(be.readSync(h2))).toEqual([10, 1, 12, 13, 2, 15]);
  });

  it('keeps int32 and bool value dtypes, scalar condition', () => {
    const hi = be.kernels.where(up([0], [], 'bool'), up([1, 2], [2], 'int32'), up([-5, -6], [2], 'int32'), {
      shape: [2],
      dtype: 'int32',
    });
    expect(be.readSync(hi)).toEqual(new Int32Array([-5, -6]));
    const hb = be.kernels.where(up([1, 0], [2], 'bool'), up([1, 1], [2], 'bool'), up([0], [], 'bool'), {
      shape: [2],
      dtype: 'bool',
    });
    expect(be.readSync(hb)).toEqual(new Uint8Array([1, 0]));
  });

  it('handles size-0 outputs', () => {
    const h = be.kernels.where(up([], [0], 'bool'), up([1], []), up([2], []), {
      shape: [0],
      dtype: 'float32',
    });
    expect(be.readSync(h).length).toBe(0);
  });
});

describe('cast kernel', () => {
  const cast = (x: Operand, dtype: DType) => be.readSync(be.kernels.cast(x, { shape: x.shape, dtype }));

  it('float32 -> int32 truncates toward zero (NaN -> 0)', () => {
    const r = cast(up([1.7, -1.7, 0, -0.5, 2.5, Number.NaN], [6]), 'int32');
    expect(r).toBeInstanceOf(Int32Array);
    expect(Array.from(r)).toEqual([1, -1, 0, 0, 2, 0]);
  });

  it('to bool is x != 0 (NaN is true)', () => {
    expect(cast(up([1.5, 0, -2, Number.NaN], [4]), 'bool')).toEqual(new Uint8Array([1, 0, 1, 1]));
    expect(cast(up([0, 5, -1], [3], 'int32'), 'bool')).toEqual(new Uint8Array([0, 1, 1]));
  });

  it('bool and int32 -> float32', () => {
    expect(cast(up([1, 0], [2], 'bool'), 'float32')).toEqual(new Float32Array([1, 0]));
    expect(cast(up([3, -4], [2], 'int32'), 'float32')).toEqual(new Float32Array([3, -4]));
    expect(cast(up([1, 0], [2], 'bool'), 'int32')).toEqual(new Int32Array([1, 0]));
  });

  it('size-0 and same-dtype copies', () => {
    expect(cast(up([], [0]), 'int32').length).toBe(0);
    const x = up([1, 2], [2]);
    const h = be.kernels.cast(x, { shape: [2], dtype: 'float32' });
    expect(h).not.toBe(x.handle);
    expect(Array.from(be.readSync(h))).toEqual([1, 2]);
  });
});
