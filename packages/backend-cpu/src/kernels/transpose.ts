/**
 * Axis permutation.
 *
 * @packageDocumentation
 */
import type { TensorInfo, TypedArray } from '@neurona/core';
import { allocate, sizeOf, stridesOf } from '../storage.js';
import { collapse, type Input, stridedCopy } from './strided.js';

const TILE = 32;

/**
 * Permute axes: `out.shape[i] = x.shape[perm[i]]`. Dimensions that stay adjacent are merged first;
 * a pure 2-D transpose is done in 32x32 tiles to stay in cache.
 *
 * @example
 * ```ts
 * // [[1, 2, 3], [4, 5, 6]] -> [[1, 4], [2, 5], [3, 6]]
 * transpose(x, [1, 0], { shape: [3, 2], dtype: 'float32' });
 * ```
 */
export function transpose(x: Input, perm: readonly number[], out: TensorInfo): TypedArray {
  const o = allocate(out.dtype, sizeOf(out.shape));
  if (o.length === 0) return o;
  const xStrides = stridesOf(x.shape);
  const srcStrides = perm.map((p) => xStrides[p]!);
  const dstStrides = stridesOf(out.shape);
  const plan = collapse(out.shape, [dstStrides, srcStrides]);
  if (plan.shape.length === 2 && plan.strides[1]![0] === 1 && plan.strides[1]![1] === plan.shape[0]) {
    transpose2d(o, x.data, plan.shape[0]!, plan.shape[1]!);
  } else {
    stridedCopy(o, 0, dstStrides, x.data, 0, srcStrides, out.shape);
  }
  return o;
}

/** `o` ([rows, cols]) = transpose of `a` ([cols, rows]), tiled. */
function transpose2d(o: TypedArray, a: TypedArray, rows: number, cols: number): void {
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = Math.min(i0 + TILE, rows);
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(j0 + TILE, cols);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) o[i * cols + j] = a[j * rows + i]!;
      }
    }
  }
}
