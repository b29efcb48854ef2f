import type { Tensor } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { transpose } from '../ops/shape.js';
import { type CallOptions, fmtShape, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/**
 * Arguments of {@link permute}.
 *
 * @example
 * ```ts
 * const args: nr.layers.PermuteArgs = { dims: [2, 1] };
 * ```
 */
export interface PermuteArgs extends LayerArgs {
  /** A permutation of `1..rank-1` (1-based as in Keras: the batch axis 0 stays first). */
  dims: readonly number[];
}

/**
 * Reorders the axes of each example: output axis `i` (1-based) is input axis `dims[i - 1]`. `dims: [2, 1]`
 * swaps the two axes of `[batch, a, b]` to give `[batch, b, a]`.
 *
 * @example
 * ```ts
 * new nr.layers.Permute({ dims: [2, 1] }).apply(nr.zeros([4, 2, 3])).shape; // [4, 3, 2]
 * ```
 */
export class Permute extends Layer {
  static override readonly className = 'Permute';
  /** The permutation of the non-batch axes (1-based). */
  readonly dims: number[];

  constructor(args: PermuteArgs) {
    super(args);
    const dims = Array.isArray(args?.dims) ? [...args.dims] : [];
    const sorted = [...dims].sort((a, b) => a - b);
    if (dims.length === 0 || !sorted.every((d, i) => d === i + 1)) {
      throw new Error(
        `Permute '${this.name}': dims must be a permutation of 1..${Math.max(dims.length, 1)} (1-based, the batch axis excluded), got ${JSON.stringify(args?.dims)}`,
      );
    }
    this.dims = dims;
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    if (inputShape.length !== this.dims.length + 1) {
      throw new Error(
        `Permute '${this.name}': dims ${JSON.stringify(this.dims)} need an input of rank ${this.dims.length + 1}, got ${fmtShape(inputShape)}`,
      );
    }
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    return [inputShape[0] ?? null, ...this.dims.map((d) => inputShape[d] ?? null)];
  }

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    this.checkInputShape(inputs.shape);
    return transpose(inputs, [0, ...this.dims]);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), dims: [...this.dims] };
  }
}

/**
 * Create a {@link Permute} layer.
 *
 * @example
 * ```ts
 * nr.layers.permute({ dims: [2, 1] });
 * ```
 */
export function permute(args: PermuteArgs): Permute {
  return new Permute(args);
}
