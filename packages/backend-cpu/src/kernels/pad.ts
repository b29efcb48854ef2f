/**
 * Constant padding.
 *
 * @packageDocumentation
 */
import type { TensorInfo, TypedArray } from '@neurona/core';
import { allocate, sizeOf, stridesOf } from '../storage.js';
import { type Input, stridedCopy } from './strided.js';

/**
 * Pad `x` with `value`: axis i gets `paddings[i][0]` elements before and `paddings[i][1]` after.
 *
 * @example
 * ```ts
 * // [1, 2] padded by [[1, 2]] with 0 -> [0, 1, 2, 0, 0]
 * pad(x, [[1, 2]], 0, { shape: [5], dtype: 'float32' });
 * ```
 */
export function pad(
  x: Input,
  paddings: readonly (readonly [number, number])[],
  value: number,
  out: TensorInfo,
): TypedArray {
  const o = allocate(out.dtype, sizeOf(out.shape));
  if (o.length === 0) return o;
  if (value !== 0) o.fill(value);
  if (x.data.length === 0) return o;
  const oStrides = stridesOf(out.shape);
  let start = 0;
  for (let d = 0; d < paddings.length; d++) start += paddings[d]![0] * oStrides[d]!;
  stridedCopy(o, start, oStrides, x.data, 0, stridesOf(x.shape), x.shape);
  return o;
}
