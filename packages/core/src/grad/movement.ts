import type { GradFn } from '../engine/engine.js';
import { greaterEqual, less, logicalAnd, maximum, minimum, mul } from '../ops/binary.js';
import { zerosLike } from '../ops/creation.js';
import { gather, pad, slice } from '../ops/movement.js';
import { unsortedSegmentSum } from '../ops/segment.js';
import { cast, reshape, transpose } from '../ops/shape.js';

/**
 * Derivative rule of `slice`: the gradient is `dy` padded back to the input's shape with zeros.
 *
 * @internal
 */
export const sliceGrad: GradFn = (dy, [x], _y, attrs) => {
  const { begin, size } = attrs as { begin: number[]; size: number[] };
  return [
    pad(
      dy,
      begin.map((b, i) => [b, x!.shape[i]! - b - size[i]!] as const),
    ),
  ];
};

/**
 * Derivative rule of `pad`: the gradient is the slice of `dy` that covers the original input.
 *
 * @internal
 */
export const padGrad: GradFn = (dy, [x], _y, attrs) => {
  const { paddings } = attrs as { paddings: (readonly [number, number])[] };
  return [
    slice(
      dy,
      paddings.map(([before]) => before),
      x!.shape,
    ),
  ];
};

/**
 * Derivative rule of `concat`: each input receives the slice of `dy` it occupied.
 *
 * @internal
 */
export const concatGrad: GradFn = (dy, inputs, _y, attrs) => {
  const { axis } = attrs as { axis: number };
  let offset = 0;
  return inputs.map((t) => {
    const begin = t.shape.map((_, i) => (i === axis ? offset : 0));
    offset += t.shape[axis]!;
    return t.dtype === 'float32' ? slice(dy, begin, t.shape) : null;
  });
};

/**
 * Derivative rule of `gather`: rows of `dy` are summed back into the positions they were taken from
 * (an unsorted segment sum keyed by the indices, along the gathered axis).
 *
 * @internal
 */
export const gatherGrad: GradFn = (dy, [x, indices], _y, attrs) => {
  const { axis } = attrs as { axis: number };
  const n = indices!.rank;
  const rest = dy.rank - n; // axes of x other than `axis`
  // dy is [pre (axis dims), indices.shape (n dims), post]; bring the index dims to the front.
  const idxAxes = Array.from({ length: n }, (_, i) => axis + i);
  const preAxes = Array.from({ length: axis }, (_, i) => i);
  const postAxes = Array.from({ length: dy.rank - axis - n }, (_, i) => axis + n + i);
  const moved = transpose(dy, [...idxAxes, ...preAxes, ...postAxes]);
  const rows = reshape(moved, [indices!.size, ...moved.shape.slice(n)]);
  const summed = unsortedSegmentSum(rows, reshape(indices!, [indices!.size]), x!.shape[axis]!);
  // summed is [dim, pre, post]; move dim back to `axis`.
  const back = [
    ...Array.from({ length: axis }, (_, i) => i + 1),
    0,
    ...Array.from({ length: rest - axis }, (_, i) => axis + 1 + i),
  ];
  return [transpose(summed, back), null];
};

/**
 * Derivative rule of the `unsortedSegmentSum` kernel: each row of `x` receives the gradient of its segment
 * (zero for ids outside `[0, numSegments)`).
 *
 * @internal
 */
export const unsortedSegmentSumGrad: GradFn = (dy, [x, ids]) => {
  const numSegments = dy.shape[0]!;
  if (numSegments === 0 || x!.size === 0) return [zerosLike(x!), null];
  const clamped = minimum(maximum(ids!, 0), numSegments - 1);
  const inRange = cast(logicalAnd(greaterEqual(ids!, 0), less(ids!, numSegments)), 'float32');
  const rows = gather(dy, clamped, 0);
  const mask = reshape(inRange, [ids!.size, ...new Array<number>(x!.rank - 1).fill(1)]);
  return [mul(rows, mask), null];
};
