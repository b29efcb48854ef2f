import type { DType, Shape } from '../backend/types.js';
import { engine } from '../engine/engine.js';
import { flattenInto, inferShape, type TensorLike } from '../engine/nested.js';
import { sizeOf, Tensor } from '../engine/tensor.js';

/**
 * A tensor or a value convertible to one (number, boolean, nested array, typed array).
 *
 * @example
 * ```ts
 * const x: nr.TensorOrLike = [1, 2, 3];
 * nr.add(x, 1);
 * ```
 */
export type TensorOrLike = Tensor | TensorLike;

/** @internal Format a shape for error messages. */
export function fmt(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** @internal Run an op body in its own scope so temporaries are freed and only the result survives. */
export function op<T>(name: string, fn: () => T): T {
  return engine().scoped(name, fn);
}

/** @internal Turn a tensor-like argument into a tensor (created in the current scope). */
export function convert(x: TensorOrLike, opName: string, arg: string, dtype?: DType): Tensor {
  if (x instanceof Tensor) {
    x.assertLive(`${opName}: argument '${arg}'`);
    return x;
  }
  if (x === null || x === undefined) throw new Error(`${opName}: argument '${arg}' is ${x}`);
  const shape = inferShape(x, `${opName}: argument '${arg}'`);
  const dt: DType = dtype ?? inferDtype(x);
  const data = allocate(dt, sizeOf(shape));
  flattenInto(x, data);
  return engine().upload(data, { shape, dtype: dt });
}

/** @internal The dtype a tensor-like value gets by default: bool for booleans, int32/bool for those typed arrays. */
export function inferDtype(values: TensorLike): DType {
  if (values instanceof Int32Array) return 'int32';
  if (values instanceof Uint8Array) return 'bool';
  let v: TensorLike = values;
  while (Array.isArray(v) && v.length > 0) v = v[0] as TensorLike;
  return typeof v === 'boolean' ? 'bool' : 'float32';
}

/** @internal A zeroed typed array for `dtype`. */
export function allocate(dtype: DType, n: number): Float32Array | Int32Array | Uint8Array {
  return dtype === 'float32'
    ? new Float32Array(n)
    : dtype === 'int32'
      ? new Int32Array(n)
      : new Uint8Array(n);
}

/**
 * NumPy broadcast of two shapes; throws naming the op when they are incompatible.
 *
 * @example
 * ```ts
 * nr.broadcastShapes([2, 1, 3], [4, 1], 'add'); // [2, 4, 3]
 * ```
 */
export function broadcastShapes(a: Shape, b: Shape, opName: string): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(
        `${opName}: shapes ${fmt(a)} and ${fmt(b)} cannot be broadcast (dimension ${i} of the result: ${da} vs ${db})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Axes of `outShape` along which `inShape` was broadcast (to sum a gradient back to `inShape`).
 *
 * @internal
 */
export function broadcastedAxes(inShape: Shape, outShape: Shape): number[] {
  const axes: number[] = [];
  const offset = outShape.length - inShape.length;
  for (let i = 0; i < outShape.length; i++) {
    const d = i < offset ? 1 : inShape[i - offset]!;
    if (d === 1 && outShape[i] !== 1) axes.push(i);
    else if (i < offset) axes.push(i);
  }
  return axes;
}

/** @internal Normalise possibly negative axes against `rank`, checking bounds and duplicates. */
export function normalizeAxes(
  axis: number | readonly number[] | undefined,
  rank: number,
  opName: string,
): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const out: number[] = [];
  for (const a of list) {
    if (!Number.isInteger(a) || a < -rank || a >= Math.max(rank, 1)) {
      throw new Error(`${opName}: axis ${a} is out of range for a tensor of rank ${rank}`);
    }
    const n = a < 0 ? a + rank : a;
    if (out.includes(n)) throw new Error(`${opName}: axis ${a} is repeated`);
    out.push(n);
  }
  return out.sort((x, y) => x - y);
}

/** @internal Normalise one possibly negative axis. */
export function normalizeAxis(axis: number, rank: number, opName: string): number {
  return normalizeAxes(axis, rank, opName)[0]!;
}

/** @internal Throw unless `t` has one of `dtypes`. */
export function expectDtype(t: Tensor, dtypes: readonly DType[], opName: string, arg: string): void {
  if (!dtypes.includes(t.dtype)) {
    throw new Error(`${opName}: argument '${arg}' must be ${dtypes.join(' or ')}, got ${t.dtype}`);
  }
}
