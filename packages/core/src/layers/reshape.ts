import type { Tensor } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { reshape as reshapeOp } from '../ops/shape.js';
import { checkedLayer } from '../training/validate-layer.js';
import { type CallOptions, fmtShape, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/**
 * Arguments of {@link reshape}.
 *
 * @example
 * ```ts
 * const args: nr.layers.ReshapeArgs = { targetShape: [-1, 4] };
 * ```
 */
export interface ReshapeArgs extends LayerArgs {
  /** Shape of one output example (without the batch dimension); one entry may be -1 (inferred). */
  targetShape: readonly number[];
}

/**
 * Reshapes each example to `targetShape`; the batch dimension is kept. One entry of `targetShape` may be
 * -1, inferred from the input size.
 *
 * @example
 * ```ts
 * new nr.layers.Reshape({ targetShape: [3, -1] }).apply(nr.zeros([2, 12])); // shape [2, 3, 4]
 * ```
 */
export class Reshape extends Layer {
  static override readonly className = 'Reshape';
  /** The requested example shape (may hold one -1). */
  readonly targetShape: readonly number[];

  constructor(args: ReshapeArgs) {
    super(args);
    const t = args.targetShape;
    if (
      !Array.isArray(t) ||
      !t.every((d) => d === -1 || (Number.isInteger(d) && d > 0)) ||
      t.indexOf(-1) !== t.lastIndexOf(-1)
    ) {
      throw new Error(
        `Reshape '${this.name}': targetShape must hold positive integers and at most one -1, got ${JSON.stringify(t)}`,
      );
    }
    this.targetShape = [...t];
  }

  /** The output example shape for an input example shape (`null` where unknown); validates sizes. */
  private resolve(exampleShape: SymbolicShape, full: SymbolicShape): (number | null)[] {
    const out: (number | null)[] = [...this.targetShape];
    const unknownAt = out.indexOf(-1);
    if (!exampleShape.every((d): d is number => d !== null)) {
      if (unknownAt >= 0) out[unknownAt] = null;
      return out;
    }
    const size = exampleShape.reduce((p, d) => p * d, 1);
    const known = this.targetShape.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
    const ok = unknownAt >= 0 ? size % known === 0 : size === known;
    if (!ok) {
      throw new Error(
        `Reshape '${this.name}': cannot reshape input ${fmtShape(full)} (${size} values per example) to target shape ${fmtShape(this.targetShape)}`,
      );
    }
    if (unknownAt >= 0) out[unknownAt] = size / known;
    return out;
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    if (inputShape.length < 1) {
      throw new Error(`Reshape '${this.name}': expected input of rank >= 1, got ${fmtShape(inputShape)}`);
    }
    this.resolve(inputShape.slice(1), inputShape);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    return [inputShape[0] ?? null, ...this.resolve(inputShape.slice(1), inputShape)];
  }

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    const out = this.resolve(inputs.shape.slice(1), [null, ...inputs.shape.slice(1)]);
    return reshapeOp(inputs, [inputs.shape[0]!, ...(out as number[])]);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), targetShape: [...this.targetShape] };
  }
}

/**
 * Create a {@link Reshape} layer.
 *
 * @example
 * ```ts
 * nr.layers.reshape({ targetShape: [28, 28, 1], inputShape: [784] });
 * ```
 */
export function reshape(args: ReshapeArgs): Reshape {
  return checkedLayer('reshape', args, () => new Reshape(args));
}
