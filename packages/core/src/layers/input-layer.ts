import type { Tensor } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { clone } from '../ops/shape.js';
import { checkedLayer } from '../training/validate-layer.js';
import { type CallOptions, fmtShape, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/**
 * Arguments of {@link inputLayer}: `inputShape` (with an optional `batchSize`) or `batchInputShape` is
 * required.
 *
 * @example
 * ```ts
 * const args: nr.layers.InputLayerArgs = { inputShape: [28, 28, 1] };
 * ```
 */
export interface InputLayerArgs extends LayerArgs {
  /** Keras 3's name for `batchInputShape` (accepted when loading its configs). */
  batchShape?: SymbolicShape;
  /** Sparse inputs are not supported; accepted (false) for Keras compatibility. */
  sparse?: boolean;
}

/**
 * The entry point of a model: declares the input shape and passes its input through unchanged.
 *
 * @example
 * ```ts
 * const input = new nr.layers.InputLayer({ inputShape: [4] });
 * input.apply(nr.ones([2, 4])); // a copy of the input
 * ```
 */
export class InputLayer extends Layer {
  static override readonly className = 'InputLayer';
  /** The declared input shape, batch dimension first. */
  declare readonly batchInputShape: SymbolicShape;

  constructor(args: InputLayerArgs) {
    super(args.batchShape && !args.batchInputShape ? { ...args, batchInputShape: args.batchShape } : args);
    if (!this.batchInputShape) {
      throw new Error(`InputLayer '${this.name}': give inputShape or batchInputShape`);
    }
    if (args.sparse) throw new Error(`InputLayer '${this.name}': sparse inputs are not supported`);
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    const want = this.batchInputShape;
    const ok =
      want.length === inputShape.length &&
      want.every((d, i) => i === 0 || d === null || inputShape[i] === null || d === inputShape[i]);
    if (!ok) {
      throw new Error(
        `InputLayer '${this.name}': expected input shape ${fmtShape(want)}, got ${fmtShape(inputShape)}`,
      );
    }
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    return inputShape.map((d, i) => d ?? this.batchInputShape[i] ?? null);
  }

  override apply(inputs: Tensor, options: CallOptions = {}): Tensor {
    this.checkInputShape(inputs.shape);
    return super.apply(inputs, options);
  }

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    return clone(inputs);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), sparse: false };
  }
}

/**
 * Create an {@link InputLayer}.
 *
 * @example
 * ```ts
 * nr.layers.inputLayer({ inputShape: [784] });
 * ```
 */
export function inputLayer(args: InputLayerArgs): InputLayer {
  return checkedLayer('inputLayer', args, () => new InputLayer(args), ['batchShape']);
}
