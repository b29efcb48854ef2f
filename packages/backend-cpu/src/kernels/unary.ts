/**
 * Elementwise unary kernels.
 *
 * @packageDocumentation
 */
import type { TensorInfo, TypedArray, UnaryOp } from '@neurona/core';
import { allocate } from '../storage.js';
import type { Input } from './strided.js';

const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2 / sqrt(pi)
const ONE_OVER_SQRT_PI = 0.5641895835477563; // 1 / sqrt(pi)

/**
 * Gauss error function in double precision (absolute error below 1e-14).
 *
 * For |x| < 2.5 it sums the everywhere-positive series
 * erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n (2x^2)^n x / (1*3*...*(2n+1)),
 * which has no cancellation. Beyond, it evaluates the continued fraction
 * erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))) bottom-up and returns 1 - erfc.
 *
 * @example
 * ```ts
 * erf(1); // 0.8427007929497149
 * ```
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax >= 6) return x > 0 ? 1 : -1; // erfc(6) ~ 2e-17
  const x2 = ax * ax;
  let r: number;
  if (ax < 2.5) {
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  } else {
    // Continued fraction with partial numerators k/2, k = 60..1, evaluated from the tail.
    let f = ax;
    for (let k = 60; k >= 1; k--) f = ax + k / 2 / f;
    r = 1 - (ONE_OVER_SQRT_PI * Math.exp(-x2)) / f;
  }
  return x < 0 ? -r : r;
}

/**
 * Round half to even (banker's rounding), as NumPy and TensorFlow do.
 *
 * @example
 * ```ts
 * roundHalfEven(2.5); // 2
 * ```
 */
export function roundHalfEven(v: number): number {
  const r = Math.round(v); // halves go up
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Elementwise unary op; the result has `out.dtype` (float32 for transcendental ops, the input dtype for
 * neg/abs/sign/square, bool for logicalNot). NaN inputs give NaN for every float op.
 *
 * @example
 * ```ts
 * const y = unary('exp', { data: new Float32Array([0]), shape: [1], dtype: 'float32' }, { shape: [1], dtype: 'float32' });
 * ```
 */
export function unary(op: UnaryOp, x: Input, out: TensorInfo): TypedArray {
  const a = x.data;
  const n = a.length;
  const o = allocate(out.dtype, n);
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) o[i] = -a[i]!;
      break;
    case 'abs':
      for (let i = 0; i < n; i++) o[i] = Math.abs(a[i]!);
      break;
    case 'sign':
      for (let i = 0; i < n; i++) {
        const v = a[i]!;
        o[i] = v > 0 ? 1 : v < 0 ? -1 : v === 0 ? 0 : v;
      }
      break;
    case 'square':
      if (o instanceof Int32Array) {
        for (let i = 0; i < n; i++) o[i] = Math.imul(a[i]!, a[i]!);
      } else {
        for (let i = 0; i < n; i++) o[i] = a[i]! * a[i]!;
      }
      break;
    case 'exp':
      for (let i = 0; i < n; i++) o[i] = Math.exp(a[i]!);
      break;
    case 'expm1':
      for (let i = 0; i < n; i++) o[i] = Math.expm1(a[i]!);
      break;
    case 'log':
      for (let i = 0; i < n; i++) o[i] = Math.log(a[i]!);
      break;
    case 'log1p':
      for (let i = 0; i < n; i++) o[i] = Math.log1p(a[i]!);
      break;
    case 'sqrt':
      for (let i = 0; i < n; i++) o[i] = Math.sqrt(a[i]!);
      break;
    case 'rsqrt':
      for (let i = 0; i < n; i++) o[i] = 1 / Math.sqrt(a[i]!);
      break;
    case 'reciprocal':
      for (let i = 0; i < n; i++) o[i] = 1 / a[i]!;
      break;
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const v = a[i]!;
        if (v >= 0) {
          o[i] = 1 / (1 + Math.exp(-v));
        } else {
          const e = Math.exp(v); // v < 0 (or NaN): e in [0, 1), no overflow
          o[i] = e / (1 + e);
        }
      }
      break;
    case 'tanh':
      for (let i = 0; i < n; i++) o[i] = Math.tanh(a[i]!);
      break;
    case 'relu':
      for (let i = 0; i < n; i++) o[i] = Math.max(0, a[i]!);
      break;
    case 'step':
      for (let i = 0; i < n; i++) {
        const v = a[i]!;
        o[i] = v >= 0 ? 1 : Number.isNaN(v) ? v : 0;
      }
      break;
    case 'erf':
      for (let i = 0; i < n; i++) o[i] = erf(a[i]!);
      break;
    case 'floor':
      for (let i = 0; i < n; i++) o[i] = Math.floor(a[i]!);
      break;
    case 'ceil':
      for (let i = 0; i < n; i++) o[i] = Math.ceil(a[i]!);
      break;
    case 'round':
      for (let i = 0; i < n; i++) o[i] = roundHalfEven(a[i]!);
      break;
    case 'logicalNot':
      for (let i = 0; i < n; i++) o[i] = a[i] === 0 ? 1 : 0;
      break;
    default:
      throw new Error(`cpu: unknown unary op '${String(op)}'`);
  }
  return o;
}
