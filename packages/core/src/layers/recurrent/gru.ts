import { engine } from '../../engine/engine.js';
import type { Tensor } from '../../engine/tensor.js';
import type { ConfigDict } from '../../initializers/initializers.js';
import { add, mul, sub } from '../../ops/binary.js';
import { matMul } from '../../ops/matmul.js';
import { slice, split } from '../../ops/movement.js';
import { gruSequence } from '../../ops/recurrent.js';
import { checkedLayer } from '../../training/validate-layer.js';
import { type ActivationName, getActivation } from '../activations.js';
import { RNNBase, type RNNBaseArgs } from './rnn-base.js';

/**
 * Arguments of {@link gru}.
 *
 * @example
 * ```ts
 * const args: nr.layers.GRUArgs = { units: 32, resetAfter: true };
 * ```
 */
export interface GRUArgs extends RNNBaseArgs {
  /** Activation of the update and reset gates (default `'sigmoid'`). */
  recurrentActivation?: ActivationName | string | null;
  /**
   * Apply the reset gate after the recurrent matMul (Keras's `reset_after`, the cuDNN variant; default false).
   * The bias then has shape `[2, 3*units]`: row 0 for the input projection, row 1 for the recurrent one.
   */
  resetAfter?: boolean;
  /** Accepted for Keras compatibility and ignored. */
  implementation?: number;
}

/**
 * Gated recurrent unit (Keras `GRU`), gate blocks in Keras order z (update), r (reset), h (candidate):
 * `z = σ(x·W_z + h·U_z + b_z)`, `r = σ(x·W_r + h·U_r + b_r)`, candidate
 * `ĥ = act(x·W_h + b_h + (r⊙h)·U_h)` (or `act(x·W_h + b_h + r⊙(h·U_h + b'_h))` with `resetAfter`), and
 * `h_t = z⊙h + (1 − z)⊙ĥ`. Weights: `kernel [inputDim, 3u]`, `recurrent_kernel [u, 3u]`,
 * `bias [3u]` (`[2, 3u]` with `resetAfter`).
 *
 * @example
 * ```ts
 * const layer = new nr.layers.GRU({ units: 4, resetAfter: true });
 * layer.apply(nr.zeros([2, 5, 3])).shape; // [2, 4]
 * ```
 */
export class GRU extends RNNBase {
  static override readonly className: string = 'GRU';
  protected readonly gateCount = 3;
  /** Name of the gate activation. */
  readonly recurrentActivationName: ActivationName;
  /** Whether the reset gate is applied after the recurrent matMul. */
  readonly resetAfter: boolean;
  private readonly recurrentActivation: (x: Tensor) => Tensor;

  constructor(args: GRUArgs) {
    super(args);
    const ra = getActivation(
      args.recurrentActivation === undefined ? 'sigmoid' : args.recurrentActivation,
      `${this.className} '${this.name}' recurrentActivation`,
    );
    this.recurrentActivationName = ra.name;
    this.recurrentActivation = ra.fn;
    this.resetAfter = args.resetAfter ?? false;
  }

  protected override biasShape(): number[] {
    return this.resetAfter ? [2, 3 * this.units] : [3 * this.units];
  }

  protected override inputBias(): Tensor | null {
    if (!this.bias || !this.resetAfter) return this.bias;
    return slice(this.bias, [0, 0], [1, -1]); // [1, 3u], broadcast over the batch
  }

  protected makeStep(): (xw: Tensor, states: Tensor[]) => Tensor[] {
    const n = this.units;
    const uk = this.recurrentKernel;
    const act = this.activation;
    const ract = this.recurrentActivation;
    const update = (h: Tensor, z: Tensor, candidate: Tensor): Tensor[] => [
      add(candidate, mul(z, sub(h, candidate))), // z⊙h + (1 − z)⊙ĥ
    ];
    if (this.resetAfter) {
      const rb = this.bias ? slice(this.bias, [1, 0], [1, -1]) : null;
      return (xw, [h]) => {
        const [xz, xr, xh] = split(xw, 3, 1);
        let inner = matMul(h!, uk);
        if (rb) inner = add(inner, rb);
        const [hz, hr, hh] = split(inner, 3, 1);
        const z = ract(add(xz!, hz!));
        const r = ract(add(xr!, hr!));
        return update(h!, z, act(add(xh!, mul(r, hh!))));
      };
    }
    const uzr = slice(uk, [0, 0], [n, 2 * n]);
    const uh = slice(uk, [0, 2 * n], [n, n]);
    return (xw, [h]) => {
      const [xz, xr, xh] = split(xw, 3, 1);
      const [hz, hr] = split(matMul(h!, uzr), 2, 1);
      const z = ract(add(xz!, hz!));
      const r = ract(add(xr!, hr!));
      return update(h!, z, act(add(xh!, matMul(mul(r, h!), uh))));
    };
  }

  /** One fused op over the sequence for the standard activations (tanh, sigmoid gates). */
  protected override fusedSequence(xw: Tensor): Tensor | null {
    const k = engine().backend.kernels;
    if (typeof k.gruSequence !== 'function' || typeof k.gruSequenceGrad !== 'function') return null;
    if (this.activationName !== 'tanh' || this.recurrentActivationName !== 'sigmoid') return null;
    const rb = this.resetAfter && this.bias ? slice(this.bias, [1, 0], [1, -1]) : null;
    return gruSequence(xw, this.recurrentKernel, rb, this.goBackwards, this.resetAfter);
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      recurrentActivation: this.recurrentActivationName,
      resetAfter: this.resetAfter,
      implementation: 2,
    };
  }
}

/**
 * Create a {@link GRU} layer: input `[batch, time, features]`, output `[batch, units]`
 * (or `[batch, time, units]` with `returnSequences`).
 *
 * @example
 * ```ts
 * const model = nr.sequential({ layers: [nr.layers.gru({ units: 16, inputShape: [10, 4] })] });
 * ```
 */
export function gru(args: GRUArgs): GRU {
  return checkedLayer('gru', args, () => new GRU(args));
}
