import { tidy } from '../engine/api.js';
import type { Tensor, Variable } from '../engine/tensor.js';
import {
  type ConfigDict,
  getInitializer,
  type Initializer,
  type InitializerLike,
  initializerConfig,
} from '../initializers/initializers.js';
import { notEqual } from '../ops/binary.js';
import { gather } from '../ops/movement.js';
import { cast } from '../ops/shape.js';
import type { Regularizer } from '../regularizers/regularizers.js';
import { getRegularizer, type RegularizerLike, serializeRegularizer } from '../regularizers/regularizers.js';
import { checkedLayer } from '../training/validate-layer.js';
import { type CallOptions, fmtShape, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/**
 * Arguments of {@link embedding}.
 *
 * @example
 * ```ts
 * const args: nr.layers.EmbeddingArgs = { inputDim: 1000, outputDim: 16 };
 * ```
 */
export interface EmbeddingArgs extends LayerArgs {
  /** Vocabulary size: ids must lie in `[0, inputDim)`. */
  inputDim: number;
  /** Size of each embedding vector. */
  outputDim: number;
  /** Initializer of the embedding matrix (default `'randomUniform'`, U(-0.05, 0.05)). */
  embeddingsInitializer?: InitializerLike;
  /** Penalty on the embedding matrix. */
  embeddingsRegularizer?: RegularizerLike;
  /**
   * Treat id 0 as padding (default false): the layer's output mask is `ids != 0`, so the recurrent layers and
   * `GlobalAveragePooling1D` after it skip those steps. Id 0 keeps its embedding row; `inputDim` counts it.
   */
  maskZero?: boolean;
  /** Length of the input sequences, if fixed (Keras 2 compatibility; informational). */
  inputLength?: number | null;
}

/**
 * Maps integer ids to dense vectors: `[batch, seqLen]` ids (int32, or floats holding integers) become
 * `[batch, seqLen, outputDim]`. The embedding matrix is `[inputDim, outputDim]`.
 *
 * @example
 * ```ts
 * const emb = new nr.layers.Embedding({ inputDim: 10, outputDim: 4 });
 * emb.apply(nr.tensor2d([[1, 2, 3]], [1, 3], 'int32')).shape; // [1, 3, 4]
 * ```
 */
export class Embedding extends Layer {
  static override readonly className = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly inputLength: number | null;
  /** Whether id 0 is padding, masked for the layers after this one. */
  readonly maskZero: boolean;
  private readonly embeddingsInitializer: Initializer;
  private readonly embeddingsRegularizer: Regularizer | null;
  /** The `[inputDim, outputDim]` matrix, once built. */
  embeddings: Variable | null = null;

  constructor(args: EmbeddingArgs) {
    super(args);
    const where = `Embedding '${this.name}'`;
    for (const k of ['inputDim', 'outputDim'] as const) {
      if (!Number.isInteger(args[k]) || args[k] < 1) {
        throw new Error(`${where}: ${k} must be a positive integer, got ${args[k]}`);
      }
    }
    // (tfjs-layers saves `mask_zero: null` for false)
    const mz: unknown = args.maskZero;
    if (mz !== undefined && mz !== null && typeof mz !== 'boolean') {
      throw new Error(`${where}: maskZero must be a boolean, got ${JSON.stringify(mz)}`);
    }
    this.maskZero = args.maskZero ?? false;
    this.inputDim = args.inputDim;
    this.outputDim = args.outputDim;
    this.inputLength = args.inputLength ?? null;
    this.embeddingsInitializer = getInitializer(
      args.embeddingsInitializer ?? 'randomUniform',
      `${where} embeddings`,
    );
    this.embeddingsRegularizer = getRegularizer(args.embeddingsRegularizer, where);
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    if (inputShape.length < 1) {
      throw new Error(
        `Embedding '${this.name}': expected input of rank >= 1 [batch, ...], got ${fmtShape(inputShape)}`,
      );
    }
    const len = this.inputLength;
    if (len !== null && inputShape.length === 2 && inputShape[1] !== null && inputShape[1] !== len) {
      throw new Error(
        `Embedding '${this.name}': expected input with sequence length ${len} (inputLength), got ${fmtShape(inputShape)}`,
      );
    }
  }

  override build(_inputShape: SymbolicShape): void {
    this.embeddings = this.addWeight(
      'embeddings',
      [this.inputDim, this.outputDim],
      this.embeddingsInitializer,
      {
        regularizer: this.embeddingsRegularizer,
      },
    );
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    return [...inputShape, this.outputDim];
  }

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    return tidy('Embedding', () => {
      const ids = inputs.dtype === 'int32' ? inputs : cast(inputs, 'int32');
      this.checkIds(ids);
      return gather(this.embeddings!, ids, 0);
    });
  }

  /** With `maskZero`, the mask `ids != 0` (`bool`, the input's shape); otherwise none. */
  override computeMask(inputs: Tensor | Tensor[], _mask: Tensor | null): Tensor | null {
    if (!this.maskZero) return null;
    return notEqual(Array.isArray(inputs) ? inputs[0]! : inputs, 0);
  }

  /** Range-check the ids where the backend can read synchronously (elsewhere `fit`/`evaluate` check them on the host). */
  private checkIds(ids: Tensor): void {
    if (!ids.storage.backend.readSync || ids.size === 0) return;
    const data = ids.dataSync();
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v < 0 || v >= this.inputDim) {
        throw new Error(
          `Embedding '${this.name}': id ${v} (flat position ${i} of input ${fmtShape(ids.shape)}) is out of range [0, ${this.inputDim}) for inputDim ${this.inputDim}`,
        );
      }
    }
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      embeddingsInitializer: initializerConfig(this.embeddingsInitializer),
      embeddingsRegularizer: serializeRegularizer(this.embeddingsRegularizer),
      maskZero: this.maskZero,
      inputLength: this.inputLength,
    };
  }
}

/**
 * Create an {@link Embedding} layer.
 *
 * @example
 * ```ts
 * nr.layers.embedding({ inputDim: 5000, outputDim: 32, inputShape: [100] });
 * ```
 */
export function embedding(args: EmbeddingArgs): Embedding {
  return checkedLayer('embedding', args, () => new Embedding(args));
}
