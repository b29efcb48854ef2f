/**
 * Softmax over the last axis: tfjs-wasm `Softmax` (XNNPACK). Log-softmax has no tfjs kernel; it is
 * composed here from tfjs-wasm kernels, stably: `x - max - log(sum(exp(x - max)))`.
 *
 * @packageDocumentation
 */
import type { TensorInfo } from '@neurona/core';
import { type Runner, sizeOf, type TfInfo } from '../runner.js';

/**
 * Softmax over the last axis.
 *
 * @example
 * ```ts
 * const p = softmax(tw, logits, { shape: logits.shape, dtype: 'float32' });
 * ```
 */
export function softmax(tw: Runner, logits: TfInfo, out: TensorInfo): TfInfo {
  if (sizeOf(out.shape) === 0) return tw.empty(out.shape, 'float32');
  return tw.run('Softmax', { logits }, { dim: logits.shape.length - 1 });
}

/**
 * Log-softmax over the last axis.
 *
 * @example
 * ```ts
 * const lp = logSoftmax(tw, logits, { shape: logits.shape, dtype: 'float32' });
 * ```
 */
export function logSoftmax(tw: Runner, logits: TfInfo, out: TensorInfo): TfInfo {
  const n = sizeOf(out.shape);
  if (n === 0) return tw.empty(out.shape, 'float32');
  const classes = out.shape[out.shape.length - 1]!;
  const rows = n / classes;
  const x = tw.view(logits, [rows, classes]);
  const max = tw.run('Max', { x }, { reductionIndices: [1] });
  const shifted = tw.run('Sub', { a: x, b: tw.view(max, [rows, 1]) });
  const exp = tw.run('Exp', { x: shifted });
  const sum = tw.run('Sum', { x: exp }, { axis: [1] });
  const logSum = tw.run('Log', { x: tw.view(sum, [rows, 1]) });
  try {
    return tw.run('Sub', { a: shifted, b: logSum });
  } finally {
    tw.free(max, shifted, exp, sum, logSum);
  }
}
