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

/** Gradient `k` of a rule: `make()` when that input needs one (`needs` absent: every input does), else null. */
const only = (needs: readonly boolean[] | undefined, k: number, make: () => Tensor): Tensor | null =>
  needs && !needs[k] ? null : make();

/**
 * Derivative rules of the broadcasting binary kernels; each sums its gradient back to the input's shape,
 * and skips an input that needs no gradient (the constant divisor of a mean, a fixed scale).
 *
 * @internal
 */
export const binaryGrads: Record<BinaryOp, GradFn | undefined> = {
  add: (dy, [a, b], _y, _attrs, needs) => [
    only(needs, 0, () => sumTo(dy, a!.shape)),
    only(needs, 1, () => sumTo(dy, b!.shape)),
  ],
  sub: (dy, [a, b], _y, _attrs, needs) => [
    only(needs, 0, () => sumTo(dy, a!.shape)),
    only(needs, 1, () => sumTo(neg(dy), b!.shape)),
  ],
  mul: (dy, [a, b], _y, _attrs, needs) => [
    only(needs, 0, () => sumTo(mul(dy, b!), a!.shape)),
    only(needs, 1, () => sumTo(mul(dy, a!), b!.shape)),
  ],
  div: (dy, [a, b], _y, _attrs, needs) => [
    only(needs, 0, () => sumTo(div(dy, b!), a!.shape)),
    only(needs, 1, () => sumTo(neg(div(mul(dy, a!), square(b!))), b!.shape)),
  ],
  pow: (dy, [a, b], y, _attrs, needs) => [
    only(needs, 0, () => sumTo(mul(dy, mul(b!, pow(a!, sub(b!, 1)))), a!.shape)),
    only(needs, 1, () => {
      const positive = greater(a!, 0);
      const safeA = where(positive, a!, onesLike(a!));
      return sumTo(mul(dy, where(positive, mul(y, log(safeA)), zerosLike(y))), b!.shape);
    }),
  ],
  maximum: (dy, [a, b], _y, _attrs, needs) => [
    only(needs, 0, () => sumTo(mul(dy, mask(greaterEqual(a!, b!))), a!.shape)),
    only(needs, 1, () => sumTo(mul(dy, mask(less(a!, b!))), b!.shape)),
  ],
  minimum: (dy, [a, b], _y, _attrs, needs) => [
    only(needs, 0, () => sumTo(mul(dy, mask(lessEqual(a!, b!))), a!.shape)),
    only(needs, 1, () => sumTo(mul(dy, mask(greater(a!, b!))), b!.shape)),
  ],
  mod: (dy, [a, b], _y, _attrs, needs) => [
    only(needs, 0, () => sumTo(dy, a!.shape)),
    only(needs, 1, () => sumTo(mul(dy, neg(floor(div(a!, b!)))), b!.shape)),
  ],
  equal: undefined,
  notEqual: undefined,
  less: undefined,
  lessEqual: undefined,
  greater: undefined,
  greaterEqual: undefined,
  logicalAnd: undefined,
  logicalOr: undefined,
};
