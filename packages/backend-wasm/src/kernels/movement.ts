/**
 * Movement kernels: tfjs-wasm `Transpose`, `PadV2`, `Concat`, `GatherV2`, and our own `slice` on the heap.
 *
 * @packageDocumentation
 */
import type { DType, TensorInfo } from '@neurona/core';
import { type Runner, sizeOf, type TfInfo } from '../runner.js';

/**
 * Permute axes: `out.shape[i] = x.shape[perm[i]]`.
 *
 * @example
 * ```ts
 * const y = transpose(tw, x, [1, 0]);
 * ```
 */
export function transpose(tw: Runner, x: TfInfo, perm: readonly number[]): TfInfo {
  // tfjs-wasm's Transpose divides by the dimensions: an empty tensor would trap.
  if (sizeOf(x.shape) === 0)
    return tw.empty(
      perm.map((p) => x.shape[p]!),
      x.dtype as DType,
    );
  return tw.run('Transpose', { x }, { perm: [...perm] });
}

/**
 * Contiguous block of `x` starting at `begin` with the size of `out.shape`. Copied here between heap
 * views: tfjs-wasm's `Slice` first copies all of `x` out of the heap, which dominates when a batch is cut
 * from a large dataset.
 *
 * @example
 * ```ts
 * const y = slice(tw, x, [0, 1], { shape: [2, 2], dtype: 'float32' });
 * ```
 */
export function slice(tw: Runner, x: TfInfo, begin: readonly number[], out: TensorInfo): TfInfo {
  const y = tw.empty(out.shape, out.dtype);
  const n = sizeOf(out.shape);
  if (n === 0) return y;
  const src = tw.heap(x);
  const dst = tw.heap(y);
  const shape = x.shape;
  const rank = shape.length;
  // Trailing axes taken whole (and the first partial one) form one contiguous run per outer index.
  let run = 1;
  let axis = rank - 1;
  while (axis >= 0 && out.shape[axis] === shape[axis]) run *= shape[axis--]!;
  if (axis >= 0) run *= out.shape[axis]!;
  const strides = new Array<number>(rank);
  for (let d = rank - 1, acc = 1; d >= 0; d--) {
    strides[d] = acc;
    acc *= shape[d]!;
  }
  let offset = 0;
  for (let d = 0; d < rank; d++) offset += begin[d]! * strides[d]!;
  if (axis < 0) {
    dst.set(src.subarray(offset, offset + n));
    return y;
  }
  // Walk the outer axes [0, axis) with a multi-index; each step copies one run.
  const index = new Array<number>(axis).fill(0);
  for (let o = 0; o < n; o += run) {
    dst.set(src.subarray(offset, offset + run), o);
    for (let d = axis - 1; d >= 0; d--) {
      index[d]!++;
      offset += strides[d]!;
      if (index[d]! < out.shape[d]!) break;
      offset -= strides[d]! * index[d]!;
      index[d] = 0;
    }
  }
  return y;
}

/**
 * Constant padding, `paddings[i] = [before, after]` on axis i.
 *
 * @example
 * ```ts
 * const y = pad(tw, x, [[1, 1], [0, 2]], 0);
 * ```
 */
export function pad(
  tw: Runner,
  x: TfInfo,
  paddings: readonly (readonly [number, number])[],
  value: number,
): TfInfo {
  return tw.run('PadV2', { x }, { paddings: paddings.map((p) => [p[0], p[1]]), constantValue: value });
}

/**
 * Join same-rank, same-dtype tensors along `axis`.
 *
 * @example
 * ```ts
 * const y = concat(tw, [a, b], 1);
 * ```
 */
export function concat(tw: Runner, xs: readonly TfInfo[], axis: number): TfInfo {
  return tw.runList('Concat', xs, { axis });
}

/**
 * Slices of `x` along `axis` at int32 `indices` (in range; checked by core).
 *
 * @example
 * ```ts
 * const rows = gather(tw, table, ids, 0);
 * ```
 */
export function gather(tw: Runner, x: TfInfo, indices: TfInfo, axis: number): TfInfo {
  return tw.run('GatherV2', { x, indices }, { axis, batchDims: 0 });
}
