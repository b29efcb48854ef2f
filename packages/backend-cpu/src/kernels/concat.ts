/**
 * Concatenation along one axis.
 *
 * @packageDocumentation
 */
import type { TensorInfo, TypedArray } from '@neurona/core';
import { allocate, sizeOf } from '../storage.js';
import type { Input } from './strided.js';

/**
 * Join same-rank inputs along `axis`. Each output "outer" row (the dimensions before `axis`) is the
 * concatenation of the matching contiguous chunks of every input.
 *
 * @example
 * ```ts
 * // [[1], [2]] ++ [[3, 4], [5, 6]] along axis 1 -> [[1, 3, 4], [2, 5, 6]]
 * concat([a, b], 1, { shape: [2, 3], dtype: 'float32' });
 * ```
 */
export function concat(xs: readonly Input[], axis: number, out: TensorInfo): TypedArray {
  const o = allocate(out.dtype, sizeOf(out.shape));
  if (o.length === 0) return o;
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= out.shape[d]!;
  const chunks = xs.map((x) => (outer === 0 ? 0 : x.data.length / outer));
  let pos = 0;
  for (let r = 0; r < outer; r++) {
    for (let k = 0; k < xs.length; k++) {
      const n = chunks[k]!;
      if (n === 0) continue;
      const src = xs[k]!.data;
      const s0 = r * n;
      if (n >= 256 && src.constructor === o.constructor) {
        o.set(src.subarray(s0, s0 + n), pos);
      } else {
        for (let i = 0; i < n; i++) o[pos + i] = src[s0 + i]!;
      }
      pos += n;
    }
  }
  return o;
}
