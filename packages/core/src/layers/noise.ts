import { tidy } from '../engine/api.js';
import type { Tensor } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { add } from '../ops/binary.js';
import { randomNormal } from '../ops/creation.js';
import { cast, clone } from '../ops/shape.js';
import { type CallOptions, Layer, type LayerArgs } from './layer.js';

/**
 * Arguments of {@link gaussianNoise}.
 *
 * @example
 * ```ts
 * const args: nr.layers.GaussianNoiseArgs = { stddev: 0.1 };
 * ```
 */
export interface GaussianNoiseArgs extends LayerArgs {
  /** Standard deviation of the added noise (>= 0). */
  stddev: number;
  /** Accepted for Keras compatibility and ignored: noise comes from the global generator (`nr.seed`). */
  seed?: number | null;
}

/**
 * Adds zero-mean Gaussian noise of standard deviation `stddev` while training (a regulariser); at inference
 * it is the identity. The noise comes from the engine's seeded generator, so `nr.seed(n)` repeats it.
 *
 * @example
 * ```ts
 * const noisy = new nr.layers.GaussianNoise({ stddev: 0.1 });
 * noisy.apply(nr.zeros([2, 3]), { training: true }); // small random values
 * ```
 */
export class GaussianNoise extends Layer {
  static override readonly className = 'GaussianNoise';
  /** Passes the input's mask on. */
  override supportsMasking = true;
  /** Standard deviation of the noise. */
  readonly stddev: number;
  private readonly seed: number | null;

  constructor(args: GaussianNoiseArgs) {
    super(args);
    const s = args?.stddev;
    if (typeof s !== 'number' || !Number.isFinite(s) || s < 0) {
      throw new Error(
        `GaussianNoise '${this.name}': stddev must be a finite number >= 0, got ${JSON.stringify(s)}`,
      );
    }
    this.stddev = s;
    this.seed = args.seed ?? null;
  }

  override call(inputs: Tensor, options: CallOptions = {}): Tensor {
    if (!options.training || this.stddev === 0) return clone(inputs);
    return tidy('GaussianNoise', () => {
      const x = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
      return add(x, randomNormal(x.shape, 0, this.stddev));
    });
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), stddev: this.stddev, seed: this.seed };
  }
}

/**
 * Create a {@link GaussianNoise} layer.
 *
 * @example
 * ```ts
 * nr.layers.gaussianNoise({ stddev: 0.05 });
 * ```
 */
export function gaussianNoise(args: GaussianNoiseArgs): GaussianNoise {
  return new GaussianNoise(args);
}
