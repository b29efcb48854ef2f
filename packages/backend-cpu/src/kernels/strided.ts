/**
 * Shared machinery for kernels that walk several arrays with different strides over one shape
 * (broadcasting, transposes, slices, padding).
 *
 * @packageDocumentation
 */
import type { DType, Shape, TypedArray } from '@neurona/core';
import { stridesOf } from '../storage.js';

/**
 * A kernel input: the data behind an operand, viewed with the operand's shape and dtype.
 *
 * @example
 * ```ts
 * const x: Input = { data: new Float32Array([1, 2]), shape: [2], dtype: 'float32' };
 * ```
 */
export interface Input {
  readonly data: TypedArray;
  readonly shape: Shape;
  readonly dtype: DType;
}

/**
 * A loop nest with one stride list per array, after merging dimensions that can be walked as one.
 * The last dimension is the inner row.
 *
 * @example
 * ```ts
 * collapse([2, 3], [[3, 1], [0, 1]]); // { shape: [2, 3], strides: [[3, 1], [0, 1]] }
 * ```
 */
export interface Plan {
  readonly shape: number[];
  readonly strides: number[][];
}

/**
 * Drop size-1 dimensions and merge neighbours that every array walks contiguously.
 * Always returns at least one dimension.
 *
 * @example
 * ```ts
 * collapse([2, 3, 4], [[12, 4, 1], [0, 0, 1]]); // { shape: [6, 4], strides: [[4, 1], [0, 1]] }
 * ```
 */
export function collapse(shape: Shape, strides: readonly (readonly number[])[]): Plan {
  const k = strides.length;
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = outShape.length - 1;
    let merge = last >= 0;
    for (let j = 0; j < k && merge; j++) {
      merge = outStrides[j]![last] === strides[j]![d]! * size;
    }
    if (merge) {
      outShape[last] = outShape[last]! * size;
      for (let j = 0; j < k; j++) outStrides[j]![last] = strides[j]![d]!;
    } else {
      outShape.push(size);
      for (let j = 0; j < k; j++) outStrides[j]!.push(strides[j]![d]!);
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    for (let j = 0; j < k; j++) outStrides[j]!.push(0);
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Strides that broadcast an input of `shape` to `outShape` (0 on broadcast or missing dimensions).
 *
 * @example
 * ```ts
 * broadcastStrides([3], [2, 3]); // [0, 1]
 * ```
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = stridesOf(shape);
  const lead = outShape.length - shape.length;
  const s = new Array<number>(outShape.length).fill(0);
  for (let d = 0; d < shape.length; d++) {
    s[lead + d] = shape[d] === 1 ? 0 : own[d]!;
  }
  return s;
}

/**
 * Call `fn` once per inner row of `plan`, with `offs[j]` the starting element of array j.
 * The `offs` array is reused between calls; `fn` must not keep it.
 *
 * @example
 * ```ts
 * forEachRow(plan, [0, 0], (offs) => copyRow(offs[0], offs[1]));
 * ```
 */
export function forEachRow(plan: Plan, base: readonly number[], fn: (offs: number[]) => void): void {
  const { shape, strides } = plan;
  const r = shape.length;
  const k = strides.length;
  const offs = base.slice();
  let outer = 1;
  for (let d = 0; d < r - 1; d++) outer *= shape[d]!;
  if (outer === 0 || shape[r - 1] === 0) return;
  const idx = new Array<number>(Math.max(r - 1, 0)).fill(0);
  for (let row = 0; row < outer; row++) {
    fn(offs);
    for (let d = r - 2; d >= 0; d--) {
      const size = shape[d]!;
      idx[d]!++;
      if (idx[d]! < size) {
        for (let j = 0; j < k; j++) offs[j] = offs[j]! + strides[j]![d]!;
        break;
      }
      idx[d] = 0;
      for (let j = 0; j < k; j++) offs[j] = offs[j]! - strides[j]![d]! * (size - 1);
    }
  }
}

/**
 * Copy the elements of `src` laid out by `srcStrides` (from `srcOff`) into `dst` laid out by `dstStrides`
 * (from `dstOff`), over `shape`. Converts element types like `TypedArray.prototype.set`.
 *
 * @example
 * ```ts
 * // 2x3 transpose of a contiguous [3, 2] source:
 * stridedCopy(dst, 0, [3, 1], src, 0, [1, 2], [2, 3]);
 * ```
 */
export function stridedCopy(
  dst: TypedArray,
  dstOff: number,
  dstStrides: readonly number[],
  src: TypedArray,
  srcOff: number,
  srcStrides: readonly number[],
  shape: Shape,
): void {
  for (let d = 0; d < shape.length; d++) if (shape[d] === 0) return;
  const plan = collapse(shape, [dstStrides, srcStrides]);
  const n = plan.shape[plan.shape.length - 1]!;
  const ds = plan.strides[0]![plan.shape.length - 1]!;
  const ss = plan.strides[1]![plan.shape.length - 1]!;
  const big = n >= 256 && ds === 1 && ss === 1 && dst.constructor === src.constructor;
  forEachRow(plan, [dstOff, srcOff], (offs) => {
    const d0 = offs[0]!;
    const s0 = offs[1]!;
    if (big) {
      dst.set(src.subarray(s0, s0 + n), d0);
    } else {
      for (let i = 0; i < n; i++) dst[d0 + i * ds] = src[s0 + i * ss]!;
    }
  });
}
