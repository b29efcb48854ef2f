import type { Tensor } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { max, mean } from '../ops/reduce.js';
import { checkedLayer } from '../training/validate-layer.js';
import { checkDataFormat, type DataFormat } from './conv-utils.js';
import { type CallOptions, fmtShape, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/**
 * Arguments of {@link globalAveragePooling2d} and {@link globalMaxPooling2d}.
 *
 * @example
 * ```ts
 * const args: nr.layers.GlobalPooling2DArgs = { keepDims: true };
 * ```
 */
export interface GlobalPooling2DArgs extends LayerArgs {
  /** Only `'channelsLast'` is supported. */
  dataFormat?: DataFormat;
  /** Keep the spatial dimensions as size 1 (`[batch, 1, 1, channels]`); default false (`[batch, channels]`). */
  keepDims?: boolean;
  /** Keras's spelling of `keepDims`, the key saved configs use. */
  keepdims?: boolean;
}

/**
 * Common base of the global 2-D pooling layers: reduce the height and width of NHWC images.
 *
 * @example
 * ```ts
 * const pool: nr.layers.GlobalPooling2D = nr.layers.globalAveragePooling2d();
 * ```
 */
export abstract class GlobalPooling2D extends Layer {
  /** Whether the reduced spatial dimensions are kept with size 1. */
  readonly keepDims: boolean;

  constructor(args: GlobalPooling2DArgs = {}) {
    super(args);
    checkDataFormat(args.dataFormat, `${this.className} '${this.name}'`);
    this.keepDims = args.keepDims ?? args.keepdims ?? false;
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    if (inputShape.length !== 4) {
      throw new Error(
        `${this.className} '${this.name}': expected input of rank 4 [batch, height, width, channels], got ${fmtShape(inputShape)}`,
      );
    }
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    const b = inputShape[0] ?? null;
    const c = inputShape[3] ?? null;
    return this.keepDims ? [b, 1, 1, c] : [b, c];
  }

  override getConfig(): ConfigDict {
    // `keepdims` is one word in Keras, so the saved key stays `keepdims`
    return { ...super.getConfig(), dataFormat: 'channelsLast', keepdims: this.keepDims };
  }
}

/**
 * Average over all spatial positions of each channel: `[batch, h, w, c]` to `[batch, c]`.
 *
 * @example
 * ```ts
 * new nr.layers.GlobalAveragePooling2D().apply(nr.ones([2, 4, 4, 3])).shape; // [2, 3]
 * ```
 */
export class GlobalAveragePooling2D extends GlobalPooling2D {
  static override readonly className = 'GlobalAveragePooling2D';

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    return mean(inputs, [1, 2], this.keepDims);
  }
}

/**
 * Maximum over all spatial positions of each channel: `[batch, h, w, c]` to `[batch, c]`.
 *
 * @example
 * ```ts
 * new nr.layers.GlobalMaxPooling2D().apply(nr.ones([2, 4, 4, 3])).shape; // [2, 3]
 * ```
 */
export class GlobalMaxPooling2D extends GlobalPooling2D {
  static override readonly className = 'GlobalMaxPooling2D';

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    return max(inputs, [1, 2], this.keepDims);
  }
}

/**
 * Create a {@link GlobalAveragePooling2D} layer.
 *
 * @example
 * ```ts
 * nr.layers.globalAveragePooling2d();
 * ```
 */
export function globalAveragePooling2d(args: GlobalPooling2DArgs = {}): GlobalAveragePooling2D {
  return checkedLayer('globalAveragePooling2d', args, () => new GlobalAveragePooling2D(args), ['keepDims']);
}

/**
 * Create a {@link GlobalMaxPooling2D} layer.
 *
 * @example
 * ```ts
 * nr.layers.globalMaxPooling2d({ keepDims: true });
 * ```
 */
export function globalMaxPooling2d(args: GlobalPooling2DArgs = {}): GlobalMaxPooling2D {
  return checkedLayer('globalMaxPooling2d', args, () => new GlobalMaxPooling2D(args), ['keepDims']);
}
