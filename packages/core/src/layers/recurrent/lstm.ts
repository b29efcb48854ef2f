import { engine } from '../../engine/engine.js';
import type { Tensor } from '../../engine/tensor.js';
import type { ConfigDict, Initializer } from '../../initializers/initializers.js';
import { add, mul } from '../../ops/binary.js';
import { ones } from '../../ops/creation.js';
import { matMul } from '../../ops/matmul.js';
import { concat, split } from '../../ops/movement.js';
import { lstmSequence } from '../../ops/recurrent.js';
import { checkedLayer } from '../../training/validate-layer.js';
import { type ActivationName, getActivation } from '../activations.js';
import { RNNBase, type RNNBaseArgs } from './rnn-base.js';

/**
 * Arguments of {@link lstm}.
 *
 * @example
 * ```ts
 * const args: nr.layers.LSTMArgs = { units: 64, returnSequences: true };
 * ```
 */
export interface LSTMArgs extends RNNBaseArgs {
  /** Activation of the input, forget and output gates (default `'sigmoid'`). */
  recurrentActivation?: ActivationName | string | null;
  /** Initialise the forget-gate bias to 1 (default true), as Keras does. */
  unitForgetBias?: boolean;
  /** Accepted for Keras compatibility and ignored. */
  implementation?: number;
}

/**
 * Long short-term memory layer (Keras `LSTM`). With `z = x_t·W + h_{t-1}·U + b` split into the gate blocks
 * i, f, c, o (Keras order): `c_t = σ(f)·c_{t-1} + σ(i)·act(c)`, `h_t = σ(o)·act(c_t)`, where σ is
 * `recurrentActivation` and act is `activation`. Weights: `kernel [inputDim, 4u]`,
 * `recurrent_kernel [u, 4u]`, `bias [4u]`.
 *
 * @example
 * ```ts
 * const layer = new nr.layers.LSTM({ units: 4 });
 * layer.apply(nr.zeros([2, 5, 3])).shape; // [2, 4]
 * ```
 */
export class LSTM extends RNNBase {
  static override readonly className: string = 'LSTM';
  protected readonly gateCount = 4;
  protected override readonly stateCount = 2;
  /** Name of the gate activation. */
  readonly recurrentActivationName: ActivationName;
  /** Whether the forget-gate bias starts at 1. */
  readonly unitForgetBias: boolean;
  private readonly recurrentActivation: (x: Tensor) => Tensor;

  constructor(args: LSTMArgs) {
    super(args);
    const ra = getActivation(
      args.recurrentActivation === undefined ? 'sigmoid' : args.recurrentActivation,
      `${this.className} '${this.name}' recurrentActivation`,
    );
    this.recurrentActivationName = ra.name;
    this.recurrentActivation = ra.fn;
    this.unitForgetBias = args.unitForgetBias ?? true;
  }

  protected override biasWeightInitializer(): Initializer {
    const base = this.biasInitializer;
    if (!this.unitForgetBias) return base;
    const u = this.units;
    return {
      className: base.className,
      apply(_shape, dtype = 'float32') {
        const i = base.apply([u], dtype);
        const f = ones([u], dtype);
        const co = base.apply([2 * u], dtype);
        const out = concat([i, f, co]);
        i.dispose();
        f.dispose();
        co.dispose();
        return out;
      },
      getConfig: () => base.getConfig(),
    };
  }

  protected makeStep(): (xw: Tensor, states: Tensor[]) => Tensor[] {
    const u = this.recurrentKernel;
    const act = this.activation;
    const ract = this.recurrentActivation;
    return (xw, [h, c]) => {
      const [zi, zf, zc, zo] = split(add(xw, matMul(h!, u)), 4, 1);
      const cNext = add(mul(ract(zf!), c!), mul(ract(zi!), act(zc!)));
      const hNext = mul(ract(zo!), act(cNext));
      return [hNext, cNext];
    };
  }

  /** One fused op over the sequence for the standard activations (tanh, sigmoid gates). */
  protected override fusedSequence(xw: Tensor): Tensor | null {
    const k = engine().backend.kernels;
    if (typeof k.lstmSequence !== 'function' || typeof k.lstmSequenceGrad !== 'function') return null;
    if (this.activationName !== 'tanh' || this.recurrentActivationName !== 'sigmoid') return null;
    return lstmSequence(xw, this.recurrentKernel, this.goBackwards);
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      recurrentActivation: this.recurrentActivationName,
      unitForgetBias: this.unitForgetBias,
      implementation: 2,
    };
  }
}

/**
 * Create an {@link LSTM} layer: input `[batch, time, features]`, output `[batch, units]`
 * (or `[batch, time, units]` with `returnSequences`, to stack another recurrent layer).
 *
 * @example
 * ```ts
 * const model = nr.sequential({
 *   layers: [
 *     nr.layers.lstm({ units: 32, returnSequences: true, inputShape: [20, 8] }),
 *     nr.layers.lstm({ units: 16 }),
 *   ],
 * });
 * ```
 */
export function lstm(args: LSTMArgs): LSTM {
  return checkedLayer('lstm', args, () => new LSTM(args));
}
