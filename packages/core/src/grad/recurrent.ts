import type { RnnSequenceInfo } from '../backend/types.js';
import type { GradFn } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { zeros } from '../ops/creation.js';
import { matMul } from '../ops/matmul.js';
import { concat, slice } from '../ops/movement.js';
import { gruSequenceGrad, lstmSequenceGrad, rnnSequenceGrad } from '../ops/recurrent.js';
import { sum } from '../ops/reduce.js';
import { reshape } from '../ops/shape.js';

/**
 * Block `j` (width `u`) of the last axis of `packed [batch, time, K·u]`, flattened to `[batch·time, u]`.
 */
function column(packed: Tensor, j: number, info: RnnSequenceInfo, width = info.units): Tensor {
  const { batch, time, units } = info;
  return reshape(slice(packed, [0, 0, j * units], [batch, time, width]), [batch * time, width]);
}

/**
 * The state each step started from, at the time that step read: `h` shifted one step against the
 * processing order (zeros for the first step), as `[batch·time, u]`.
 */
function previousH(packed: Tensor, info: RnnSequenceInfo): Tensor {
  const { batch, time, units } = info;
  if (time === 1) return zeros([batch, units]);
  const z = zeros([batch, 1, units]);
  const h = info.goBackwards
    ? slice(packed, [0, 1, 0], [batch, time - 1, units])
    : slice(packed, [0, 0, 0], [batch, time - 1, units]);
  return reshape(concat(info.goBackwards ? [h, z] : [z, h], 1), [batch * time, units]);
}

/**
 * Derivative rule of lstmSequence (inputs `xw`, `recurrentKernel`): the fused backward kernel gives the
 * gate pre-activation gradients `dz`; then `dxw = dz` and `dU = Σ_t h_{t-1}ᵀ·dz_t` (one matMul).
 *
 * @example
 * ```ts
 * const [dxw, dU] = lstmSequenceGradRule(dPacked, [xw, u], packed, info, [true, true]);
 * ```
 * @internal
 */
export const lstmSequenceGradRule: GradFn = (dy, [, u], packed, attrs, needs) => {
  const info = attrs as RnnSequenceInfo;
  const dz = lstmSequenceGrad(dy, packed, u!, info);
  const du = needs[1]
    ? matMul(previousH(packed, info), reshape(dz, [info.batch * info.time, 4 * info.units]), true)
    : null;
  return [needs[0] ? dz : null, du];
};

/**
 * Derivative rule of gruSequence (inputs `xw`, `recurrentKernel` and, with `resetAfter`, the recurrent
 * bias). The fused backward kernel gives `d = [dz, dr, dĥ, dInner]`: `dxw = [dz, dr, dĥ]`; the recurrent
 * product's gradient is `[dz, dr, dInner]`, taken against `h_{t-1}` (`resetAfter`: also summed for the
 * bias) or, for the candidate block without `resetAfter`, against `r⊙h_{t-1}` (packed block `e`).
 *
 * @example
 * ```ts
 * const [dxw, dU] = gruSequenceGradRule(dPacked, [xw, u], packed, info, [true, true]);
 * ```
 * @internal
 */
export const gruSequenceGradRule: GradFn = (dy, inputs, packed, attrs, needs) => {
  const info = attrs as RnnSequenceInfo;
  const { batch, time, units: n } = info;
  const d = gruSequenceGrad(dy, packed, inputs[1]!, info);
  const dxw = needs[0] ? slice(d, [0, 0, 0], [batch, time, 3 * n]) : null;
  if (!needs[1] && !needs[2]) return [dxw, null, null].slice(0, inputs.length);
  const dzr = column(d, 0, info, 2 * n);
  const dInner = column(d, 3, info);
  const hPrev = previousH(packed, info);
  let du: Tensor | null = null;
  let drb: Tensor | null = null;
  if (info.resetAfter) {
    const dAll = concat([dzr, dInner], 1);
    if (needs[1]) du = matMul(hPrev, dAll, true);
    if (needs[2]) drb = reshape(sum(dAll, 0), inputs[2]!.shape);
  } else if (needs[1]) {
    du = concat([matMul(hPrev, dzr, true), matMul(column(packed, 4, info), dInner, true)], 1);
  }
  return [dxw, du, drb].slice(0, inputs.length);
};

/**
 * Derivative rule of rnnSequence (inputs `xw`, `recurrentKernel`): the fused backward kernel gives the
 * pre-activation gradients `dz`; then `dxw = dz` and `dU = Σ_t h_{t-1}ᵀ·dz_t` (one matMul).
 *
 * @example
 * ```ts
 * const [dxw, dU] = rnnSequenceGradRule(dPacked, [xw, u], packed, info, [true, true]);
 * ```
 * @internal
 */
export const rnnSequenceGradRule: GradFn = (dy, [, u], packed, attrs, needs) => {
  const info = attrs as RnnSequenceInfo;
  const dz = rnnSequenceGrad(dy, packed, u!, info);
  const du = needs[1]
    ? matMul(previousH(packed, info), reshape(dz, [info.batch * info.time, info.units]), true)
    : null;
  return [needs[0] ? dz : null, du];
};
