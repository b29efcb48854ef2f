/**
 * Default softmax kernels over the last axis, written from core ops and stabilised by subtracting the
 * row maximum.
 *
 * @packageDocumentation
 */
import type { Tensor } from '../engine/tensor.js';
import { div, sub } from '../ops/binary.js';
import { max, sum } from '../ops/reduce.js';
import { exp, log } from '../ops/unary.js';

/**
 * softmax from primitives: `exp(x - max) / sum(exp(x - max))` over the last axis.
 *
 * @example
 * ```ts
 * const y = softmaxComposite(nr.tensor2d([[1, 2, 3]]));
 * ```
 * @internal
 */
export function softmaxComposite(x: Tensor): Tensor {
  const e = exp(sub(x, max(x, -1, true)));
  return div(e, sum(e, -1, true));
}

/**
 * logSoftmax from primitives: `(x - max) - log(sum(exp(x - max)))` over the last axis.
 *
 * @example
 * ```ts
 * const y = logSoftmaxComposite(nr.tensor2d([[1, 2, 3]]));
 * ```
 * @internal
 */
export function logSoftmaxComposite(x: Tensor): Tensor {
  const shifted = sub(x, max(x, -1, true));
  return sub(shifted, log(sum(exp(shifted), -1, true)));
}
