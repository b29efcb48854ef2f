/**
 * Per-channel affine map with an optional ReLU6 clamp: the plain reference for `channelAffine`.
 *
 * @packageDocumentation
 */
import type { TensorInfo } from '@neurona/core';
import { sizeOf } from '../storage.js';
import type { Input } from './strided.js';

/**
 * `activation((x - mean[j]) * scale[j] + offset[j])` for each element in last-axis column j, in float32
 * (a null vector is 0, 1 or 0).
 *
 * @example
 * ```ts
 * channelAffine(x, null, scale, null, 'linear', { shape: [2, 3], dtype: 'float32' });
 * ```
 */
export function channelAffine(
  x: Input,
  mean: Input | null,
  scale: Input | null,
  offset: Input | null,
  activation: 'linear' | 'relu6',
  out: TensorInfo,
): Float32Array {
  const n = sizeOf(out.shape);
  const c = out.shape.length === 0 ? 1 : out.shape[out.shape.length - 1]!;
  const xs = x.data as Float32Array;
  const m = mean?.data as Float32Array | undefined;
  const s = scale?.data as Float32Array | undefined;
  const o = offset?.data as Float32Array | undefined;
  const y = new Float32Array(n);
  for (let i = 0, j = 0; i < n; i++, j = j + 1 === c ? 0 : j + 1) {
    let z = m ? Math.fround(xs[i]! - m[j]!) : xs[i]!;
    if (s) z = Math.fround(z * s[j]!);
    if (o) z = Math.fround(z + o[j]!);
    // NaN stays NaN, as min(max(z, 0), 6)
    y[i] = activation === 'relu6' ? Math.min(Math.max(z, 0), 6) : z;
  }
  return y;
}
