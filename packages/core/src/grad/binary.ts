import type { BinaryOp } from '../backend/types.js';
import type { GradFn } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { shapesEqual } from '../engine/tensor.js';
import { div, greater, greaterEqual, less, lessEqual, mul, pow, sub } from '../ops/binary.js';
import { onesLike, zerosLike } from '../ops/creation.js';
import { sum } from '../ops/reduce.js';
import { cast, reshape } from '../ops/shape.js';
import { floor, log, neg, square } from '../ops/unary.js';
import { broadcastedAxes } from '../ops/util.js';
import { where } from '../ops/where.js';

/**
 * Sum a broadcast gradient back to the shape of the input it came from.
 *
 * @internal
 */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  return reshape(sum(g, broadcastedAxes(shape, g.shape)), shape);
}

const mask = (t: Tensor): Tensor => cast(t, 'float32');

/**
 * Derivative rules of the broadcasting binary kernels; each sums its gradient back to the input's shape.
 *
 * @internal
 */
export const binaryGrads: Record<BinaryOp, GradFn | undefined> = {
  add: (dy, [a, b]) => [sumTo(dy, a!.shape), sumTo(dy, b!.shape)],
  sub: (dy, [a, b]) => [sumTo(dy, a!.shape), sumTo(neg(dy), b!.shape)],
  mul: (dy, [a, b]) => [sumTo(mul(dy, b!), a!.shape), sumTo(mul(dy, a!), b!.shape)],
  div: (dy, [a, b]) => [sumTo(div(dy, b!), a!.shape), sumTo(neg(div(mul(dy, a!), square(b!))), b!.shape)],
  pow: (dy, [a, b], y) => {
    const da = mul(dy, mul(b!, pow(a!, sub(b!, 1))));
    const positive = greater(a!, 0);
    const safeA = where(positive, a!, onesLike(a!));
    const db = mul(dy, where(positive, mul(y, log(safeA)), zerosLike(y)));
    return [sumTo(da, a!.shape), sumTo(db, b!.shape)];
  },
  maximum: (dy, [a, b]) => [
    sumTo(mul(dy, mask(greaterEqual(a!, b!))), a!.shape),
    sumTo(mul(dy, mask(less(a!, b!))), b!.shape),
  ],
  minimum: (dy, [a, b]) => [
    sumTo(mul(dy, mask(lessEqual(a!, b!))), a!.shape),
    sumTo(mul(dy, mask(greater(a!, b!))), b!.shape),
  ],
  mod: (dy, [a, b]) => [sumTo(dy, a!.shape), sumTo(mul(dy, neg(floor(div(a!, b!)))), b!.shape)],
  equal: undefined,
  notEqual: undefined,
  less: undefined,
  lessEqual: undefined,
  greater: undefined,
  greaterEqual: undefined,
  logicalAnd: undefined,
  logicalOr: undefined,
};
