/**
 * Recurrent layers over a whole sequence as single ops (one kernel call per sequence instead of a few
 * dozen per time step). Used by the `SimpleRNN`, `LSTM` and `GRU` layers for their standard activations; the layouts of
 * the `packed` result are described at {@link RnnSequenceInfo}.
 *
 * @packageDocumentation
 */
import type { RnnSequenceInfo, TensorInfo } from '../backend/types.js';
import { runFused } from '../composites/dispatch.js';
import {
  gruSequenceComposite,
  gruSequenceGradComposite,
  lstmSequenceComposite,
  lstmSequenceGradComposite,
  rnnSequenceComposite,
  rnnSequenceGradComposite,
} from '../composites/recurrent.js';
import type { Tensor } from '../engine/tensor.js';
import { gruSequenceGradRule, lstmSequenceGradRule, rnnSequenceGradRule } from '../grad/recurrent.js';
import { fmt, op } from './util.js';

/** Check `xw [batch, time, k·u]`, `recurrentKernel [u, k·u]` (and `recurrentBias` of `k·u` values). */
function sequenceInfo(
  name: string,
  k: number,
  xw: Tensor,
  u: Tensor,
  rb: Tensor | null,
  goBackwards: boolean,
  resetAfter: boolean,
): RnnSequenceInfo {
  for (const [arg, t] of [
    ['xw', xw],
    ['recurrentKernel', u],
    ['recurrentBias', rb],
  ] as const) {
    if (t && t.dtype !== 'float32') throw new Error(`${name}: ${arg} must be float32, got ${t.dtype}`);
  }
  if (u.rank !== 2 || u.shape[1] !== k * u.shape[0]! || u.shape[0] === 0) {
    throw new Error(
      `${name}: recurrentKernel must be [units, ${k}·units] with units >= 1, got ${fmt(u.shape)}`,
    );
  }
  const units = u.shape[0]!;
  if (xw.rank !== 3 || xw.shape[2] !== k * units || xw.shape[1] === 0) {
    throw new Error(
      `${name}: xw must be [batch, time >= 1, ${k * units}] for ${units} units, got ${fmt(xw.shape)}`,
    );
  }
  if (rb && rb.size !== k * units) {
    throw new Error(`${name}: recurrentBias must hold ${k * units} values, got ${fmt(rb.shape)}`);
  }
  return { batch: xw.shape[0]!, time: xw.shape[1]!, units, goBackwards, resetAfter };
}

/** Check `dPacked` against `packed` (same shape) for a gradient op. */
function checkGrad(name: string, dPacked: Tensor, packed: Tensor, info: RnnSequenceInfo, k: number): void {
  const want = [info.batch, info.time, k * info.units];
  if (fmt(packed.shape) !== fmt(want) || fmt(dPacked.shape) !== fmt(want)) {
    throw new Error(
      `${name}: packed and dPacked must be ${fmt(want)}, got ${fmt(packed.shape)} and ${fmt(dPacked.shape)}`,
    );
  }
}

/**
 * LSTM with tanh activation and sigmoid gates over a whole sequence. `xw = x·W + b` is `[batch, time, 4u]`,
 * `recurrentKernel` `[u, 4u]` (Keras layout, gates i, f, c, o). Returns `packed [batch, time, 7u]` whose
 * first block is `h` of every step; only that block is differentiable.
 *
 * @example
 * ```ts
 * const packed = lstmSequence(xw, recurrentKernel, false);
 * const h = nr.slice(packed, [0, 0, 0], [-1, -1, units]);
 * ```
 * @internal
 */
export function lstmSequence(xw: Tensor, recurrentKernel: Tensor, goBackwards: boolean): Tensor {
  return op('lstmSequence', () => {
    const info = sequenceInfo('lstmSequence', 4, xw, recurrentKernel, null, goBackwards, false);
    const out: TensorInfo = { shape: [info.batch, info.time, 7 * info.units], dtype: 'float32' };
    return runFused({
      name: 'lstmSequence',
      kernel: 'lstmSequence',
      inputs: [xw, recurrentKernel],
      out,
      run: (b, [x, u]) => b.kernels.lstmSequence!(x!, u!, info, out),
      composite: () => lstmSequenceComposite(xw, recurrentKernel, info),
      grad: lstmSequenceGradRule,
      attrs: info,
    });
  });
}

/**
 * Backward pass of {@link lstmSequence}: the gate pre-activation gradients `[batch, time, 4u]` given the
 * gradient of `packed` (only its `h` block is read).
 *
 * @example
 * ```ts
 * const dz = lstmSequenceGrad(dPacked, packed, recurrentKernel, info);
 * ```
 * @internal
 */
export function lstmSequenceGrad(
  dPacked: Tensor,
  packed: Tensor,
  recurrentKernel: Tensor,
  info: RnnSequenceInfo,
): Tensor {
  return op('lstmSequenceGrad', () => {
    checkGrad('lstmSequenceGrad', dPacked, packed, info, 7);
    const out: TensorInfo = { shape: [info.batch, info.time, 4 * info.units], dtype: 'float32' };
    return runFused({
      name: 'lstmSequenceGrad',
      kernel: 'lstmSequenceGrad',
      inputs: [dPacked, packed, recurrentKernel],
      out,
      run: (b, [d, p, u]) => b.kernels.lstmSequenceGrad!(d!, p!, u!, info, out),
      composite: () => lstmSequenceGradComposite(dPacked, packed, recurrentKernel, info),
    });
  });
}

/**
 * GRU with tanh activation and sigmoid gates over a whole sequence. `xw = x·W + b_input` is
 * `[batch, time, 3u]`, `recurrentKernel` `[u, 3u]` (gates z, r, h). With `resetAfter`, `recurrentBias`
 * (`3u` values, or null) is added to `h·U` before the reset gate applies. Returns `packed [batch, time, 5u]`
 * whose first block is `h` of every step; only that block is differentiable.
 *
 * @example
 * ```ts
 * const packed = gruSequence(xw, recurrentKernel, null, false, false);
 * ```
 * @internal
 */
export function gruSequence(
  xw: Tensor,
  recurrentKernel: Tensor,
  recurrentBias: Tensor | null,
  goBackwards: boolean,
  resetAfter: boolean,
): Tensor {
  return op('gruSequence', () => {
    if (recurrentBias && !resetAfter) {
      throw new Error('gruSequence: recurrentBias is only used with resetAfter');
    }
    const info = sequenceInfo('gruSequence', 3, xw, recurrentKernel, recurrentBias, goBackwards, resetAfter);
    const out: TensorInfo = { shape: [info.batch, info.time, 5 * info.units], dtype: 'float32' };
    const inputs = recurrentBias ? [xw, recurrentKernel, recurrentBias] : [xw, recurrentKernel];
    return runFused({
      name: 'gruSequence',
      kernel: 'gruSequence',
      inputs,
      out,
      run: (b, [x, u, rb]) => b.kernels.gruSequence!(x!, u!, rb ?? null, info, out),
      composite: () => gruSequenceComposite(xw, recurrentKernel, recurrentBias, info),
      grad: gruSequenceGradRule,
      attrs: info,
    });
  });
}

/**
 * Backward pass of {@link gruSequence}: `[batch, time, 4u]` = d(z, r, candidate pre-activations) and the
 * gradient of the recurrent candidate term, given the gradient of `packed` (only its `h` block is read).
 *
 * @example
 * ```ts
 * const d = gruSequenceGrad(dPacked, packed, recurrentKernel, info);
 * ```
 * @internal
 */
export function gruSequenceGrad(
  dPacked: Tensor,
  packed: Tensor,
  recurrentKernel: Tensor,
  info: RnnSequenceInfo,
): Tensor {
  return op('gruSequenceGrad', () => {
    checkGrad('gruSequenceGrad', dPacked, packed, info, 5);
    const out: TensorInfo = { shape: [info.batch, info.time, 4 * info.units], dtype: 'float32' };
    return runFused({
      name: 'gruSequenceGrad',
      kernel: 'gruSequenceGrad',
      inputs: [dPacked, packed, recurrentKernel],
      out,
      run: (b, [d, p, u]) => b.kernels.gruSequenceGrad!(d!, p!, u!, info, out),
      composite: () => gruSequenceGradComposite(dPacked, packed, recurrentKernel, info),
    });
  });
}

/**
 * SimpleRNN with tanh over a whole sequence. `xw = x·W + b` is `[batch, time, u]`, `recurrentKernel`
 * `[u, u]`. Returns `packed [batch, time, u]`: `h` of every step, stored at the time the step read.
 *
 * @example
 * ```ts
 * const h = rnnSequence(xw, recurrentKernel, false);
 * ```
 * @internal
 */
export function rnnSequence(xw: Tensor, recurrentKernel: Tensor, goBackwards: boolean): Tensor {
  return op('rnnSequence', () => {
    const info = sequenceInfo('rnnSequence', 1, xw, recurrentKernel, null, goBackwards, false);
    const out: TensorInfo = { shape: [info.batch, info.time, info.units], dtype: 'float32' };
    return runFused({
      name: 'rnnSequence',
      kernel: 'rnnSequence',
      inputs: [xw, recurrentKernel],
      out,
      run: (b, [x, u]) => b.kernels.rnnSequence!(x!, u!, info, out),
      composite: () => rnnSequenceComposite(xw, recurrentKernel, info),
      grad: rnnSequenceGradRule,
      attrs: info,
    });
  });
}

/**
 * Backward pass of {@link rnnSequence}: the pre-activation gradients `[batch, time, u]` given the gradient
 * of `packed`.
 *
 * @example
 * ```ts
 * const dz = rnnSequenceGrad(dPacked, packed, recurrentKernel, info);
 * ```
 * @internal
 */
export function rnnSequenceGrad(
  dPacked: Tensor,
  packed: Tensor,
  recurrentKernel: Tensor,
  info: RnnSequenceInfo,
): Tensor {
  return op('rnnSequenceGrad', () => {
    checkGrad('rnnSequenceGrad', dPacked, packed, info, 1);
    const out: TensorInfo = { shape: [info.batch, info.time, info.units], dtype: 'float32' };
    return runFused({
      name: 'rnnSequenceGrad',
      kernel: 'rnnSequenceGrad',
      inputs: [dPacked, packed, recurrentKernel],
      out,
      run: (b, [d, p, u]) => b.kernels.rnnSequenceGrad!(d!, p!, u!, info, out),
      composite: () => rnnSequenceGradComposite(dPacked, packed, recurrentKernel, info),
    });
  });
}
