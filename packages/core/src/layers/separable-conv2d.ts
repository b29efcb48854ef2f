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
import { checkNoConstraint } from './conv-utils.js';
import type { CallOptions, SymbolicShape } from './layer.js';
import { Window2D, type Window2DArgs } from './window2d.js';

/**
 * Arguments of {@link separableConv2d} (Keras / tfjs `SeparableConv2D` names).
 *
 * @example
 * ```ts
 * const args: nr.layers.SeparableConv2DArgs = { filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' };
 * ```
 */
export interface SeparableConv2DArgs extends Window2DArgs {
  /** Number of output channels. */
  filters: number;
  /** Depthwise output channels per input channel (default 1). */
  depthMultiplier?: number;
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
export class SeparableConv2D extends Window2D {
  static override readonly className = 'SeparableConv2D';
  /** Number of output channels. */
  readonly filters: number;
  /** Depthwise output channels per input channel. */
  readonly depthMultiplier: number;
  private readonly depthwiseInitializer: Initializer;
  private readonly depthwiseRegularizer: Regularizer | null;
  /** The `[kh, kw, inChannels, depthMultiplier]` kernel, once built. */
  depthwiseKernel: Variable | null = null;
  /** The `[1, 1, inChannels * depthMultiplier, filters]` kernel, once built. */
  pointwiseKernel: Variable | null = null;
  /** The `[filters]` bias, once built (null without bias). */
  bias: Variable | null = null;

  constructor(args: SeparableConv2DArgs) {
    // The pointwise kernel, the bias and the activation go through KernelBias.
    super(args, {
      activation: args.activation,
      useBias: args.useBias,
      kernelInitializer: args.pointwiseInitializer,
      biasInitializer: args.biasInitializer,
      kernelRegularizer: args.pointwiseRegularizer,
      biasRegularizer: args.biasRegularizer,
    });
    const where = this.where;
    if (!Number.isInteger(args.filters) || args.filters < 1) {
      throw new Error(`${where}: filters must be a positive integer, got ${args.filters}`);
    }
    this.filters = args.filters;
    const m = args.depthMultiplier ?? 1;
    if (!Number.isInteger(m) || m < 1) {
      throw new Error(`${where}: depthMultiplier must be a positive integer, got ${m}`);
    }
    this.depthMultiplier = m;
    for (const key of ['depthwiseConstraint', 'pointwiseConstraint', 'biasConstraint'] as const) {
      checkNoConstraint(args[key], key, where);
    }
    this.depthwiseInitializer = getInitializer(
      args.depthwiseInitializer ?? 'glorotUniform',
      `${where} depthwise kernel`,
    );
    this.depthwiseRegularizer = getRegularizer(args.depthwiseRegularizer, where);
  }

  protected override builtChannels(): number | null {
    return this.depthwiseKernel ? this.depthwiseKernel.shape[2]! : null;
  }

  protected override outputChannels(): number {
    return this.filters;
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
      ...this.windowConfig(),
      depthMultiplier: this.depthMultiplier,
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
