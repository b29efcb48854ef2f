import { tidy } from '../engine/api.js';
import type { Tensor, Variable } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { fusedConv2d } from '../ops/fused.js';
import { cast } from '../ops/shape.js';
import { checkedLayer } from '../training/validate-layer.js';
import type { ActivationName } from './activations.js';
import {
  checkDataFormat,
  checkStridesDilation,
  checkWindowInput,
  type DataFormat,
  paddingArg,
  pairArg,
  windowOutputShape,
} from './conv-utils.js';
import { KernelBias, type KernelBiasArgs } from './kernel-bias.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/**
 * Arguments of {@link conv2d}.
 *
 * @example
 * ```ts
 * const args: nr.layers.Conv2DArgs = { filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' };
 * ```
 */
export interface Conv2DArgs extends LayerArgs, KernelBiasArgs {
  /** Number of output channels. */
  filters: number;
  /** Window size: one number or `[height, width]`. */
  kernelSize: number | readonly [number, number];
  /** Step between windows (default 1). */
  strides?: number | readonly [number, number];
  /** `'valid'` (no padding, the default) or `'same'` (output size `ceil(input / stride)`). */
  padding?: 'valid' | 'same';
  /** Only `'channelsLast'` is supported. */
  dataFormat?: DataFormat;
  /** Spacing between kernel taps (default 1); must be 1 when a stride is > 1. */
  dilationRate?: number | readonly [number, number];
}

/**
 * 2-D convolution over NHWC images: `activation(conv2d(x, kernel) + bias)`, with a kernel of shape
 * `[kernelHeight, kernelWidth, inChannels, filters]` as in Keras.
 *
 * @example
 * ```ts
 * const conv = new nr.layers.Conv2D({ filters: 8, kernelSize: 5 });
 * conv.apply(nr.zeros([1, 28, 28, 1])).shape; // [1, 24, 24, 8]
 * conv.countParams(); // 208
 * ```
 */
export class Conv2D extends Layer {
  static override readonly className = 'Conv2D';
  /** Number of output channels. */
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'valid' | 'same';
  readonly dilationRate: [number, number];
  /** Name of the activation applied after the convolution. */
  readonly activation: ActivationName;
  readonly useBias: boolean;
  private readonly kb: KernelBias;
  /** The `[kh, kw, inChannels, filters]` kernel, once built. */
  kernel: Variable | null = null;
  /** The `[filters]` bias, once built (null without bias). */
  bias: Variable | null = null;

  constructor(args: Conv2DArgs) {
    super(args);
    const where = `Conv2D '${this.name}'`;
    if (!Number.isInteger(args.filters) || args.filters < 1) {
      throw new Error(`${where}: filters must be a positive integer, got ${args.filters}`);
    }
    this.filters = args.filters;
    this.kernelSize = pairArg(args.kernelSize, 'kernelSize', where);
    this.strides = pairArg(args.strides ?? 1, 'strides', where);
    this.dilationRate = pairArg(args.dilationRate ?? 1, 'dilationRate', where);
    checkStridesDilation(where, this.strides, this.dilationRate);
    this.padding = paddingArg(args.padding, where);
    checkDataFormat(args.dataFormat, where);
    this.kb = new KernelBias(args, where);
    this.activation = this.kb.activation;
    this.useBias = this.kb.useBias;
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    const channels = this.kernel ? this.kernel.shape[2]! : null;
    const where = `Conv2D '${this.name}'`;
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
    const kernelShape = [kh, kw, inChannels, this.filters];
    ({ kernel: this.kernel, bias: this.bias } = this.kb.addWeights(this, kernelShape, this.filters));
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    const { kernelSize: k, strides, padding, dilationRate } = this;
    return windowOutputShape(inputShape, k, strides, padding, dilationRate, this.filters);
  }

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    return tidy('Conv2D', () => {
      const x = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
      const y = fusedConv2d({
        x,
        filter: this.kernel!,
        bias: this.bias,
        activation: this.kb.fusedActivation,
        strides: this.strides,
        padding: this.padding,
        dilations: this.dilationRate,
      });
      return this.kb.finish(y);
    });
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      dataFormat: 'channelsLast',
      dilationRate: [...this.dilationRate],
      ...this.kb.config(),
    };
  }
}

/**
 * Create a {@link Conv2D} layer.
 *
 * @example
 * ```ts
 * nr.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] });
 * ```
 */
export function conv2d(args: Conv2DArgs): Conv2D {
  return checkedLayer('conv2d', args, () => new Conv2D(args));
}
