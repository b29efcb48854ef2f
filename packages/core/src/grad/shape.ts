import type { GradFn } from '../engine/engine.js';
import { reshape, transpose } from '../ops/shape.js';

/**
 * Derivative rules of shape and dtype ops: they move gradients, they do not scale them.
 *
 * @internal
 */
export const shapeGrads = {
  reshape: ((dy, [x]) => [reshape(dy, x!.shape)]) as GradFn,
  identity: ((dy) => [dy]) as GradFn,
  cast: ((dy) => [dy]) as GradFn,
  transpose: ((dy, _x, _y, attrs) => {
    const perm = (attrs as { perm: number[] }).perm;
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => {
      inverse[p] = i;
    });
    return [transpose(dy, inverse)];
  }) as GradFn,
};
