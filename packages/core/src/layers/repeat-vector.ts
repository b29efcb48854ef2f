import { tidy } from '../engine/api.js';
import type { Tensor } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { tile } from '../ops/movement.js';
import { expandDims } from '../ops/shape.js';
import { type CallOptions, fmtShape, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/**
 * Arguments of {@link repeatVector}.
 *
 * @example
 * ```ts
 * const args: nr.layers.RepeatVectorArgs = { n: 3 };
 * ```
 */
export interface RepeatVectorArgs extends LayerArgs {
  /** How many times the vector is repeated. */
  n: number;
}

/**
 * Repeats each input vector `n` times: `[batch, features]` to `[batch, n, features]` (the bridge from an
 * encoder's summary vector to a decoder's sequence).
 *
 * @example
 * ```ts
 * new nr.layers.RepeatVector({ n: 3 }).apply(nr.ones([2, 4])).shape; // [2, 3, 4]
 * ```
 */
export class RepeatVector extends Layer {
  static override readonly className = 'RepeatVector';
  /** Number of repetitions. */
  readonly n: number;

  constructor(args: RepeatVectorArgs) {
    super(args);
    if (!Number.isInteger(args?.n) || args.n < 1) {
      throw new Error(
        `RepeatVector '${this.name}': n must be a positive integer, got ${JSON.stringify(args?.n)}`,
      );
    }
    this.n = args.n;
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    if (inputShape.length !== 2) {
      throw new Error(
        `RepeatVector '${this.name}': expected input of rank 2 [batch, features], got ${fmtShape(inputShape)}`,
      );
    }
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    return [inputShape[0] ?? null, this.n, inputShape[1] ?? null];
  }

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    this.checkInputShape(inputs.shape);
    return tidy('RepeatVector', () => tile(expandDims(inputs, 1), [1, this.n, 1]));
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), n: this.n };
  }
}

/**
 * Create a {@link RepeatVector} layer.
 *
 * @example
 * ```ts
 * nr.layers.repeatVector({ n: 5 });
 * ```
 */
export function repeatVector(args: RepeatVectorArgs): RepeatVector {
  return new RepeatVector(args);
}
