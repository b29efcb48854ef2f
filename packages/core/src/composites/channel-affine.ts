/**
 * Default `channelAffine` kernel from core ops: sub, mul, add (each only for a vector given), then ReLU
 * and a minimum for `'relu6'`.
 *
 * @packageDocumentation
 */
import type { Tensor } from '../engine/tensor.js';
import { add, minimum, mul, sub } from '../ops/binary.js';
import { relu } from '../ops/unary.js';

/**
 * `activation((x - mean) * scale + offset)` from primitives; null vectors are skipped.
 *
 * @example
 * ```ts
 * const y = channelAffineComposite(x, mean, scale, offset, 'linear');
 * ```
 * @internal
 */
export function channelAffineComposite(
  x: Tensor,
  mean: Tensor | null,
  scale: Tensor | null,
  offset: Tensor | null,
  activation: 'linear' | 'relu6',
): Tensor {
  let z = mean ? sub(x, mean) : x;
  if (scale) z = mul(z, scale);
  if (offset) z = add(z, offset);
  return activation === 'relu6' ? minimum(relu(z), 6) : z;
}
