import type { ConfigDict } from '../initializers/initializers.js';
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
import { Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/**
 * The window arguments every channels-last 2-D convolution layer takes (`Conv2D`, `DepthwiseConv2D`,
 * `SeparableConv2D`).
 *
 * @example
 * ```ts
 * const args: nr.layers.Window2DArgs = { kernelSize: 3, strides: 2, padding: 'same' };
 * ```
 */
export interface Window2DArgs extends LayerArgs {
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
 * Base of the channels-last 2-D convolution layers: it resolves and checks the window arguments, the
 * activation and the bias ({@link KernelBias}), checks input shapes against the window and the channels the
 * layer was built for, and writes the window part of the config. Subclasses declare their kernels, compute,
 * and say how many channels come out.
 *
 * @example
 * ```ts
 * const conv: nr.layers.Window2D = nr.layers.conv2d({ filters: 4, kernelSize: 3 });
 * conv.kernelSize; // [3, 3]
 * ```
 */
export abstract class Window2D extends Layer {
  /** Window size `[height, width]`. */
  readonly kernelSize: [number, number];
  /** Step between windows `[down, across]`. */
  readonly strides: [number, number];
  /** `'valid'` or `'same'`. */
  readonly padding: 'valid' | 'same';
  /** Spacing between kernel taps `[down, across]`. */
  readonly dilationRate: [number, number];
  /** Name of the activation applied after the convolution. */
  readonly activation: ActivationName;
  /** Whether a bias is added per output channel. */
  readonly useBias: boolean;
  /** The activation, the bias and the (last) kernel's initializer and regularizer. */
  protected readonly kb: KernelBias;

  constructor(args: Window2DArgs, kernelBias: KernelBiasArgs) {
    super(args);
    const where = this.where;
    this.kernelSize = pairArg(args.kernelSize, 'kernelSize', where);
    this.strides = pairArg(args.strides ?? 1, 'strides', where);
    this.dilationRate = pairArg(args.dilationRate ?? 1, 'dilationRate', where);
    checkStridesDilation(where, this.strides, this.dilationRate);
    this.padding = paddingArg(args.padding, where);
    checkDataFormat(args.dataFormat, where);
    this.kb = new KernelBias(kernelBias, where);
    this.activation = this.kb.activation;
    this.useBias = this.kb.useBias;
  }

  /** `Conv2D 'conv2d'`: how errors name this layer. */
  protected get where(): string {
    return `${this.className} '${this.name}'`;
  }

  /** Input channels the layer was built for (null before it is built). */
  protected abstract builtChannels(): number | null;

  /** Output channels for `inChannels` input channels. */
  protected abstract outputChannels(inChannels: number): number;

  protected override checkInputShape(inputShape: SymbolicShape): void {
    const { kernelSize, strides, padding, dilationRate } = this;
    checkWindowInput(
      this.where,
      inputShape,
      kernelSize,
      strides,
      padding,
      dilationRate,
      this.builtChannels(),
    );
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    const { kernelSize, strides, padding, dilationRate } = this;
    const channels = this.outputChannels(inputShape[3] as number);
    return windowOutputShape(inputShape, kernelSize, strides, padding, dilationRate, channels);
  }

  /** The window part of the saved config, in Keras order. */
  protected windowConfig(): ConfigDict {
    return {
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      dataFormat: 'channelsLast',
      dilationRate: [...this.dilationRate],
    };
  }
}
