import type { Shape, TypedArray } from '../backend/types.js';

/**
 * Nested JavaScript arrays of numbers, as returned by `tensor.array()` (a plain number for a scalar).
 *
 * @example
 * ```ts
 * const rows: nr.NestedArray = [[1, 2], [3, 4]];
 * ```
 */
export type NestedArray = number | NestedArray[];

/**
 * Values accepted wherever a tensor is expected: a tensor-like number, boolean, nested array or typed array.
 *
 * @example
 * ```ts
 * const v: nr.TensorLike = [[1, 2], [3, 4]];
 * ```
 */
export type TensorLike = number | boolean | TypedArray | readonly TensorLike[];

/** @internal Reshape flat data into nested arrays. */
export function toNested(data: TypedArray, shape: Shape): NestedArray {
  if (shape.length === 0) return data[0] ?? 0;
  const build = (offset: number, dim: number): NestedArray[] => {
    const n = shape[dim]!;
    const out: NestedArray[] = new Array(n);
    if (dim === shape.length - 1) {
      for (let i = 0; i < n; i++) out[i] = data[offset + i]!;
      return out;
    }
    let stride = 1;
    for (let d = dim + 1; d < shape.length; d++) stride *= shape[d]!;
    for (let i = 0; i < n; i++) out[i] = build(offset + i * stride, dim + 1);
    return out;
  };
  return build(0, 0);
}

/** @internal Infer the shape of nested input and check it is rectangular. */
export function inferShape(value: TensorLike, what: string): number[] {
  const shape: number[] = [];
  let cur: TensorLike = value;
  while (Array.isArray(cur) || ArrayBuffer.isView(cur)) {
    const arr = cur as ArrayLike<TensorLike>;
    shape.push(arr.length);
    if (arr.length === 0) break;
    cur = arr[0]!;
  }
  const check = (v: TensorLike, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (typeof v !== 'number' && typeof v !== 'boolean') {
        throw new Error(
          `${what}: element at ${path || 'root'} is not a number (ragged or non-numeric input)`,
        );
      }
      return;
    }
    if (!(Array.isArray(v) || ArrayBuffer.isView(v)) || (v as ArrayLike<unknown>).length !== shape[dim]) {
      throw new Error(
        `${what}: ragged nested array: expected length ${shape[dim]} at ${path || 'root'}, got ${
          Array.isArray(v) || ArrayBuffer.isView(v) ? (v as ArrayLike<unknown>).length : typeof v
        }`,
      );
    }
    if (ArrayBuffer.isView(v)) return;
    const arr = v as readonly TensorLike[];
    for (let i = 0; i < arr.length; i++) check(arr[i]!, dim + 1, `${path}[${i}]`);
  };
  check(value, 0, '');
  return shape;
}

/** @internal Flatten nested input into `out` (row-major). */
export function flattenInto(value: TensorLike, out: TypedArray, offset = 0): number {
  if (typeof value === 'number') {
    out[offset] = value;
    return offset + 1;
  }
  if (typeof value === 'boolean') {
    out[offset] = value ? 1 : 0;
    return offset + 1;
  }
  if (ArrayBuffer.isView(value)) {
    out.set(value as ArrayLike<number>, offset);
    return offset + (value as TypedArray).length;
  }
  for (const v of value as readonly TensorLike[]) offset = flattenInto(v, out, offset);
  return offset;
}
