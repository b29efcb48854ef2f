import type { Tensor } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { checkDataFormat, type DataFormat } from './conv-utils.js';
import { Dropout } from './dropout.js';
import { type CallOptions, fmtShape, type LayerArgs, type SymbolicShape } from './layer.js';

/**
 * Arguments of {@link spatialDropout1d} and {@link spatialDropout2d}.
 *
 * @example
 * ```ts
 * const args: nr.layers.SpatialDropoutArgs = { rate: 0.2 };
 * ```
 */
export interface SpatialDropoutArgs extends LayerArgs {
  /** Fraction of channels to drop while training, in `[0, 1)`. */
  rate: number;
  /** Accepted for Keras compatibility and ignored: masks come from the global generator (`nr.seed`). */
  seed?: number | null;
  /** Only `'channelsLast'` is supported (SpatialDropout2D). */
  dataFormat?: DataFormat;
}

/**
 * Dropout of whole channels: while training, each channel of each example is zeroed with probability
 * `rate` across all its positions (steps or pixels), and the kept ones are scaled by `1 / (1 - rate)`. Where
 * neighbouring positions are strongly correlated, this regularises where element dropout would not.
 *
 * @example
 * ```ts
 * const drop: nr.layers.SpatialDropout = nr.layers.spatialDropout1d({ rate: 0.3 });
 * ```
 */
export abstract class SpatialDropout extends Dropout {
  /** @param rank - rank of the inputs (3 for 1-D, 4 for 2-D). */
  constructor(args: SpatialDropoutArgs, rank: number) {
    super({ ...args, noiseShape: [null, ...Array<number>(rank - 2).fill(1), null] });
    checkDataFormat(args.dataFormat, `${this.className} '${this.name}'`);
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    const want = this.noiseShape!.length;
    if (inputShape.length !== want) {
      const axes = want === 3 ? '[batch, steps, channels]' : '[batch, height, width, channels]';
      throw new Error(
        `${this.className} '${this.name}': expected input of rank ${want} ${axes}, got ${fmtShape(inputShape)}`,
      );
    }
  }

  override call(inputs: Tensor, options: CallOptions = {}): Tensor {
    this.checkInputShape(inputs.shape);
    return super.call(inputs, options);
  }

  override getConfig(): ConfigDict {
    const { noiseShape: _derived, ...config } = super.getConfig();
    return config;
  }
}

/**
 * Drops whole channels of `[batch, steps, channels]` sequences while training.
 *
 * @example
 * ```ts
 * new nr.layers.SpatialDropout1D({ rate: 0.5 }).apply(nr.ones([1, 4, 2]), { training: true });
 * ```
 */
export class SpatialDropout1D extends SpatialDropout {
  static override readonly className = 'SpatialDropout1D';
  /** Passes the input's mask on. */
  override supportsMasking = true;
  constructor(args: SpatialDropoutArgs) {
    super(args, 3);
  }
}

/**
 * Drops whole feature maps of `[batch, height, width, channels]` images while training.
 *
 * @example
 * ```ts
 * new nr.layers.SpatialDropout2D({ rate: 0.5 }).apply(nr.ones([1, 4, 4, 2]), { training: true });
 * ```
 */
export class SpatialDropout2D extends SpatialDropout {
  static override readonly className = 'SpatialDropout2D';
  constructor(args: SpatialDropoutArgs) {
    super(args, 4);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), dataFormat: 'channelsLast' };
  }
}

/**
 * Create a {@link SpatialDropout1D} layer.
 *
 * @example
 * ```ts
 * nr.layers.spatialDropout1d({ rate: 0.2 });
 * ```
 */
export function spatialDropout1d(args: SpatialDropoutArgs): SpatialDropout1D {
  return new SpatialDropout1D(args);
}

/**
 * Create a {@link SpatialDropout2D} layer.
 *
 * @example
 * ```ts
 * nr.layers.spatialDropout2d({ rate: 0.2 });
 * ```
 */
export function spatialDropout2d(args: SpatialDropoutArgs): SpatialDropout2D {
  return new SpatialDropout2D(args);
}
