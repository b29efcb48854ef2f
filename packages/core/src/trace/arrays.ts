/**
 * Host-side helpers of {@link trace} on {@link TraceArray}s: one channel of a channels-last tensor (a conv
 * filter's slice) and the small products that split a recurrent layer's gradients by time step. Accumulated
 * in float64.
 *
 * @packageDocumentation
 */
import type { TraceArray } from './types.js';

/** Entry `k` of the last axis of `a` (shape without the last axis). */
export function channel(a: TraceArray, k: number): TraceArray {
  const c = a.shape[a.shape.length - 1]!;
  const n = a.data.length / c;
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = a.data[i * c + k]!;
  return { shape: a.shape.slice(0, -1), data };
}

/** `a^T b` for `a [n, p]` and `b [n, q]`: shape `[p, q]`. */
export function transposeTimes(a: TraceArray, b: TraceArray): TraceArray {
  const [n, p] = a.shape as [number, number];
  const q = b.shape[1]!;
  const data = new Float32Array(p * q);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < q; j++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += a.data[r * p + i]! * b.data[r * q + j]!;
      data[i * q + j] = s;
    }
  }
  return { shape: [p, q], data };
}

/** Sum over the first axis of `a [n, q]`: shape `[q]`. */
export function sumRows(a: TraceArray): TraceArray {
  const [n, q] = a.shape as [number, number];
  const data = new Float32Array(q);
  for (let j = 0; j < q; j++) {
    let s = 0;
    for (let r = 0; r < n; r++) s += a.data[r * q + j]!;
    data[j] = s;
  }
  return { shape: [q], data };
}

/** Sum of every entry. */
export function total(a: TraceArray): number {
  let s = 0;
  for (const v of a.data) s += v;
  return s;
}
