import { tidy } from '../engine/api.js';
import type { Tensor, Variable } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { conv2dTranspose as conv2dTransposeOp } from '../ops/conv-transpose.js';
import { cast, transpose } from '../ops/shape.js';
import type { ActivationName } from './activations.js';
import {
  type AnyDataFormat,
  channelsFirstArg,
  checkWindowInput,
  paddingArg,
  pairArg,
  toChannelsLast,
} from './conv-utils.js';
import { KernelBias, type KernelBiasArgs } from './kernel-bias.js';
import { type CallOptions, fmtShape, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/**
 * Arguments of {@link conv2dTranspose} (Keras / tfjs `Conv2DTranspose` names).
 *
 * @example
 * ```ts
 * const args: nr.layers.Conv2DTransposeArgs = { filters: 16, kernelSize: 3, strides: 2, padding: 'same' };
 * ```
 */
export interface Conv2DTransposeArgs extends LayerArgs, KernelBiasArgs {
  /** Number of output channels. */
  filters: number;
  /** Window size: one number or `[height, width]`. */
  kernelSize: number | readonly [number, number];
  /** Upsampling factor: the step between windows of the convolution this layer transposes (default 1). */
  strides?: number | readonly [number, number];
  /** `'valid'` (the default: output `in * stride + max(kernel - stride, 0)`) or `'same'` (output `in * stride`). */
  padding?: 'valid' | 'same';
  /** Extra rows / columns at the bottom / right of the output (Keras; each below its stride), or null (default). */
  outputPadding?: number | readonly [number, number] | null;
  /** Only `'channelsLast'` is supported. */
  dataFormat?: AnyDataFormat;
  /** Only 1 is supported. */
  dilationRate?: number | readonly [number, number];
}

/** Keras's transposed-convolution output length along one axis (dilation 1). */
function deconvLength(
  length: number | null,
  kernel: number,
  stride: number,
  padding: 'valid' | 'same',
  outputPadding: number | null,
): number | null {
  if (length === null) return null;
  if (outputPadding === null) {
    return padding === 'valid' ? length * stride + Math.max(kernel - stride, 0) : length * stride;
  }
  const pad = padding === 'same' ? Math.floor(kernel / 2) : 0;
  return (length - 1) * stride + kernel - 2 * pad + outputPadding;
}

/**
 * Transposed 2-D convolution over NHWC images (the gradient of a conv2d with respect to its input, used to
 * upsample): `activation(conv2dTranspose(x, kernel) + bias)`, with a kernel of shape
 * `[kernelHeight, kernelWidth, filters, inChannels]` as in Keras. With `strides: 2` and `'same'` padding
 * the output is twice as high and wide as the input.
 *
 * @example
 * ```ts
 * const up = nr.layers.conv2dTranspose({ filters: 8, kernelSize: 3, strides: 2, padding: 'same' });
 * up.apply(nr.zeros([1, 7, 7, 16])).shape; // [1, 14, 14, 8]
 * up.countParams(); // 3 * 3 * 8 * 16 + 8 = 1160
 * ```
 */
export class Conv2DTranspose extends Layer {
  static override readonly className = 'Conv2DTranspose';
  /** Number of output channels. */
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'valid' | 'same';
  /** Extra output rows / columns, or null for Keras's default output size. */
  readonly outputPadding: [number, number] | null;
  /** Name of the activation applied after the convolution. */
  readonly activation: ActivationName;
  readonly useBias: boolean;
  /** True for `[batch, channels, height, width]` inputs (`dataFormat: 'channelsFirst'`). */
  readonly channelsFirst: boolean;
  private readonly kb: KernelBias;
  /** The `[kh, kw, filters, inChannels]` kernel, once built. */
  kernel: Variable | null = null;
  /** The `[filters]` bias, once built (null without bias). */
  bias: Variable | null = null;

  constructor(args: Conv2DTransposeArgs) {
    super(args);
    const where = `Conv2DTranspose '${this.name}'`;
    if (!Number.isInteger(args.filters) || args.filters < 1) {
      throw new Error(`${where}: filters must be a positive integer, got ${args.filters}`);
    }
    this.filters = args.filters;
    this.kernelSize = pairArg(args.kernelSize, 'kernelSize', where);
    this.strides = pairArg(args.strides ?? 1, 'strides', where);
    const dilation = pairArg(args.dilationRate ?? 1, 'dilationRate', where);
    if (dilation.some((d) => d !== 1)) {
      throw new Error(`${where}: dilationRate ${fmtShape(dilation)} is not supported (only 1)`);
    }
    this.padding = paddingArg(args.padding, where);
    if (args.outputPadding === null || args.outputPadding === undefined) this.outputPadding = null;
    else {
      const op =
        typeof args.outputPadding === 'number'
          ? [args.outputPadding, args.outputPadding]
          : [...args.outputPadding];
      if (op.length !== 2 || !op.every((p, i) => Number.isInteger(p) && p >= 0 && p < this.strides[i]!)) {
        throw new Error(
          `${where}: outputPadding must be non-negative integers below the strides ${fmtShape(this.strides)}, got ${JSON.stringify(args.outputPadding)}`,
        );
      }
      this.outputPadding = [op[0]!, op[1]!];
    }
    this.channelsFirst = channelsFirstArg(args.dataFormat, where);
    this.kb = new KernelBias(args, where);
    this.activation = this.kb.activation;
    this.useBias = this.kb.useBias;
  }

  protected override checkInputShape(shape: SymbolicShape): void {
    const inputShape = this.channelsFirst ? toChannelsLast(shape) : shape;
    const channels = this.kernel ? this.kernel.shape[3]! : null;
    // Any input size works: the window check of a forward convolution does not apply.
    checkWindowInput(`Conv2DTranspose '${this.name}'`, inputShape, [1, 1], [1, 1], 'same', [1, 1], channels);
  }

  override build(inputShape: SymbolicShape): void {
    const inChannels = inputShape[this.channelsFirst ? 1 : 3] as number;
    const [kh, kw] = this.kernelSize;
    ({ kernel: this.kernel, bias: this.bias } = this.kb.addWeights(
      this,
      [kh, kw, this.filters, inChannels],
      this.filters,
    ));
  }

  override computeOutputShape(shape: SymbolicShape): SymbolicShape {
    this.checkInputShape(shape);
    const inputShape = this.channelsFirst ? toChannelsLast(shape) : shape;
    const out = (i: number): number | null =>
      deconvLength(
        inputShape[i + 1] ?? null,
        this.kernelSize[i]!,
        this.strides[i]!,
        this.padding,
        this.outputPadding ? this.outputPadding[i]! : null,
      );
    const b = inputShape[0] ?? null;
    return this.channelsFirst ? [b, this.filters, out(0), out(1)] : [b, out(0), out(1), this.filters];
  }

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    return tidy('Conv2DTranspose', () => {
      const x32 = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
      // Channels-first images run as channels-last: NCHW -> NHWC, the convolution, then back.
      const x = this.channelsFirst ? transpose(x32, [0, 2, 3, 1]) : x32;
      const o = this.computeOutputShape(x32.shape);
      const outShape = (this.channelsFirst ? toChannelsLast(o) : o) as number[];
      const y = this.kb.biasActivation(
        conv2dTransposeOp(x, this.kernel!, outShape, this.strides, this.padding),
        this.bias,
      );
      return this.channelsFirst ? transpose(y, [0, 3, 1, 2]) : y;
    });
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      outputPadding: this.outputPadding ? [...this.outputPadding] : null,
      dataFormat: this.channelsFirst ? 'channelsFirst' : 'channelsLast',
      dilationRate: [1, 1],
      ...this.kb.config(),
    };
  }
}

/**
 * Create a {@link Conv2DTranspose} layer.
 *
 * @example
 * ```ts
 * nr.layers.conv2dTranspose({ filters: 1, kernelSize: 4, strides: 2, padding: 'same', activation: 'sigmoid' });
 * ```
 */
export function conv2dTranspose(args: Conv2DTransposeArgs): Conv2DTranspose {
  return new Conv2DTranspose(args);
}
