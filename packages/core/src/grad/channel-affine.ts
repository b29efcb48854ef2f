import { channelAffineComposite } from '../composites/channel-affine.js';
import type { GradFn } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { greater, lessEqual, mul, sub } from '../ops/binary.js';
import type { ChannelAffineAttrs } from '../ops/channel-affine.js';
import { sum } from '../ops/reduce.js';
import { cast } from '../ops/shape.js';
import { neg } from '../ops/unary.js';

/**
 * Derivative rule of channelAffine (`y = act(z)`, `z = (x - mean) * scale + offset` per last-axis entry):
 * with `g = dy · act'(z)` (ReLU6 passes it on (0, 6], as `minimum(relu(z), 6)` does), `dx = g · scale`,
 * `dmean = -Σ g · scale`, `dscale = Σ g · (x - mean)` and `doffset = Σ g`, summed over every axis but the last.
 *
 * @example
 * ```ts
 * const [dx, dscale] = channelAffineGrad(dy, [x, scale], y, attrs, [true, true]);
 * ```
 * @internal
 */
export const channelAffineGrad: GradFn = (dy, inputs, _y, attrs, needs) => {
  const a = attrs as ChannelAffineAttrs;
  const x = inputs[0]!;
  let i = 1;
  const take = (has: boolean): Tensor | null => (has ? inputs[i++]! : null);
  const [mean, scale, offset] = [take(a.mean), take(a.scale), take(a.offset)];
  let g = dy;
  if (a.activation === 'relu6') {
    const z = channelAffineComposite(x, mean, scale, offset, 'linear');
    g = mul(dy, mul(cast(greater(z, 0), 'float32'), cast(lessEqual(z, 6), 'float32')));
  }
  const axes = x.shape.slice(0, -1).map((_, k) => k);
  const over = (t: Tensor): Tensor => (axes.length === 0 ? t : sum(t, axes));
  const gs = scale ? mul(g, scale) : g;
  const grads: (Tensor | null)[] = [needs[0] ? gs : null];
  let k = 1;
  if (mean) grads.push(needs[k++] ? neg(over(gs)) : null);
  if (scale) grads.push(needs[k++] ? over(mul(g, mean ? sub(x, mean) : x)) : null);
  if (offset) grads.push(needs[k++] ? over(g) : null);
  return grads;
};
