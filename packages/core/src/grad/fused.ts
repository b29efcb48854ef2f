import type { GradFn } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import type { FusedConv2DAttrs, FusedMatMulAttrs } from '../ops/fused.js';
import { sum } from '../ops/reduce.js';
import { reluGrad } from '../ops/relu-grad.js';
import { conv2dGrad } from './conv.js';
import { matmulGrad } from './matmul.js';

/** dL/d(pre-activation): ReLU passes `dy` where its output `y` is positive (y > 0 exactly when x > 0). */
function throughActivation(dy: Tensor, y: Tensor, activation: 'linear' | 'relu'): Tensor {
  return activation === 'relu' ? reluGrad(dy, y) : dy;
}

/**
 * Derivative rule of matmulBiasActivation (`y = act(a·b + bias)`): with `g = dy·act'`, `da` and `db` are
 * matMul's rule applied to `g`, and `dbias` sums `g` over the rows.
 *
 * @example
 * ```ts
 * const [da, db, dbias] = matmulBiasActivationGrad(dy, [a3, b3, bias], y, attrs, [true, true, true]);
 * ```
 * @internal
 */
export const matmulBiasActivationGrad: GradFn = (dy, inputs, y, attrs, needs) => {
  const { activation, transposeA, transposeB } = attrs as FusedMatMulAttrs;
  const g = throughActivation(dy, y, activation);
  const [da, db] = matmulGrad(g, [inputs[0]!, inputs[1]!], y, { transposeA, transposeB }, needs);
  if (inputs.length < 3) return [da ?? null, db ?? null];
  return [da ?? null, db ?? null, needs[2] ? sum(g, [0, 1]) : null];
};

/**
 * Derivative rule of conv2dBiasActivation (`y = act(conv2d(x, w) + bias)`): with `g = dy·act'`, `dx` and
 * `dw` are conv2d's rule applied to `g`, and `dbias` sums `g` over batch, height and width.
 *
 * @example
 * ```ts
 * const [dx, dw, dbias] = conv2dBiasActivationGrad(dy, [x, w, bias], y, attrs, [false, true, true]);
 * ```
 * @internal
 */
export const conv2dBiasActivationGrad: GradFn = (dy, inputs, y, attrs, needs) => {
  const { activation, info } = attrs as FusedConv2DAttrs;
  const g = throughActivation(dy, y, activation);
  const [dx, dw] = conv2dGrad(g, [inputs[0]!, inputs[1]!], y, info, needs);
  if (inputs.length < 3) return [dx ?? null, dw ?? null];
  return [dx ?? null, dw ?? null, needs[2] ? sum(g, [0, 1, 2]) : null];
};
