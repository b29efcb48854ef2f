import type { ReduceOp } from '../backend/types.js';
import type { GradFn } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { div, equal, mul } from '../ops/binary.js';
import { broadcastTo, cast, reshape } from '../ops/shape.js';

// Reduce kernels see x with the reduced axes moved last: x [..kept, ..reduced], y [..kept].
const expand = (t: Tensor, x: Tensor): Tensor =>
  broadcastTo(reshape(t, [...t.shape, ...new Array<number>(x.rank - t.rank).fill(1)]), x.shape);

const extremum: GradFn = (dy, [x], y) => {
  const hit = cast(equal(x!, expand(y, x!)), 'float32');
  return [mul(expand(dy, x!), hit)];
};

/**
 * Derivative rules of the reduction kernels (argmax/argmin have none).
 *
 * @internal
 */
export const reduceGrads: Record<ReduceOp, GradFn | undefined> = {
  sum: (dy, [x]) => [expand(dy, x!)],
  prod: (dy, [x], y) => [div(mul(expand(dy, x!), expand(y, x!)), x!)],
  max: extremum,
  min: extremum,
  argmax: undefined,
  argmin: undefined,
};
