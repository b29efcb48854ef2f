import { tidy } from '../engine/api.js';
import type { Tensor } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { greater, mul, notEqual } from '../ops/binary.js';
import { max } from '../ops/reduce.js';
import { cast, expandDims } from '../ops/shape.js';
import { checkedLayer } from '../training/validate-layer.js';
import { type CallOptions, fmtShape, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/**
 * Arguments of {@link masking}.
 *
 * @example
 * ```ts
 * const args: nr.layers.MaskingArgs = { maskValue: -1 };
 * ```
 */
export interface MaskingArgs extends LayerArgs {
  /** A time step whose features all equal this value is padding (default 0). */
  maskValue?: number;
}

/**
 * Marks padding steps of a sequence `[batch, time, features]`: a step whose features all equal `maskValue`
 * is masked, so the recurrent layers and `GlobalAveragePooling1D` after it skip it (the mask travels with the
 * data through layers that pass it on: `Dense`, `Dropout`, activations, normalisation, `TimeDistributed`).
 * The output is the input with masked steps set to 0.
 *
 * @example
 * ```ts
 * const model = nr.sequential({
 *   layers: [nr.layers.masking({ maskValue: 0, inputShape: [null, 3] }), nr.layers.lstm({ units: 8 })],
 * });
 * ```
 */
export class Masking extends Layer {
  static override readonly className = 'Masking';
  /** The padding value. */
  readonly maskValue: number;
  /** Passes the mask it makes on. */
  override supportsMasking = true;

  constructor(args: MaskingArgs = {}) {
    super(args);
    const v = args.maskValue ?? 0;
    if (typeof v !== 'number' || Number.isNaN(v)) {
      throw new Error(`Masking '${this.name}': maskValue must be a number, got ${JSON.stringify(v)}`);
    }
    this.maskValue = v;
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    if (inputShape.length < 3) {
      throw new Error(
        `Masking '${this.name}': expected input of rank >= 3 [batch, time, features], got ${fmtShape(inputShape)}`,
      );
    }
  }

  /** `[batch, time]`: true where some feature differs from `maskValue`. */
  override computeMask(inputs: Tensor | Tensor[], _mask: Tensor | null): Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return tidy('Masking', () => greater(max(cast(notEqual(x, this.maskValue), 'float32'), -1), 0));
  }

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    this.checkInputShape([null, ...inputs.shape.slice(1)]);
    return tidy('Masking', () => {
      const keep = cast(this.computeMask(inputs, null), 'float32');
      return mul(inputs, expandDims(keep, -1));
    });
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), maskValue: this.maskValue };
  }
}

/**
 * Create a {@link Masking} layer.
 *
 * @example
 * ```ts
 * nr.layers.masking({ maskValue: 0, inputShape: [20, 4] });
 * ```
 */
export function masking(args: MaskingArgs = {}): Masking {
  return checkedLayer('masking', args, () => new Masking(args));
}
