/**
 * Default sparse softmax cross-entropy kernels, written from core ops: the per-row loss
 * `logsumexp(x) - x[label]` and its gradient `dy * (softmax(x) - onehot(label))`, stabilised by the row
 * maximum. A label outside `[0, classes)` selects nothing in the one-hot row, and gives NaN (as the fused
 * kernels do), so a bad label can never train silently.
 *
 * @packageDocumentation
 */
import type { Tensor } from '../engine/tensor.js';
import { greater, mul, sub } from '../ops/binary.js';
import { oneHot } from '../ops/movement.js';
import { max, sum } from '../ops/reduce.js';
import { expandDims } from '../ops/shape.js';
import { softmax } from '../ops/softmax.js';
import { exp, log } from '../ops/unary.js';
import { where } from '../ops/where.js';

/**
 * Per-row loss for logits `[n, c]` and int32 labels `[n]`: `[n]`, NaN where the label is out of range.
 *
 * @example
 * ```ts
 * const loss = sparseSoftmaxCrossEntropyComposite(nr.tensor2d([[1, 2]]), nr.tensor([1], [1], 'int32'));
 * ```
 * @internal
 */
export function sparseSoftmaxCrossEntropyComposite(logits: Tensor, labels: Tensor): Tensor {
  const shifted = sub(logits, max(logits, -1, true));
  const lse = log(sum(exp(shifted), -1));
  const hot = oneHot(labels, logits.shape[1]!);
  const valid = greater(sum(hot, -1), 0.5);
  return where(valid, sub(lse, sum(mul(hot, shifted), -1)), Number.NaN);
}

/**
 * Gradient for the logits: `dy[:, None] * (softmax(logits) - onehot(labels))`, NaN rows for bad labels.
 *
 * @example
 * ```ts
 * const dx = sparseSoftmaxCrossEntropyGradComposite(dy, logits, labels);
 * ```
 * @internal
 */
export function sparseSoftmaxCrossEntropyGradComposite(dy: Tensor, logits: Tensor, labels: Tensor): Tensor {
  const hot = oneHot(labels, logits.shape[1]!);
  const valid = greater(sum(hot, -1, true), 0.5);
  return where(valid, mul(sub(softmax(logits), hot), expandDims(dy, -1)), Number.NaN);
}
