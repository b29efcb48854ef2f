import { tidy } from '../engine/api.js';
import type { Tensor, Variable } from '../engine/tensor.js';
import {
  type ConfigDict,
  getInitializer,
  type Initializer,
  type InitializerLike,
  initializerConfig,
} from '../initializers/initializers.js';
import { depthwiseConv2d as depthwiseConv2dOp } from '../ops/depthwise-conv.js';
import { fusedConv2d } from '../ops/fused.js';
import { cast } from '../ops/shape.js';
import {
  getRegularizer,
  type Regularizer,
  type RegularizerLike,
  serializeRegularizer,
} from '../regularizers/regularizers.js';
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
 * Arguments of {@link separableConv2d} (Keras / tfjs `SeparableConv2D` names).
 *
 * @example
 * ```ts
 * const args: nr.layers.SeparableConv2DArgs = { filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' };
 * ```
 */
export interface SeparableConv2DArgs extends LayerArgs {
  /** Number of output channels. */
  filters: number;
  /** Window size of the depthwise step: one number or `[height, width]`. */
  kernelSize: number | readonly [number, number];
  /** Step between windows (default 1). */
  strides?: number | readonly [number, number];
  /** `'valid'` (no padding, the default) or `'same'` (output size `ceil(input / stride)`). */
  padding?: 'valid' | 'same';
  /** Depthwise output channels per input channel (default 1). */
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
  /** Initializer of the pointwise kernel (default `'glorotUniform'`). */
  pointwiseInitializer?: InitializerLike;
  /** Bias initializer (default `'zeros'`). */
  biasInitializer?: InitializerLike;
  /** Penalty on the depthwise kernel. */
  depthwiseRegularizer?: RegularizerLike;
  /** Penalty on the pointwise kernel. */
  pointwiseRegularizer?: RegularizerLike;
  /** Penalty on the bias. */
  biasRegularizer?: RegularizerLike;
  /** Only null: weight constraints are not implemented. */
  depthwiseConstraint?: null;
  /** Only null: weight constraints are not implemented. */
  pointwiseConstraint?: null;
  /** Only null: weight constraints are not implemented. */
  biasConstraint?: null;
}

/**
 * Depthwise-separable 2-D convolution over NHWC images: a depthwise convolution (each channel filtered on
 * its own, `depthMultiplier` times) followed by a 1x1 pointwise convolution that mixes the channels into
 * `filters` outputs, then the bias and the activation. Weights, in Keras order: `depthwise_kernel`
 * `[kh, kw, inChannels, depthMultiplier]`, `pointwise_kernel` `[1, 1, inChannels * depthMultiplier, filters]`,
 * `bias` `[filters]`. Far fewer parameters than a {@link Conv2D} of the same window.
 *
 * @example
 * ```ts
 * const sep = nr.layers.separableConv2d({ filters: 16, kernelSize: 3, padding: 'same' });
 * sep.apply(nr.zeros([1, 8, 8, 8])).shape; // [1, 8, 8, 16]
 * sep.countParams(); // 3 * 3 * 8 + 8 * 16 + 16 = 216
 * ```
 */
export class SeparableConv2D extends Layer {
  static override readonly className = 'SeparableConv2D';
  /** Number of output channels. */
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: 'valid' | 'same';
  /** Depthwise output channels per input channel. */
  readonly depthMultiplier: number;
  readonly dilationRate: [number, number];
  /** Name of the activation applied after the convolutions. */
  readonly activation: ActivationName;
  readonly useBias: boolean;
  /** The pointwise kernel, the bias and the activation. */
  private readonly kb: KernelBias;
  private readonly depthwiseInitializer: Initializer;
  private readonly depthwiseRegularizer: Regularizer | null;
  /** The `[kh, kw, inChannels, depthMultiplier]` kernel, once built. */
  depthwiseKernel: Variable | null = null;
  /** The `[1, 1, inChannels * depthMultiplier, filters]` kernel, once built. */
  pointwiseKernel: Variable | null = null;
  /** The `[filters]` bias, once built (null without bias). */
  bias: Variable | null = null;

  constructor(args: SeparableConv2DArgs) {
    super(args);
    const where = `SeparableConv2D '${this.name}'`;
    if (!Number.isInteger(args.filters) || args.filters < 1) {
      throw new Error(`${where}: filters must be a positive integer, got ${args.filters}`);
    }
    this.filters = args.filters;
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
    for (const key of ['depthwiseConstraint', 'pointwiseConstraint', 'biasConstraint'] as const) {
      checkNoConstraint(args[key], key, where);
    }
    this.depthwiseInitializer = getInitializer(
      args.depthwiseInitializer ?? 'glorotUniform',
      `${where} depthwise kernel`,
    );
    this.depthwiseRegularizer = getRegularizer(args.depthwiseRegularizer, where);
    this.kb = new KernelBias(
      {
        activation: args.activation,
        useBias: args.useBias,
        kernelInitializer: args.pointwiseInitializer,
        biasInitializer: args.biasInitializer,
        kernelRegularizer: args.pointwiseRegularizer,
        biasRegularizer: args.biasRegularizer,
      },
      where,
    );
    this.activation = this.kb.activation;
    this.useBias = this.kb.useBias;
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    const channels = this.depthwiseKernel ? this.depthwiseKernel.shape[2]! : null;
    const where = `SeparableConv2D '${this.name}'`;
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
    const mid = inChannels * this.depthMultiplier;
    this.depthwiseKernel = this.addWeight(
      'depthwise_kernel',
      [kh, kw, inChannels, this.depthMultiplier],
      this.depthwiseInitializer,
      { regularizer: this.depthwiseRegularizer },
    );
    ({ kernel: this.pointwiseKernel, bias: this.bias } = this.kb.addWeights(
      this,
      [1, 1, mid, this.filters],
      this.filters,
      'pointwise_kernel',
    ));
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    const { kernelSize: k, strides, padding, dilationRate } = this;
    return windowOutputShape(inputShape, k, strides, padding, dilationRate, this.filters);
  }

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    return tidy('SeparableConv2D', () => {
      const x = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
      const d = depthwiseConv2dOp(x, this.depthwiseKernel!, this.strides, this.padding, this.dilationRate);
      const y = fusedConv2d({
        x: d,
        filter: this.pointwiseKernel!,
        bias: this.bias,
        activation: this.kb.fusedActivation,
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
      depthMultiplier: this.depthMultiplier,
      dataFormat: 'channelsLast',
      dilationRate: [...this.dilationRate],
      depthwiseInitializer: initializerConfig(this.depthwiseInitializer),
      depthwiseRegularizer: serializeRegularizer(this.depthwiseRegularizer),
      ...this.kb.config('pointwise'),
      depthwiseConstraint: null,
      pointwiseConstraint: null,
      biasConstraint: null,
    };
  }
}

/**
 * Create a {@link SeparableConv2D} layer.
 *
 * @example
 * ```ts
 * nr.layers.separableConv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [32, 32, 3] });
 * ```
 */
export function separableConv2d(args: SeparableConv2DArgs): SeparableConv2D {
  return new SeparableConv2D(args);
}
