import type { Tensor } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { reshape } from '../ops/shape.js';
import { checkedLayer } from '../training/validate-layer.js';
import { type CallOptions, fmtShape, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/**
 * Arguments of {@link flatten}.
 *
 * @example
 * ```ts
 * const args: nr.layers.FlattenArgs = { name: 'flat' };
 * ```
 */
export interface FlattenArgs extends LayerArgs {
  /** Only `'channelsLast'` (the default) is supported. */
  dataFormat?: 'channelsLast' | 'channels_last';
}

/**
 * Flattens each example to one dimension: `[batch, d1, d2, ...]` becomes `[batch, d1 * d2 * ...]`
 * (a rank-1 input becomes `[batch, 1]`). The batch dimension is kept.
 *
 * @example
 * ```ts
 * new nr.layers.Flatten().apply(nr.zeros([2, 3, 4])); // shape [2, 12]
 * ```
 */
export class Flatten extends Layer {
  static override readonly className = 'Flatten';

  constructor(args: FlattenArgs = {}) {
    super(args);
    const fmt = args.dataFormat ?? 'channelsLast';
    if (fmt !== 'channelsLast' && fmt !== 'channels_last') {
      throw new Error(`Flatten '${this.name}': dataFormat '${fmt}' is not supported (only 'channelsLast')`);
    }
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    if (inputShape.length < 1) {
      throw new Error(`Flatten '${this.name}': expected input of rank >= 1, got ${fmtShape(inputShape)}`);
    }
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    const rest = inputShape.slice(1);
    const known = rest.every((d): d is number => d !== null);
    return [inputShape[0] ?? null, known ? rest.reduce<number>((p, d) => p * d, 1) : null];
  }

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    const rest = inputs.shape.slice(1).reduce((p, d) => p * d, 1);
    return reshape(inputs, [inputs.shape[0] ?? 1, rest]);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), dataFormat: 'channelsLast' };
  }
}

/**
 * Create a {@link Flatten} layer.
 *
 * @example
 * ```ts
 * nr.layers.flatten({ inputShape: [28, 28, 1] });
 * ```
 */
export function flatten(args: FlattenArgs = {}): Flatten {
  return checkedLayer('flatten', args, () => new Flatten(args));
}
