import type { GradFn } from '../engine/engine.js';
import { mul, sub } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { exp } from '../ops/unary.js';

/**
 * Derivative rule of softmax over the last axis: `dx = y * (dy - sum(dy * y))`.
 *
 * @example
 * ```ts
 * const [dx] = softmaxGrad(dy, [x], y, undefined);
 * ```
 * @internal
 */
export const softmaxGrad: GradFn = (dy, _x, y) => [mul(y, sub(dy, sum(mul(dy, y), -1, true)))];

/**
 * Derivative rule of logSoftmax over the last axis: `dx = dy - exp(y) * sum(dy)`.
 *
 * @example
 * ```ts
 * const [dx] = logSoftmaxGrad(dy, [x], y, undefined);
 * ```
 * @internal
 */
export const logSoftmaxGrad: GradFn = (dy, _x, y) => [sub(dy, mul(exp(y), sum(dy, -1, true)))];
