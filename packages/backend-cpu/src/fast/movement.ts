/**
 * Movement kernels inside the WebAssembly memory: slice, concat and gather copy contiguous runs of bytes
 * (`copyWithin` on the memory), so their outputs stay in WebAssembly memory for the next fast kernel
 * instead of being built as JavaScript arrays and copied in again.
 *
 * @packageDocumentation
 */
import type { Shape } from '@neurona/core';
import { stridesOf } from '../storage.js';

function product(shape: Shape, from: number, to: number): number {
  let n = 1;
  for (let d = from; d < to; d++) n *= shape[d]!;
  return n;
}

/**
 * Copy the block of `shape` (element size `bytes`) at `src` that starts at `begin` and has shape `out`
 * into the contiguous block at `dst`, one contiguous run at a time.
 *
 * @example
 * ```ts
 * sliceBytes(heap.u8(), x, [4, 6], [1, 0], [2, 6], 4, y); // rows 1..2 of a 4x6 float32 matrix
 * ```
 */
export function sliceBytes(
  u8: Uint8Array,
  src: number,
  shape: Shape,
  begin: readonly number[],
  out: Shape,
  bytes: number,
  dst: number,
): void {
  const rank = shape.length;
  if (product(out, 0, rank) === 0) return;
  // The run: trailing dimensions taken whole, plus the first partial one.
  let k = rank - 1;
  while (k >= 0 && out[k] === shape[k]) k--;
  const strides = stridesOf(shape).map((s) => s * bytes);
  const run = (k < 0 ? product(shape, 0, rank) : product(out, k, rank)) * bytes;
  let base = src;
  for (let d = 0; d < rank; d++) base += begin[d]! * strides[d]!;
  const outer = k < 0 ? 1 : product(out, 0, k);
  const idx = new Array<number>(Math.max(k, 0)).fill(0);
  let from = base;
  let to = dst;
  for (let r = 0; r < outer; r++) {
    u8.copyWithin(to, from, from + run);
    to += run;
    for (let d = k - 1; d >= 0; d--) {
      from += strides[d]!;
      if (++idx[d]! < out[d]!) break;
      from -= strides[d]! * out[d]!;
      idx[d] = 0;
    }
  }
}

/**
 * Concatenate blocks (`parts[i]` at address `srcs[i]`) along `axis` into `dst`.
 *
 * @example
 * ```ts
 * concatBytes(heap.u8(), [a, b], [[2, 3], [2, 5]], 1, 4, y); // [2, 8] float32
 * ```
 */
export function concatBytes(
  u8: Uint8Array,
  srcs: readonly number[],
  parts: readonly Shape[],
  axis: number,
  bytes: number,
  dst: number,
): void {
  const first = parts[0]!;
  const outer = product(first, 0, axis);
  const inner = product(first, axis + 1, first.length) * bytes;
  let total = 0;
  for (const p of parts) total += p[axis]! * inner;
  let offset = 0;
  for (let i = 0; i < parts.length; i++) {
    const run = parts[i]![axis]! * inner;
    if (run > 0) {
      for (let o = 0; o < outer; o++) {
        const from = srcs[i]! + o * run;
        u8.copyWithin(dst + o * total + offset, from, from + run);
      }
    }
    offset += run;
  }
}

/**
 * Gather slices of the block at `src` (shape `shape`) along `axis` at `indices` into `dst`.
 *
 * @example
 * ```ts
 * gatherBytes(heap.u8(), x, [10, 3], Int32Array.from([4, 0]), 0, 4, y); // rows 4 and 0
 * ```
 */
export function gatherBytes(
  u8: Uint8Array,
  src: number,
  shape: Shape,
  indices: ArrayLike<number>,
  axis: number,
  bytes: number,
  dst: number,
): void {
  const outer = product(shape, 0, axis);
  const inner = product(shape, axis + 1, shape.length) * bytes;
  const dim = shape[axis]!;
  const n = indices.length;
  if (inner === 0) return;
  let to = dst;
  for (let o = 0; o < outer; o++) {
    const block = src + o * dim * inner;
    for (let j = 0; j < n; j++) {
      const from = block + indices[j]! * inner;
      u8.copyWithin(to, from, from + inner);
      to += inner;
    }
  }
}

/**
 * Pad the contiguous block of `shape` at `src` into `dst` (shape `out`, already filled with the pad value):
 * input element (i0, i1, ...) goes to (i0 + before0, i1 + before1, ...), one contiguous run at a time.
 *
 * @example
 * ```ts
 * padBytes(heap.u8(), x, [2, 3], [[1, 0], [0, 2]], [3, 5], 4, y);
 * ```
 */
export function padBytes(
  u8: Uint8Array,
  src: number,
  shape: Shape,
  paddings: readonly (readonly [number, number])[],
  out: Shape,
  bytes: number,
  dst: number,
): void {
  const rank = shape.length;
  if (product(shape, 0, rank) === 0) return;
  let k = rank - 1;
  while (k >= 0 && out[k] === shape[k]) k--;
  const strides = stridesOf(out).map((s) => s * bytes);
  const run = k < 0 ? product(shape, 0, rank) * bytes : product(shape, k, rank) * bytes;
  let to = dst;
  for (let d = 0; d < rank; d++) to += paddings[d]![0] * strides[d]!;
  const outer = k < 0 ? 1 : product(shape, 0, k);
  const idx = new Array<number>(Math.max(k, 0)).fill(0);
  let from = src;
  for (let r = 0; r < outer; r++) {
    u8.copyWithin(to, from, from + run);
    from += run;
    for (let d = k - 1; d >= 0; d--) {
      to += strides[d]!;
      if (++idx[d]! < shape[d]!) break;
      to -= strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}
