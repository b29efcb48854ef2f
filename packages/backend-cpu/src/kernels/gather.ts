/**
 * Gathering slices along an axis.
 *
 * @packageDocumentation
 */
import type { TensorInfo, TypedArray } from '@neurona/core';
import { allocate, sizeOf } from '../storage.js';
import type { Input } from './strided.js';

/**
 * Take slices of `x` along `axis` at the int32 `indices` (any shape). The output shape is
 * `x.shape[:axis] + indices.shape + x.shape[axis+1:]`. Indices are trusted to be in range (core checks).
 *
 * @example
 * ```ts
 * // x = [[1, 2], [3, 4], [5, 6]], indices [2, 0], axis 0 -> [[5, 6], [1, 2]]
 * gather(x, idx, 0, { shape: [2, 2], dtype: 'float32' });
 * ```
 */
export function gather(x: Input, indices: Input, axis: number, out: TensorInfo): TypedArray {
  const o = allocate(out.dtype, sizeOf(out.shape));
  if (o.length === 0) return o;
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= x.shape[d]!;
  let inner = 1;
  for (let d = axis + 1; d < x.shape.length; d++) inner *= x.shape[d]!;
  const axisSize = x.shape[axis]!;
  const idx = indices.data;
  const m = idx.length;
  const src = x.data;
  const bulk = inner >= 256 && src.constructor === o.constructor;
  let pos = 0;
  for (let r = 0; r < outer; r++) {
    const base = r * axisSize;
    for (let k = 0; k < m; k++) {
      const s0 = (base + idx[k]!) * inner;
      if (bulk) {
        o.set(src.subarray(s0, s0 + inner), pos);
      } else {
        for (let i = 0; i < inner; i++) o[pos + i] = src[s0 + i]!;
      }
      pos += inner;
    }
  }
  return o;
}
