import { tidy } from '../engine/api.js';
import type { Tensor, Variable } from '../engine/tensor.js';
import type { ConfigDict, InitializerLike } from '../initializers/initializers.js';
import { depthwiseConv2d as depthwiseConv2dOp } from '../ops/depthwise-conv.js';
import { cast } from '../ops/shape.js';
import type { RegularizerLike } from '../regularizers/regularizers.js';
import type { ActivationName } from './activations.js';
import {
  checkDataFormat,
  checkNoConstraint,
  checkStridesDilation,
  checkWindowInput,
  type DataFormat,
  paddingArg,
  pairArg,
  windowOutputShape,
} from './conv-utils.js';
import { KernelBias } from './kernel-bias.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/**
 * Arguments of {@link depthwiseConv2d} (Keras / tfjs `DepthwiseConv2D` names).
 *
 * @example
 * ```ts
 * const args: nr.layers.DepthwiseConv2DArgs = { kernelSize: 3, padding: 'same', useBias: false };
 * ```
 */
export interface DepthwiseConv2DArgs extends LayerArgs {
  /** Window size: one number or `[height, width]`. */
  kernelSize: number | readonly [number, number];
  /** Step between windows (default 1). */
  strides?: number | readonly [number, number];
  /** `'valid'` (no padding, the default) or `'same'` (output size `ceil(input / stride)`). */
  padding?: 'valid' | 'same';
  /** Output channels per input channel (default 1). */
  depthMultiplier?: number;
  /** Only `'channelsLast'` is supported. */
  dataFormat?: DataFormat;
  /** Spacing between kernel taps (default 1); must be 1 when a stride is > 1. */
  dilationRate?: number | readonly [number, number];
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
export class DepthwiseConv2D extends Layer {
  static override readonly className = 'DepthwiseConv2D';
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'valid' | 'same';
  /** Output channels per input channel. */
  readonly depthMultiplier: number;
  readonly dilationRate: [number, number];
  /** Name of the activation applied after the convolution. */
  readonly activation: ActivationName;
  readonly useBias: boolean;
  private readonly kb: KernelBias;
  /** The `[kh, kw, inChannels, depthMultiplier]` kernel, once built. */
  depthwiseKernel: Variable | null = null;
  /** The `[inChannels * depthMultiplier]` bias, once built (null without bias). */
  bias: Variable | null = null;

  constructor(args: DepthwiseConv2DArgs) {
    super(args);
    const where = `DepthwiseConv2D '${this.name}'`;
    const m = args.depthMultiplier ?? 1;
    if (!Number.isInteger(m) || m < 1) {
      throw new Error(`${where}: depthMultiplier must be a positive integer, got ${m}`);
    }
    this.depthMultiplier = m;
    this.kernelSize = pairArg(args.kernelSize, 'kernelSize', where);
    this.strides = pairArg(args.strides ?? 1, 'strides', where);
    this.dilationRate = pairArg(args.dilationRate ?? 1, 'dilationRate', where);
    checkStridesDilation(where, this.strides, this.dilationRate);
    this.padding = paddingArg(args.padding, where);
    checkDataFormat(args.dataFormat, where);
    checkNoConstraint(args.depthwiseConstraint, 'depthwiseConstraint', where);
    checkNoConstraint(args.biasConstraint, 'biasConstraint', where);
    this.kb = new KernelBias(
      {
        activation: args.activation,
        useBias: args.useBias,
        kernelInitializer: args.depthwiseInitializer,
        biasInitializer: args.biasInitializer,
        kernelRegularizer: args.depthwiseRegularizer,
        biasRegularizer: args.biasRegularizer,
      },
      where,
    );
    this.activation = this.kb.activation;
    this.useBias = this.kb.useBias;
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    const channels = this.depthwiseKernel ? this.depthwiseKernel.shape[2]! : null;
    const where = `DepthwiseConv2D '${this.name}'`;
    checkWindowInput(
      where,
      inputShape,
      this.kernelSize,
      this.strides,
      this.padding,
      this.dilationRate,
      channels,
    );
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

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    const channels = (inputShape[3] as number) * this.depthMultiplier;
    return windowOutputShape(
      inputShape,
      this.kernelSize,
      this.strides,
      this.padding,
      this.dilationRate,
      channels,
    );
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
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      depthMultiplier: this.depthMultiplier,
      dataFormat: 'channelsLast',
      dilationRate: [...this.dilationRate],
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
