import { tidy } from '../engine/api.js';
import type { Tensor, Variable } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { fusedConv2d } from '../ops/fused.js';
import { cast } from '../ops/shape.js';
import { checkedLayer } from '../training/validate-layer.js';
import type { KernelBiasArgs } from './kernel-bias.js';
import type { CallOptions, SymbolicShape } from './layer.js';
import { Window2D, type Window2DArgs } from './window2d.js';

/**
 * Arguments of {@link conv2d}.
 *
 * @example
 * ```ts
 * const args: nr.layers.Conv2DArgs = { filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' };
 * ```
 */
export interface Conv2DArgs extends Window2DArgs, KernelBiasArgs {
  /** Number of output channels. */
  filters: number;
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
export class Conv2D extends Window2D {
  static override readonly className = 'Conv2D';
  /** Number of output channels. */
  readonly filters: number;
  /** The `[kh, kw, inChannels, filters]` kernel, once built. */
  kernel: Variable | null = null;
  /** The `[filters]` bias, once built (null without bias). */
  bias: Variable | null = null;

  constructor(args: Conv2DArgs) {
    super(args, args);
    if (!Number.isInteger(args.filters) || args.filters < 1) {
      throw new Error(`${this.where}: filters must be a positive integer, got ${args.filters}`);
    }
    this.filters = args.filters;
  }

  protected override builtChannels(): number | null {
    return this.kernel ? this.kernel.shape[2]! : null;
  }

  protected override outputChannels(): number {
    return this.filters;
  }

  override build(inputShape: SymbolicShape): void {
    const inChannels = inputShape[3] as number;
    const [kh, kw] = this.kernelSize;
    const kernelShape = [kh, kw, inChannels, this.filters];
    ({ kernel: this.kernel, bias: this.bias } = this.kb.addWeights(this, kernelShape, this.filters));
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
      ...this.windowConfig(),
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
