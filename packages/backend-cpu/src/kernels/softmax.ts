/**
 * Softmax and log-softmax over the last axis.
 *
 * @packageDocumentation
 */
import type { TensorInfo } from '@neurona/core';
import { sizeOf } from '../storage.js';
import type { Input } from './strided.js';

/** Length of the last axis (1 for a scalar). */
function lastDim(shape: readonly number[]): number {
  return shape.length === 0 ? 1 : shape[shape.length - 1]!;
}

/** Maximum of `a[off .. off+n)`, NaN if any element is NaN. */
function rowMax(a: ArrayLike<number>, off: number, n: number): number {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = off; i < off + n; i++) {
    const v = a[i]!;
    if (v > m) m = v;
    else if (Number.isNaN(v)) return v;
  }
  return m;
}

/**
 * Softmax over the last axis: `exp(x - max) / sum(exp(x - max))` per row, with the sum in float64.
 * A row of all -Infinity (or containing NaN or +Infinity) gives NaN, as the formula does.
 *
 * @example
 * ```ts
 * // [0, ln 3] -> [0.25, 0.75]
 * softmax({ data: new Float32Array([0, Math.log(3)]), shape: [2], dtype: 'float32' }, { shape: [2], dtype: 'float32' });
 * ```
 */
export function softmax(logits: Input, out: TensorInfo): Float32Array {
  const o = new Float32Array(sizeOf(out.shape));
  const a = logits.data;
  const n = lastDim(logits.shape);
  if (o.length === 0 || n === 0) return o;
  const rows = a.length / n;
  const e = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const off = r * n;
    const m = rowMax(a, off, n);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const v = Math.exp(a[off + i]! - m);
      e[i] = v;
      sum += v;
    }
    const inv = 1 / sum;
    for (let i = 0; i < n; i++) o[off + i] = e[i]! * inv;
  }
  return o;
}

/**
 * Log-softmax over the last axis: `x - max - log(sum(exp(x - max)))` per row.
 *
 * @example
 * ```ts
 * // [0, 0] -> [-ln 2, -ln 2]
 * logSoftmax({ data: new Float32Array([0, 0]), shape: [2], dtype: 'float32' }, { shape: [2], dtype: 'float32' });
 * ```
 */
export function logSoftmax(logits: Input, out: TensorInfo): Float32Array {
  const o = new Float32Array(sizeOf(out.shape));
  const a = logits.data;
  const n = lastDim(logits.shape);
  if (o.length === 0 || n === 0) return o;
  const rows = a.length / n;
  for (let r = 0; r < rows; r++) {
    const off = r * n;
    const m = rowMax(a, off, n);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(a[off + i]! - m);
    const lse = Math.log(sum);
    for (let i = 0; i < n; i++) o[off + i] = a[off + i]! - m - lse;
  }
  return o;
}
