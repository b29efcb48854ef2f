/**
 * Contiguous slicing.
 *
 * @packageDocumentation
 */
import type { TensorInfo, TypedArray } from '@neurona/core';
import { allocate, sizeOf, stridesOf } from '../storage.js';
import { type Input, stridedCopy } from './strided.js';

/**
 * The block of `x` starting at `begin` with size `out.shape` (no strides).
 *
 * @example
 * ```ts
 * // x = [[1, 2, 3], [4, 5, 6]], begin [0, 1], size [2, 2] -> [[2, 3], [5, 6]]
 * slice(x, [0, 1], { shape: [2, 2], dtype: 'float32' });
 * ```
 */
export function slice(x: Input, begin: readonly number[], out: TensorInfo): TypedArray {
  const o = allocate(out.dtype, sizeOf(out.shape));
  if (o.length === 0) return o;
  const xStrides = stridesOf(x.shape);
  let start = 0;
  for (let d = 0; d < begin.length; d++) start += begin[d]! * xStrides[d]!;
  stridedCopy(o, 0, stridesOf(out.shape), x.data, start, xStrides, out.shape);
  return o;
}
