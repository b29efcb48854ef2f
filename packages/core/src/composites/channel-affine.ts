/**
 * Default `channelAffine` kernel from core ops: sub, mul, add (each only for a vector given), then ReLU
 * and a minimum for `'relu6'`; a copy of x when there is nothing to do.
 *
 * @packageDocumentation
 */
import type { Tensor } from '../engine/tensor.js';
import { add, minimum, mul, sub } from '../ops/binary.js';
import { clone } from '../ops/shape.js';
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
  if (activation === 'relu6') return minimum(relu(z), 6);
  // With no vector the result must still be a new tensor: the fused op's output is never its own input.
  return z === x ? clone(x) : z;
}
