import { tidy } from '../engine/api.js';
import type { Tensor, Variable } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { fusedMatMul } from '../ops/fused.js';
import { cast, reshape } from '../ops/shape.js';
import { checkedLayer } from '../training/validate-layer.js';
import type { ActivationName } from './activations.js';
import { KernelBias, type KernelBiasArgs } from './kernel-bias.js';
import { type CallOptions, fmtShape, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/**
 * Arguments of {@link dense}: `units`, plus the activation, bias, initializers and regularizers of
 * {@link KernelBiasArgs}.
 *
 * @example
 * ```ts
 * const args: nr.layers.DenseArgs = { units: 10, activation: 'softmax' };
 * ```
 */
export interface DenseArgs extends LayerArgs, KernelBiasArgs {
  /** Output size (a positive integer). */
  units: number;
}

/**
 * A fully connected layer: `activation(x · kernel + bias)` over the last axis of inputs of rank >= 2
 * (kernel `[inputDim, units]`, as in Keras).
 *
 * @example
 * ```ts
 * const layer = new nr.layers.Dense({ units: 3, activation: 'relu' });
 * const y = layer.apply(nr.ones([2, 4])); // shape [2, 3]
 * ```
 */
export class Dense extends Layer {
  static override readonly className = 'Dense';
  /** Passes the input's mask on. */
  override supportsMasking = true;
  /** Output size. */
  readonly units: number;
  /** Name of the activation applied after the affine map. */
  readonly activation: ActivationName;
  /** Whether a bias is added. */
  readonly useBias: boolean;
  private readonly kb: KernelBias;
  /** The `[inputDim, units]` kernel, once built. */
  kernel: Variable | null = null;
  /** The `[units]` bias, once built (null without bias). */
  bias: Variable | null = null;

  constructor(args: DenseArgs) {
    super(args);
    const where = `Dense '${this.name}'`;
    if (!Number.isInteger(args.units) || args.units < 1) {
      throw new Error(`${where}: units must be a positive integer, got ${args.units}`);
    }
    this.units = args.units;
    this.kb = new KernelBias(args, where);
    this.activation = this.kb.activation;
    this.useBias = this.kb.useBias;
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    const last = inputShape[inputShape.length - 1];
    if (inputShape.length < 2) {
      throw new Error(
        `Dense '${this.name}': expected input of rank >= 2 [batch, ..., features], got ${fmtShape(inputShape)}`,
      );
    }
    if (last === null || last === undefined) {
      throw new Error(
        `Dense '${this.name}': the last dimension of the input must be known, got ${fmtShape(inputShape)}`,
      );
    }
    if (this.kernel && last !== this.kernel.shape[0]) {
      throw new Error(
        `Dense '${this.name}': expected input with last dimension ${this.kernel.shape[0]}, got ${fmtShape(inputShape)}`,
      );
    }
  }

  override build(inputShape: SymbolicShape): void {
    const inputDim = inputShape[inputShape.length - 1] as number;
    ({ kernel: this.kernel, bias: this.bias } = this.kb.addWeights(this, [inputDim, this.units], this.units));
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    return [...inputShape.slice(0, -1), this.units];
  }

  protected override checkCall(inputs: readonly Tensor[]): void {
    if (this.built) this.checkInputShape([null, ...inputs[0]!.shape.slice(1)]);
  }

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    return tidy('Dense', () => this.kb.finish(this.affine(inputs, this.kb.fusedActivation)));
  }

  /**
   * The pre-activation output `x · kernel + bias` (builds the layer on first use). Losses use it to fuse
   * softmax with cross-entropy.
   *
   * @example
   * ```ts
   * const logits = nr.layers.dense({ units: 10, activation: 'softmax' }).callLogits(nr.ones([2, 4]));
   * ```
   */
  callLogits(inputs: Tensor): Tensor {
    const shape: SymbolicShape = [null, ...inputs.shape.slice(1)];
    if (!this.built) this.ensureBuilt(shape);
    else this.checkInputShape(shape);
    return tidy('Dense.logits', () => this.affine(inputs, 'linear'));
  }

  /** `activation(x · kernel + bias)` in one fused op, for `activation` 'linear' or 'relu'. */
  private affine(inputs: Tensor, activation: 'linear' | 'relu'): Tensor {
    const kernel = this.kernel!;
    const x = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
    const lead = x.shape.slice(0, -1);
    const x2 = x.rank === 2 ? x : reshape(x, [lead.reduce((p, d) => p * d, 1), kernel.shape[0]!]);
    const y = fusedMatMul({ a: x2, b: kernel, bias: this.bias, activation });
    return x.rank === 2 ? y : reshape(y, [...lead, this.units]);
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      ...this.kb.config(),
    };
  }
}

/**
 * Create a {@link Dense} layer.
 *
 * @example
 * ```ts
 * const hidden = nr.layers.dense({ units: 128, activation: 'relu', inputShape: [784] });
 * ```
 */
export function dense(args: DenseArgs): Dense {
  return checkedLayer('dense', args, () => new Dense(args));
}
