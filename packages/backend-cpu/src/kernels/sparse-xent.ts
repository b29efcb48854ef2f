/**
 * Reference kernels of the fused sparse softmax cross-entropy: per-row loss from logits and integer
 * labels, and its gradient for the logits. Computed in float64 per row, stabilised by the row maximum.
 *
 * @packageDocumentation
 */
import type { TensorInfo } from '@neurona/core';
import type { Input } from './strided.js';

/** Row maximum and `sum(exp(x - max))` of row `r` of `x` (`c` columns). */
function rowStats(x: ArrayLike<number>, r: number, c: number): [number, number] {
  let max = -Infinity;
  for (let j = 0; j < c; j++) max = Math.max(max, x[r * c + j]!);
  let sum = 0;
  for (let j = 0; j < c; j++) sum += Math.exp(x[r * c + j]! - max);
  return [max, sum];
}

const badLabel = (label: number, c: number): boolean => !(label >= 0 && label < c);

/**
 * `loss[r] = log(sum_j exp(x[r, j])) - x[r, label[r]]` for logits `[n, c]` and int32 labels `[n]`;
 * NaN for a label outside `[0, c)`.
 *
 * @example
 * ```ts
 * sparseSoftmaxCrossEntropy(logits, labels, { shape: [n], dtype: 'float32' });
 * ```
 */
export function sparseSoftmaxCrossEntropy(logits: Input, labels: Input, out: TensorInfo): Float32Array {
  const n = out.shape[0]!;
  const c = logits.shape[1]!;
  const x = logits.data;
  const y = new Float32Array(n);
  for (let r = 0; r < n; r++) {
    const label = labels.data[r]!;
    if (badLabel(label, c)) {
      y[r] = Number.NaN;
      continue;
    }
    const [max, sum] = rowStats(x, r, c);
    y[r] = Math.log(sum) - (x[r * c + label]! - max);
  }
  return y;
}

/**
 * `dx[r, j] = dy[r] * (softmax(x[r])[j] - (j === label[r]))`; a row of NaN for a label outside `[0, c)`.
 *
 * @example
 * ```ts
 * sparseSoftmaxCrossEntropyGrad(dy, logits, labels, { shape: [n, c], dtype: 'float32' });
 * ```
 */
export function sparseSoftmaxCrossEntropyGrad(
  dy: Input,
  logits: Input,
  labels: Input,
  out: TensorInfo,
): Float32Array {
  const [n, c] = out.shape as [number, number];
  const x = logits.data;
  const dx = new Float32Array(n * c);
  for (let r = 0; r < n; r++) {
    const label = labels.data[r]!;
    if (badLabel(label, c)) {
      dx.fill(Number.NaN, r * c, (r + 1) * c);
      continue;
    }
    const [max, sum] = rowStats(x, r, c);
    const d = dy.data[r]!;
    for (let j = 0; j < c; j++) {
      const p = Math.exp(x[r * c + j]! - max) / sum;
      dx[r * c + j] = d * (p - (j === label ? 1 : 0));
    }
  }
  return dx;
}
