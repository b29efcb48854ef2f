import type { DType } from '../backend/types.js';
import type { Tensor } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { clone } from '../ops/shape.js';
import { checkedLayer } from '../training/validate-layer.js';
import { type CallOptions, fmtShape, Layer, type LayerArgs, type SymbolicShape } from './layer.js';
import { Node, SymbolicTensor } from './symbolic.js';

const INPUT_DTYPES: readonly DType[] = ['float32', 'int32', 'bool'];

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
  /** Element type of the inputs (`'float32'`, or `'int32'` for ids fed to an Embedding). */
  readonly dtype: DType;
  /** The symbolic tensor this layer stands for in a functional model (its node 0). */
  readonly output: SymbolicTensor;

  constructor(args: InputLayerArgs) {
    super({
      ...args,
      dtype: undefined,
      ...(args.batchShape && !args.batchInputShape ? { batchInputShape: args.batchShape } : {}),
    });
    if (!this.batchInputShape) {
      throw new Error(`InputLayer '${this.name}': give inputShape or batchInputShape`);
    }
    if (args.sparse) throw new Error(`InputLayer '${this.name}': sparse inputs are not supported`);
    const dtype = args.dtype ?? 'float32';
    if (!INPUT_DTYPES.includes(dtype)) {
      throw new Error(
        `InputLayer '${this.name}': dtype must be one of ${INPUT_DTYPES.join(', ')}, got '${String(dtype)}'`,
      );
    }
    this.dtype = dtype;
    this.output = new SymbolicTensor([...this.batchInputShape], dtype, this, 0, 0);
    this.inboundNodes.push(new Node(this, [], [this.output], 0));
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

  protected override checkCall(inputs: readonly Tensor[]): void {
    this.checkInputShape(inputs[0]!.shape);
  }

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    return clone(inputs);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), dtype: this.dtype, sparse: false };
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
