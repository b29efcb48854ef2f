import { tidy } from '../engine/api.js';
import type { Tensor } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { clone } from '../ops/shape.js';
import { checkedLayer } from '../training/validate-layer.js';
import { type ActivationName, getActivation } from './activations.js';
import { type CallOptions, Layer, type LayerArgs } from './layer.js';

/**
 * Arguments of {@link activation}.
 *
 * @example
 * ```ts
 * const args: nr.layers.ActivationArgs = { activation: 'relu' };
 * ```
 */
export interface ActivationArgs extends LayerArgs {
  /** The activation to apply elementwise (softmax: over the last axis). */
  activation: ActivationName;
}

/**
 * Applies an activation function to its input; the shape is unchanged.
 *
 * @example
 * ```ts
 * const layer = new nr.layers.Activation({ activation: 'relu' });
 * layer.apply(nr.tensor2d([[-1, 2]])); // [[0, 2]]
 * ```
 */
export class Activation extends Layer {
  static override readonly className = 'Activation';
  /** Passes the input's mask on. */
  override supportsMasking = true;
  /** Name of the applied activation. */
  readonly activation: ActivationName;
  private readonly fn: (x: Tensor) => Tensor;

  constructor(args: ActivationArgs) {
    super(args);
    const act = getActivation(args.activation, `Activation '${this.name}'`);
    this.activation = act.name;
    this.fn = act.fn;
  }

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    return tidy('Activation', () => this.fn(inputs));
  }

  /**
   * The input before the activation (a copy): with `activation: 'softmax'`, these are the logits that a
   * fused softmax cross-entropy consumes.
   *
   * @example
   * ```ts
   * nr.layers.activation({ activation: 'softmax' }).callLogits(nr.tensor2d([[1, 2]])); // [[1, 2]]
   * ```
   */
  callLogits(inputs: Tensor): Tensor {
    return clone(inputs);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), activation: this.activation };
  }
}

/**
 * Create an {@link Activation} layer.
 *
 * @example
 * ```ts
 * nr.layers.activation({ activation: 'softmax' });
 * ```
 */
export function activation(args: ActivationArgs): Activation {
  return checkedLayer('activation', args, () => new Activation(args));
}
