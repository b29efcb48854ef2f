import { tidy } from '../engine/api.js';
import type { Tensor, Variable } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import type { Padding } from '../ops/conv.js';
import { fusedConv2d } from '../ops/fused.js';
import { cast, reshape } from '../ops/shape.js';
import type { ActivationName } from './activations.js';
import {
  checkDataFormat,
  checkStridesDilation,
  checkWindowInput,
  type DataFormat,
  windowOutputLength,
} from './conv-utils.js';
import { KernelBias, type KernelBiasArgs } from './kernel-bias.js';
import { type CallOptions, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/**
 * Arguments of {@link conv1d} (Keras / tfjs `Conv1D` names).
 *
 * @example
 * ```ts
 * const args: nr.layers.Conv1DArgs = { filters: 16, kernelSize: 5, padding: 'causal', activation: 'relu' };
 * ```
 */
export interface Conv1DArgs extends LayerArgs, KernelBiasArgs {
  /** Number of output channels. */
  filters: number;
  /** Window length (a number or a one-element list, as Keras saves it). */
  kernelSize: number | readonly [number];
  /** Step between windows (default 1). */
  strides?: number | readonly [number];
  /**
   * `'valid'` (no padding, the default), `'same'` (output length `ceil(steps / stride)`) or `'causal'`
   * (left padding only, so step t never sees later steps).
   */
  padding?: 'valid' | 'same' | 'causal';
  /** Only `'channelsLast'` is supported. */
  dataFormat?: DataFormat;
  /** Spacing between kernel taps (default 1); must be 1 when the stride is > 1. */
  dilationRate?: number | readonly [number];
}

/** A positive integer given as a number or a one-element list. */
function singleArg(v: number | readonly number[], what: string, where: string): number {
  const p = typeof v === 'number' ? [v] : Array.isArray(v) ? v : [];
  if (p.length !== 1 || !Number.isInteger(p[0]) || p[0]! < 1) {
    throw new Error(
      `${where}: ${what} must be a positive integer (or a list of one), got ${JSON.stringify(v)}`,
    );
  }
  return p[0]!;
}

/**
 * 1-D convolution over sequences `[batch, steps, channels]`: `activation(conv1d(x, kernel) + bias)`, with
 * a kernel of shape `[kernelSize, inChannels, filters]` as in Keras. Runs as a conv2d over a height-1 image,
 * so every backend's conv2d kernels (and their fused bias + ReLU) serve it.
 *
 * @example
 * ```ts
 * const conv = nr.layers.conv1d({ filters: 8, kernelSize: 3, padding: 'causal', dilationRate: 2 });
 * conv.apply(nr.zeros([2, 20, 4])).shape; // [2, 20, 8]
 * conv.countParams(); // 3 * 4 * 8 + 8 = 104
 * ```
 */
export class Conv1D extends Layer {
  static override readonly className = 'Conv1D';
  /** Number of output channels. */
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides: number;
  readonly padding: 'valid' | 'same' | 'causal';
  readonly dilationRate: number;
  /** Name of the activation applied after the convolution. */
  readonly activation: ActivationName;
  readonly useBias: boolean;
  private readonly kb: KernelBias;
  /** The `[kernelSize, inChannels, filters]` kernel, once built. */
  kernel: Variable | null = null;
  /** The `[filters]` bias, once built (null without bias). */
  bias: Variable | null = null;

  constructor(args: Conv1DArgs) {
    super(args);
    const where = `Conv1D '${this.name}'`;
    if (!Number.isInteger(args.filters) || args.filters < 1) {
      throw new Error(`${where}: filters must be a positive integer, got ${args.filters}`);
    }
    this.filters = args.filters;
    this.kernelSize = singleArg(args.kernelSize, 'kernelSize', where);
    this.strides = singleArg(args.strides ?? 1, 'strides', where);
    this.dilationRate = singleArg(args.dilationRate ?? 1, 'dilationRate', where);
    checkStridesDilation(where, [this.strides], [this.dilationRate]);
    const padding = args.padding ?? 'valid';
    if (padding !== 'valid' && padding !== 'same' && padding !== 'causal') {
      throw new Error(`${where}: padding must be 'valid', 'same' or 'causal', got '${padding}'`);
    }
    this.padding = padding;
    checkDataFormat(args.dataFormat, where);
    this.kb = new KernelBias(args, where);
    this.activation = this.kb.activation;
    this.useBias = this.kb.useBias;
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    const channels = this.kernel ? this.kernel.shape[1]! : null;
    const { kernelSize: k, strides: s, padding, dilationRate: d } = this;
    checkWindowInput(`Conv1D '${this.name}'`, inputShape, [k], [s], padding, [d], channels);
  }

  override build(inputShape: SymbolicShape): void {
    const inChannels = inputShape[2] as number;
    const shape = [this.kernelSize, inChannels, this.filters];
    ({ kernel: this.kernel, bias: this.bias } = this.kb.addWeights(this, shape, this.filters));
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    const steps = inputShape[1] ?? null;
    const { kernelSize: k, strides: s, dilationRate: d } = this;
    // Causal padding adds (k - 1) * d steps on the left: ceil(steps / stride) outputs, like 'same'.
    const out = windowOutputLength(steps, k, s, this.padding === 'valid' ? 'valid' : 'same', d);
    return [inputShape[0] ?? null, out, this.filters];
  }

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    return tidy('Conv1D', () => {
      const x = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
      const [n, steps, c] = x.shape as [number, number, number];
      const left = (this.kernelSize - 1) * this.dilationRate;
      const padding: Padding =
        this.padding === 'causal'
          ? [
              [0, 0],
              [left, 0],
            ]
          : this.padding;
      const y = fusedConv2d({
        x: reshape(x, [n, 1, steps, c]),
        filter: reshape(this.kernel!, [1, ...this.kernel!.shape]),
        bias: this.bias,
        activation: this.kb.fusedActivation,
        strides: [1, this.strides],
        padding,
        dilations: [1, this.dilationRate],
      });
      return this.kb.finish(reshape(y, [n, y.shape[2]!, this.filters]));
    });
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: [this.kernelSize],
      strides: [this.strides],
      padding: this.padding,
      dataFormat: 'channelsLast',
      dilationRate: [this.dilationRate],
      ...this.kb.config(),
    };
  }
}

/**
 * Create a {@link Conv1D} layer.
 *
 * @example
 * ```ts
 * nr.layers.conv1d({ filters: 32, kernelSize: 5, activation: 'relu', inputShape: [100, 16] });
 * ```
 */
export function conv1d(args: Conv1DArgs): Conv1D {
  return new Conv1D(args);
}
