import type { GradFn } from '../engine/engine.js';
import { zerosLike } from '../ops/creation.js';
import { where } from '../ops/where.js';
import { sumTo } from './binary.js';

/**
 * Derivative rule of `where`: the gradient flows to the branch that was chosen.
 *
 * @internal
 */
export const whereGrad: GradFn = (dy, [cond, a, b]) => {
  const zero = zerosLike(dy);
  return [null, sumTo(where(cond!, dy, zero), a!.shape), sumTo(where(cond!, zero, dy), b!.shape)];
};
