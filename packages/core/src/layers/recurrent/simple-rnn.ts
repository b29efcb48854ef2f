import { engine } from '../../engine/engine.js';
import type { Tensor } from '../../engine/tensor.js';
import { add } from '../../ops/binary.js';
import { matMul } from '../../ops/matmul.js';
import { rnnSequence } from '../../ops/recurrent.js';
import { checkedLayer } from '../../training/validate-layer.js';
import { RNNBase, type RNNBaseArgs } from './rnn-base.js';

export { RNNBase, type RNNBaseArgs } from './rnn-base.js';

/**
 * Arguments of {@link simpleRNN}.
 *
 * @example
 * ```ts
 * const args: nr.layers.SimpleRNNArgs = { units: 32, activation: 'tanh' };
 * ```
 */
export interface SimpleRNNArgs extends RNNBaseArgs {}

/**
 * Fully connected recurrent layer (Keras `SimpleRNN`): `h_t = activation(x_t·W + h_{t-1}·U + b)`.
 * Weights: `kernel [inputDim, units]`, `recurrent_kernel [units, units]`, `bias [units]`.
 *
 * @example
 * ```ts
 * const rnn = new nr.layers.SimpleRNN({ units: 4 });
 * rnn.apply(nr.zeros([2, 5, 3])).shape; // [2, 4]
 * ```
 */
export class SimpleRNN extends RNNBase {
  static override readonly className: string = 'SimpleRNN';
  protected readonly gateCount = 1;

  protected makeStep(): (xw: Tensor, states: Tensor[]) => Tensor[] {
    const u = this.recurrentKernel;
    return (xw, [h]) => [this.activation(add(xw, matMul(h!, u)))];
  }

  /** One fused op over the sequence for the standard activation (tanh). */
  protected override fusedSequence(xw: Tensor): Tensor | null {
    const k = engine().backend.kernels;
    if (typeof k.rnnSequence !== 'function' || typeof k.rnnSequenceGrad !== 'function') return null;
    if (this.activationName !== 'tanh') return null;
    return rnnSequence(xw, this.recurrentKernel, this.goBackwards);
  }
}

/**
 * Create a {@link SimpleRNN} layer: input `[batch, time, features]`, output `[batch, units]`
 * (or `[batch, time, units]` with `returnSequences`).
 *
 * @example
 * ```ts
 * const model = nr.sequential({ layers: [nr.layers.simpleRNN({ units: 8, inputShape: [10, 3] })] });
 * ```
 */
export function simpleRNN(args: SimpleRNNArgs): SimpleRNN {
  return checkedLayer('simpleRNN', args, () => new SimpleRNN(args));
}
