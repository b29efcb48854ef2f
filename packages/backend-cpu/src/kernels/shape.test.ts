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
const read = (h: ReturnType<typeof be.upload>) => Array.from(be.readSync(h));
const iota = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => i + from);
const f32 = (shape: number[]) => ({ shape, dtype: 'float32' as const });

describe('transpose kernel', () => {
  it('2-D', () => {
    // [[1,2,3],[4,5,6]] -> [[1,4],[2,5],[3,6]]
    expect(read(be.kernels.transpose(up([1, 2, 3, 4, 5, 6], [2, 3]), [1, 0], f32([3, 2])))).toEqual([
      1, 4, 2, 5, 3, 6,
    ]);
  });

  it('3-D with perm [2, 0, 1]', () => {
    // x[i][j][k] = 12i + 4j + k (shape [2,3,4]); out[k][i][j] = x[i][j][k], out shape [4,2,3]
    const r = read(be.kernels.transpose(up(iota(24), [2, 3, 4]), [2, 0, 1], f32([4, 2, 3])));
    expect(r.slice(0, 6)).toEqual([0, 4, 8, 12, 16, 20]); // k = 0
    expect(r.slice(18, 24)).toEqual([3, 7, 11, 15, 19, 23]); // k = 3
    // and the adjacent pair (0, 1) moving together: perm [2, 0, 1] on [2,3,1] is a plain reshape
    expect(read(be.kernels.transpose(up(iota(6), [2, 3, 1]), [2, 0, 1], f32([1, 2, 3])))).toEqual(iota(6));
  });

  it('large 2-D takes the tiled path', () => {
    const R = 37;
    const C = 70;
    const r = read(be.kernels.transpose(up(iota(R * C), [R, C]), [1, 0], f32([C, R])));
    const want: number[] = [];
    for (let j = 0; j < C; j++) for (let i = 0; i < R; i++) want.push(i * C + j);
    expect(r).toEqual(want);
  });

  it('batched 2-D transpose [2, 2, 3] -> [2, 3, 2]', () => {
    // batch 0: [[0,1,2],[3,4,5]] -> [[0,3],[1,4],[2,5]]; batch 1 likewise + 6
    const r = read(be.kernels.transpose(up(iota(12), [2, 2, 3]), [0, 2, 1], f32([2, 3, 2])));
    expect(r).toEqual([0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11]);
  });

  it('keeps dtype; handles size 0 and identity', () => {
    const h = be.kernels.transpose(up([1, 2, 3, 4], [2, 2], 'int32'), [1, 0], {
      shape: [2, 2],
      dtype: 'int32',
    });
    expect(be.readSync(h)).toEqual(new Int32Array([1, 3, 2, 4]));
    expect(read(be.kernels.transpose(up([], [0, 3]), [1, 0], f32([3, 0])))).toEqual([]);
    expect(read(be.kernels.transpose(up([1, 2], [2]), [0], f32([2])))).toEqual([1, 2]);
  });
});

describe('slice kernel', () => {
  const x = up(iota(12), [3, 4]); // [[0,1,2,3],[4,5,6,7],[8,9,10,11]]

  it('a 2x2 block from [1, 1]', () => {
    expect(read(be.kernels.slice(x, [1, 1], f32([2, 2])))).toEqual([5, 6, 9, 10]);
  });

  it('a single column (strided inner row)', () => {
    expect(read(be.kernels.slice(x, [0, 2], f32([3, 1])))).toEqual([2, 6, 10]);
  });

  it('whole rows, size 0 and bool', () => {
    expect(read(be.kernels.slice(x, [2, 0], f32([1, 4])))).toEqual([8, 9, 10, 11]);
    expect(read(be.kernels.slice(x, [1, 0], f32([0, 4])))).toEqual([]);
    const b = be.kernels.slice(up([1, 0, 1], [3], 'bool'), [1], { shape: [2], dtype: 'bool' });
    expect(be.readSync(b)).toEqual(new Uint8Array([0, 1]));
  });
});

describe('pad kernel', () => {
  it('constant padding before and after', () => {
    // [[1,2],[3,4]] with [[1,0],[0,2]] and 9 -> [[9,9,9,9],[1,2,9,9],[3,4,9,9]]
    const r = read(
      be.kernels.pad(
        up([1, 2, 3, 4], [2, 2]),
        [
          [1, 0],
          [0, 2],
        ],
        9,
        f32([3, 4]),
      ),
    );
    expect(r).toEqual([9, 9, 9, 9, 1, 2, 9, 9, 3, 4, 9, 9]);
  });

  it('1-D with zero, int32, and an empty input', () => {
    expect(read(be.kernels.pad(up([1, 2], [2]), [[1, 2]], 0, f32([5])))).toEqual([0, 1, 2, 0, 0]);
    const hi = be.kernels.pad(up([5], [1], 'int32'), [[0, 1]], -1, { shape: [2], dtype: 'int32' });
    expect(be.readSync(hi)).toEqual(new Int32Array([5, -1]));
    const pads: [number, number][] = [
      [1, 1],
      [0, 0],
    ];
    expect(read(be.kernels.pad(up([], [0, 2]), pads, 7, f32([2, 2])))).toEqual([7, 7, 7, 7]);
  });
});

describe('concat kernel', () => {
  it('along axis 0 and axis 1', () => {
    // [[1,2]] ++ [[3,4],[5,6]] -> [[1,2],[3,4],[5,6]]
    expect(read(be.kernels.concat([up([1, 2], [1, 2]), up([3, 4, 5, 6], [2, 2])], 0, f32([3, 2])))).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
    // [[1],[2]] ++ [[3,4],[5,6]] along 1 -> [[1,3,4],[2,5,6]]
    expect(read(be.kernels.concat([up([1, 2], [2, 1]), up([3, 4, 5, 6], [2, 2])], 1, f32([2, 3])))).toEqual([
      1, 3, 4, 2, 5, 6,
    ]);
  });

  it('three inputs with an empty one, and bool', () => {
    const r = be.kernels.concat([up([1], [1, 1]), up([], [1, 0]), up([2, 3], [1, 2])], 1, f32([1, 3]));
    expect(read(r)).toEqual([1, 2, 3]);
    const b = be.kernels.concat([up([1], [1], 'bool'), up([0, 1], [2], 'bool')], 0, {
      shape: [3],
      dtype: 'bool',
    });
    expect(be.readSync(b)).toEqual(new Uint8Array([1, 0, 1]));
    expect(read(be.kernels.concat([up([], [0, 2]), up([], [0, 2])], 0, f32([0, 2])))).toEqual([]);
  });
});

describe('gather kernel', () => {
  it('rows along axis 0', () => {
    // x = [[1,2],[3,4],[5,6]], indices [2, 0] -> [[5,6],[1,2]]
    const idx = up([2, 0], [2], 'int32');
    expect(read(be.kernels.gather(up([1, 2, 3, 4, 5, 6], [3, 2]), idx, 0, f32([2, 2])))).toEqual([
      5, 6, 1, 2,
    ]);
  });

  it('2-D indices along axis 1', () => {
    // x = [[1,2,3],[4,5,6]], indices [[2,0],[1,1]] -> out [2, 2, 2]:
    // row 0: [[x02, x00], [x01, x01]] = [[3,1],[2,2]]; row 1: [[6,4],[5,5]]
    const idx = up([2, 0, 1, 1], [2, 2], 'int32');
    const r = read(be.kernels.gather(up([1, 2, 3, 4, 5, 6], [2, 3]), idx, 1, f32([2, 2, 2])));
    expect(r).toEqual([3, 1, 2, 2, 6, 4, 5, 5]);
  });

  it('scalar index, empty indices, int32 data', () => {
    const r = be.kernels.gather(up([1, 2, 3, 4], [2, 2], 'int32'), up([1], [], 'int32'), 0, {
      shape: [2],
      dtype: 'int32',
    });
    expect(be.readSync(r)).toEqual(new Int32Array([3, 4]));
    expect(read(be.kernels.gather(up([1, 2], [2]), up([], [0], 'int32'), 0, f32([0])))).toEqual([]);
  });
});
