/**
 * Unsorted segment sum.
 *
 * @packageDocumentation
 */
import type { TensorInfo, TypedArray } from '@neurona/core';
import { allocate, sizeOf } from '../storage.js';
import type { Input } from './strided.js';

/**
 * Sum the rows of `x` (slices along axis 0) into `numSegments` buckets: row i goes to bucket
 * `segmentIds[i]`; ids outside `[0, numSegments)` are ignored; empty buckets are 0. Sums are accumulated
 * in float64 (int32 results wrap modulo 2^32).
 *
 * @example
 * ```ts
 * // x = [1, 2, 3], ids = [1, 0, 1], 2 segments -> [2, 4]
 * unsortedSegmentSum(x, ids, 2, { shape: [2], dtype: 'float32' });
 * ```
 */
export function unsortedSegmentSum(
  x: Input,
  segmentIds: Input,
  numSegments: number,
  out: TensorInfo,
): TypedArray {
  const size = sizeOf(out.shape);
  const o = allocate(out.dtype, size);
  if (size === 0) return o;
  const inner = size / numSegments;
  const acc = new Float64Array(size);
  const a = x.data;
  const ids = segmentIds.data;
  const rows = ids.length;
  for (let r = 0; r < rows; r++) {
    const id = ids[r]!;
    if (id < 0 || id >= numSegments) continue;
    const src = r * inner;
    const dst = id * inner;
    for (let i = 0; i < inner; i++) acc[dst + i] = acc[dst + i]! + a[src + i]!;
  }
  o.set(acc);
  return o;
}
