/**
 * Product + bias + activation: the plain reference for `matmulBiasActivation` and `conv2dBiasActivation`.
 * The product is the reference `matmul`/`conv2d`; the bias and the activation are then applied to its
 * fresh output, row by row.
 *
 * @packageDocumentation
 */
import type { Conv2DInfo, TensorInfo } from '@neurona/core';
import { conv2d } from './conv2d.js';
import { matmul } from './matmul.js';
import type { Input } from './strided.js';

/**
 * In place on `y` (rows of `n` values): add `bias[j]` to column j (when given), then apply `activation`.
 *
 * @example
 * ```ts
 * biasActivation(new Float32Array([1, -3]), new Float32Array([1, 1]), 'relu', 2); // [2, 0]
 * ```
 */
export function biasActivation(
  y: Float32Array,
  bias: Float32Array | null,
  activation: 'linear' | 'relu',
  n: number,
): Float32Array {
  for (let i = 0; i < y.length; i += n) {
    for (let j = 0; j < n; j++) {
      const v = bias ? y[i + j]! + bias[j]! : y[i + j]!;
      y[i + j] = activation === 'relu' ? Math.max(0, v) : v;
    }
  }
  return y;
}

/**
 * `activation(matmul(a, b) + bias)` (float32; operands as the `matmul` kernel, bias `[N]` or null).
 *
 * @example
 * ```ts
 * matmulBiasActivation(a, b, bias, 'relu', false, false, { shape: [1, 2, 3], dtype: 'float32' });
 * ```
 */
export function matmulBiasActivation(
  a: Input,
  b: Input,
  bias: Input | null,
  activation: 'linear' | 'relu',
  transposeA: boolean,
  transposeB: boolean,
  out: TensorInfo,
): Float32Array {
  const y = matmul(a, b, transposeA, transposeB, out) as Float32Array;
  return biasActivation(y, bias ? (bias.data as Float32Array) : null, activation, out.shape[2]!);
}

/**
 * `activation(conv2d(x, filter) + bias)` (NHWC; bias `[outChannels]` or null).
 *
 * @example
 * ```ts
 * conv2dBiasActivation(x, w, bias, 'relu', info, { shape: [1, 2, 2, 4], dtype: 'float32' });
 * ```
 */
export function conv2dBiasActivation(
  x: Input,
  filter: Input,
  bias: Input | null,
  activation: 'linear' | 'relu',
  info: Conv2DInfo,
  out: TensorInfo,
): Float32Array {
  const y = conv2d(x, filter, info, out);
  return biasActivation(y, bias ? (bias.data as Float32Array) : null, activation, info.outChannels);
}
