import type { Shape } from '../backend/types.js';
import { tidy } from '../engine/api.js';
import { engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { sizeOf } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { mul } from '../ops/binary.js';
import { clone } from '../ops/shape.js';
import { checkedLayer } from '../training/validate-layer.js';
import { type CallOptions, fmtShape, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/**
 * The keep-mask of `shape`: `1 / (1 - rate)` where a uniform draw `u` (float32) has `u >= rate`, else 0. It
 * draws from the global generator exactly what `nr.randomUniform(shape)` would, in one pass on the host
 * (instead of a comparison, a cast and a scaling as three more ops).
 */
function dropoutMask(shape: Shape, rate: number): Tensor {
  const data = new Float32Array(sizeOf(shape));
  engine().rng.fillUniform(data);
  const threshold = Math.fround(rate);
  const scale = Math.fround(1 / (1 - rate));
  // Number(bool) * scale compiles without a branch (a random 0/1 pattern mispredicts every other element).
  for (let i = 0; i < data.length; i++) data[i] = Number(data[i]! >= threshold) * scale;
  return engine().upload(data, { shape: [...shape], dtype: 'float32' });
}

/**
 * Arguments of {@link dropout}.
 *
 * @example
 * ```ts
 * const args: nr.layers.DropoutArgs = { rate: 0.5 };
 * ```
 */
export interface DropoutArgs extends LayerArgs {
  /** Fraction of inputs to drop while training, in `[0, 1)`. */
  rate: number;
  /**
   * Shape of the random keep-mask, broadcast over the input (same rank; `null` entries take the input's
   * size). For example `[null, 1, 1, null]` drops whole feature maps.
   */
  noiseShape?: SymbolicShape | null;
  /** Accepted for Keras compatibility and ignored: masks come from the global generator (`nr.seed`). */
  seed?: number | null;
}

/**
 * Inverted dropout: while training, each element is zeroed with probability `rate` and the survivors are
 * scaled by `1 / (1 - rate)`, so the expected value is unchanged; at inference it is the identity. Masks come
 * from the engine's seeded generator, so `nr.seed(n)` makes them reproducible.
 *
 * @example
 * ```ts
 * const drop = new nr.layers.Dropout({ rate: 0.5 });
 * drop.apply(nr.ones([2, 4]), { training: true }); // entries are 0 or 2
 * ```
 */
export class Dropout extends Layer {
  static override readonly className: string = 'Dropout';
  /** Passes the input's mask on. */
  override supportsMasking = true;
  /** Fraction of inputs dropped while training. */
  readonly rate: number;
  /** Shape of the keep-mask (`null`: the input's shape). */
  readonly noiseShape: SymbolicShape | null;
  private readonly seed: number | null;

  constructor(args: DropoutArgs) {
    super(args);
    if (typeof args.rate !== 'number' || !(args.rate >= 0 && args.rate < 1)) {
      throw new Error(`${this.className} '${this.name}': rate must be a number in [0, 1), got ${args.rate}`);
    }
    this.rate = args.rate;
    const ns = args.noiseShape ?? null;
    if (ns && !ns.every((d) => d === null || (Number.isInteger(d) && d > 0))) {
      throw new Error(
        `Dropout '${this.name}': noiseShape entries must be positive integers or null, got ${JSON.stringify(ns)}`,
      );
    }
    this.noiseShape = ns ? [...ns] : null;
    this.seed = args.seed ?? null;
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    const ns = this.noiseShape;
    if (!ns) return;
    const ok =
      ns.length === inputShape.length &&
      ns.every((d, i) => d === null || d === 1 || inputShape[i] === null || d === inputShape[i]);
    if (!ok) {
      throw new Error(
        `Dropout '${this.name}': noiseShape ${fmtShape(ns)} must have the input's rank with entries null, 1 or equal to the input's, got input ${fmtShape(inputShape)}`,
      );
    }
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    return inputShape;
  }

  override call(inputs: Tensor, options: CallOptions = {}): Tensor {
    if (!options.training || this.rate === 0) return clone(inputs);
    this.checkInputShape(inputs.shape);
    return tidy('Dropout', () => {
      const shape = this.noiseShape ? this.noiseShape.map((d, i) => d ?? inputs.shape[i]!) : inputs.shape;
      // keep where u >= rate (probability 1 - rate), scaled so the expectation is unchanged
      return mul(inputs, dropoutMask(shape, this.rate));
    });
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      rate: this.rate,
      noiseShape: this.noiseShape ? [...this.noiseShape] : null,
      seed: this.seed,
    };
  }
}

/**
 * Create a {@link Dropout} layer.
 *
 * @example
 * ```ts
 * nr.layers.dropout({ rate: 0.2 });
 * ```
 */
export function dropout(args: DropoutArgs): Dropout {
  return checkedLayer('dropout', args, () => new Dropout(args));
}
