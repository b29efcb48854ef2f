import type { ReduceOp } from '../backend/types.js';
import { engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { reduceGrads } from '../grad/reduce.js';
import { div } from './binary.js';
import { cast, reshape, transpose } from './shape.js';
import { convert, normalizeAxes, op, type TensorOrLike } from './util.js';

/** @internal Reduce `axes` of x with a kernel: move them last, then reduce each row. */
function reduceAlong(name: string, kernel: ReduceOp, x: Tensor, axes: number[], keepDims: boolean): Tensor {
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const perm = [...kept, ...axes];
  const moved = transpose(x, perm);
  const outShape = kept.map((i) => x.shape[i]!);
  const dtype = kernel === 'argmax' || kernel === 'argmin' ? 'int32' : x.dtype;
  const out = { shape: outShape, dtype } as const;
  const y = engine().runKernel({
    name,
    inputs: [moved],
    out,
    attrs: { axes },
    run: (b, [xo]) => b.kernels.reduce(kernel, xo!, out),
    grad: reduceGrads[kernel],
  });
  return keepDims
    ? reshape(
        y,
        x.shape.map((d, i) => (axes.includes(i) ? 1 : d)),
      )
    : y;
}

function reduction(name: string, kernel: ReduceOp) {
  return (xLike: TensorOrLike, axis?: number | readonly number[], keepDims = false): Tensor =>
    op(name, () => {
      let x = convert(xLike, name, 'x');
      if (x.dtype === 'bool') x = cast(x, 'int32');
      return reduceAlong(name, kernel, x, normalizeAxes(axis, x.rank, name), keepDims);
    });
}

/**
 * Sum over `axis` (all axes by default).
 *
 * @example
 * ```ts
 * nr.sum([[1, 2], [3, 4]]);    // 10
 * nr.sum([[1, 2], [3, 4]], 0); // [4, 6]
 * ```
 */
export const sum: (x: TensorOrLike, axis?: number | readonly number[], keepDims?: boolean) => Tensor =
  reduction('sum', 'sum');
/**
 * Product over `axis` (all axes by default). Its gradient divides by x, so it is undefined where x is 0.
 *
 * @example
 * ```ts
 * nr.prod([1, 2, 3]); // 6
 * ```
 */
export const prod: (x: TensorOrLike, axis?: number | readonly number[], keepDims?: boolean) => Tensor =
  reduction('prod', 'prod');
/**
 * Maximum over `axis` (all axes by default); the gradient goes to every maximal element.
 *
 * @example
 * ```ts
 * nr.max([[1, 5], [3, 2]], 1); // [5, 3]
 * ```
 */
export const max: (x: TensorOrLike, axis?: number | readonly number[], keepDims?: boolean) => Tensor =
  reduction('max', 'max');
/**
 * Minimum over `axis` (all axes by default).
 *
 * @example
 * ```ts
 * nr.min([[1, 5], [3, 2]], 1); // [1, 2]
 * ```
 */
export const min: (x: TensorOrLike, axis?: number | readonly number[], keepDims?: boolean) => Tensor =
  reduction('min', 'min');

/**
 * Mean over `axis` (all axes by default).
 *
 * @example
 * ```ts
 * nr.mean([[1, 2], [3, 4]], 1); // [1.5, 3.5]
 * ```
 */
export function mean(xLike: TensorOrLike, axis?: number | readonly number[], keepDims = false): Tensor {
  return op('mean', () => {
    let x = convert(xLike, 'mean', 'x');
    if (x.dtype !== 'float32') x = cast(x, 'float32');
    const axes = normalizeAxes(axis, x.rank, 'mean');
    let n = 1;
    for (const a of axes) n *= x.shape[a]!;
    return div(reduceAlong('sum', 'sum', x, axes, keepDims), n);
  });
}

function argReduction(name: string, kernel: ReduceOp) {
  return (xLike: TensorOrLike, axis = 0): Tensor =>
    op(name, () => {
      const x = convert(xLike, name, 'x');
      if (x.rank === 0) throw new Error(`${name}: expected a tensor of rank >= 1, got a scalar`);
      const axes = normalizeAxes(axis, x.rank, name);
      if (x.shape[axes[0]!] === 0)
        throw new Error(`${name}: axis ${axis} of [${x.shape.join(', ')}] is empty`);
      return reduceAlong(name, kernel, x.dtype === 'bool' ? cast(x, 'int32') : x, axes, false);
    });
}

/**
 * Index (int32) of the largest value along `axis` (default 0); the first one on ties.
 *
 * @example
 * ```ts
 * nr.argMax([[1, 5], [3, 2]], 1); // [1, 0]
 * ```
 */
export const argMax: (x: TensorOrLike, axis?: number) => Tensor = argReduction('argMax', 'argmax');
/**
 * Index (int32) of the smallest value along `axis` (default 0); the first one on ties.
 *
 * @example
 * ```ts
 * nr.argMin([[1, 5], [3, 2]], 1); // [0, 1]
 * ```
 */
export const argMin: (x: TensorOrLike, axis?: number) => Tensor = argReduction('argMin', 'argmin');
