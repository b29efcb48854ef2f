/**
 * Reference kernel of `reluGrad`: `dy * (y > 0 ? 1 : 0)` element by element, rounded to float32 as the
 * composite's product is.
 *
 * @packageDocumentation
 */
import type { TypedArray } from '@neurona/core';

/**
 * The ReLU gradient of `dy` at `y` (float32 arrays of one length).
 *
 * @example
 * ```ts
 * reluGrad(Float32Array.of(5, 5, 5), Float32Array.of(-1, 0, 2)); // Float32Array [0, 0, 5]
 * ```
 */
export function reluGrad(dy: TypedArray, y: TypedArray): Float32Array {
  const out = new Float32Array(dy.length);
  for (let i = 0; i < out.length; i++) out[i] = dy[i]! * (y[i]! > 0 ? 1 : 0);
  return out;
}
