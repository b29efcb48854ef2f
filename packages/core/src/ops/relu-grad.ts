/**
 * The ReLU gradient as one op: backends with the `reluGrad` kernel pass `dy` through where `y > 0` in one
 * pass; elsewhere the composite (comparison, cast, product) runs. Used by the gradient rules of `relu` and of
 * the fused product and convolution with a ReLU.
 *
 * @packageDocumentation
 */

import type { TensorInfo } from '../backend/types.js';
import { runFused } from '../composites/dispatch.js';
import { reluGradComposite } from '../composites/relu-grad.js';
import type { GradFn } from '../engine/engine.js';
import { shapesEqual, type Tensor } from '../engine/tensor.js';
import { zerosLike } from './creation.js';
import { fmt } from './util.js';

/** Its own derivative: linear in `dy` (the same mask), constant in `y` (zero almost everywhere). */
const reluGradGrad: GradFn = (g, [, y], _out, _attrs, needs) => [
  needs[0] ? reluGrad(g, y!) : null,
  needs[1] ? zerosLike(y!) : null,
];

/**
 * `dy` where `y > 0`, else 0 (equal shapes): the gradient of ReLU at `y`, its input or output.
 *
 * @example
 * ```ts
 * reluGrad(nr.tensor([5, 5, 5]), nr.tensor([-1, 0, 2])); // [0, 0, 5]
 * ```
 * @internal
 */
export function reluGrad(dy: Tensor, y: Tensor): Tensor {
  const name = 'reluGrad';
  if (!shapesEqual(dy.shape, y.shape)) {
    throw new Error(`${name}: expected dy and y of one shape, got dy ${fmt(dy.shape)} and y ${fmt(y.shape)}`);
  }
  // The kernel is float32 only; other dtypes (an int32 ReLU) take the composite.
  if (dy.dtype !== 'float32' || y.dtype !== 'float32') return reluGradComposite(dy, y);
  const out: TensorInfo = { shape: dy.shape, dtype: 'float32' };
  return runFused({
    name,
    kernel: 'reluGrad',
    inputs: [dy, y],
    out,
    run: (be, [d, v]) => be.kernels.reluGrad!(d!, v!, out),
    composite: () => reluGradComposite(dy, y),
    grad: reluGradGrad,
  });
}
