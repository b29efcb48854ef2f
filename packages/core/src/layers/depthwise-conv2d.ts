import { tidy } from '../engine/api.js';
import type { Tensor, Variable } from '../engine/tensor.js';
import type { ConfigDict, InitializerLike } from '../initializers/initializers.js';
import { depthwiseConv2d as depthwiseConv2dOp } from '../ops/depthwise-conv.js';
import { cast } from '../ops/shape.js';
import type { RegularizerLike } from '../regularizers/regularizers.js';
import type { ActivationName } from './activations.js';
import { checkNoConstraint } from './conv-utils.js';
import type { CallOptions, SymbolicShape } from './layer.js';
import { Window2D, type Window2DArgs } from './window2d.js';

/**
 * Arguments of {@link depthwiseConv2d} (Keras / tfjs `DepthwiseConv2D` names).
 *
 * @example
 * ```ts
 * const args: nr.layers.DepthwiseConv2DArgs = { kernelSize: 3, padding: 'same', useBias: false };
 * ```
 */
export interface DepthwiseConv2DArgs extends Window2DArgs {
  /** Output channels per input channel (default 1). */
  depthMultiplier?: number;
  /** Activation applied to the output (default linear). */
  activation?: ActivationName | null;
  /** Add a bias per output channel (default true). */
  useBias?: boolean;
  /** Initializer of the depthwise kernel (default `'glorotUniform'`). */
  depthwiseInitializer?: InitializerLike;
  /** Bias initializer (default `'zeros'`). */
  biasInitializer?: InitializerLike;
  /** Penalty on the depthwise kernel. */
  depthwiseRegularizer?: RegularizerLike;
  /** Penalty on the bias. */
  biasRegularizer?: RegularizerLike;
  /** Only null: weight constraints are not implemented. */
  depthwiseConstraint?: null;
  /** Only null: weight constraints are not implemented. */
  biasConstraint?: null;
}

/**
 * Depthwise 2-D convolution over NHWC images: each input channel is convolved with its own
 * `depthMultiplier` filters, channels never mix: `activation(depthwiseConv2d(x, depthwise_kernel) + bias)`.
 * The kernel is `[kernelHeight, kernelWidth, inChannels, depthMultiplier]` as in Keras; the output has
 * `inChannels * depthMultiplier` channels. It is the spatial half of MobileNet's separable convolutions.
 *
 * @example
 * ```ts
 * const dw = nr.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', depthMultiplier: 2 });
 * dw.apply(nr.zeros([1, 8, 8, 4])).shape; // [1, 8, 8, 8]
 * dw.countParams(); // 3 * 3 * 4 * 2 + 8 = 80
 * ```
 */
export class DepthwiseConv2D extends Window2D {
  static override readonly className = 'DepthwiseConv2D';
  /** Output channels per input channel. */
  readonly depthMultiplier: number;
  /** The `[kh, kw, inChannels, depthMultiplier]` kernel, once built. */
  depthwiseKernel: Variable | null = null;
  /** The `[inChannels * depthMultiplier]` bias, once built (null without bias). */
  bias: Variable | null = null;

  constructor(args: DepthwiseConv2DArgs) {
    super(args, {
      activation: args.activation,
      useBias: args.useBias,
      kernelInitializer: args.depthwiseInitializer,
      biasInitializer: args.biasInitializer,
      kernelRegularizer: args.depthwiseRegularizer,
      biasRegularizer: args.biasRegularizer,
    });
    const where = this.where;
    const m = args.depthMultiplier ?? 1;
    if (!Number.isInteger(m) || m < 1) {
      throw new Error(`${where}: depthMultiplier must be a positive integer, got ${m}`);
    }
    this.depthMultiplier = m;
    checkNoConstraint(args.depthwiseConstraint, 'depthwiseConstraint', where);
    checkNoConstraint(args.biasConstraint, 'biasConstraint', where);
  }

  protected override builtChannels(): number | null {
    return this.depthwiseKernel ? this.depthwiseKernel.shape[2]! : null;
  }

  protected override outputChannels(inChannels: number): number {
    return inChannels * this.depthMultiplier;
  }

  override build(inputShape: SymbolicShape): void {
    const inChannels = inputShape[3] as number;
    const [kh, kw] = this.kernelSize;
    const shape = [kh, kw, inChannels, this.depthMultiplier];
    const units = inChannels * this.depthMultiplier;
    ({ kernel: this.depthwiseKernel, bias: this.bias } = this.kb.addWeights(
      this,
      shape,
      units,
      'depthwise_kernel',
    ));
  }

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    return tidy('DepthwiseConv2D', () => {
      const x = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
      const y = depthwiseConv2dOp(x, this.depthwiseKernel!, this.strides, this.padding, this.dilationRate);
      return this.kb.biasActivation(y, this.bias);
    });
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      ...this.windowConfig(),
      depthMultiplier: this.depthMultiplier,
      ...this.kb.config('depthwise'),
      depthwiseConstraint: null,
      biasConstraint: null,
    };
  }
}

/**
 * Create a {@link DepthwiseConv2D} layer.
 *
 * @example
 * ```ts
 * nr.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', useBias: false, inputShape: [32, 32, 16] });
 * ```
 */
export function depthwiseConv2d(args: DepthwiseConv2DArgs): DepthwiseConv2D {
  return new DepthwiseConv2D(args);
}
