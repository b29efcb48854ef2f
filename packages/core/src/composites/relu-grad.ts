/**
 * Default `reluGrad` kernel from core ops: a comparison, a cast and a product (three passes where the
 * fused kernel makes one).
 *
 * @packageDocumentation
 */
import type { Tensor } from '../engine/tensor.js';
import { greater, mul } from '../ops/binary.js';
import { cast } from '../ops/shape.js';

/**
 * `dy` where `y > 0`, else 0, from primitives.
 *
 * @example
 * ```ts
 * const dx = reluGradComposite(nr.tensor([1, 1, 1]), nr.tensor([-1, 0, 2])); // [0, 0, 1]
 * ```
 * @internal
 */
export function reluGradComposite(dy: Tensor, y: Tensor): Tensor {
  return mul(dy, cast(greater(y, 0), 'float32'));
}
