import type { Tensor } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { avgPool, maxPool } from '../ops/pool.js';
import { checkedLayer } from '../training/validate-layer.js';
import { checkDataFormat, type DataFormat, paddingArg, pairArg, windowOutputLength } from './conv-utils.js';
import { type CallOptions, fmtShape, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/**
 * Arguments of {@link maxPooling2d} and {@link averagePooling2d}.
 *
 * @example
 * ```ts
 * const args: nr.layers.Pooling2DArgs = { poolSize: 2, strides: 2 };
 * ```
 */
export interface Pooling2DArgs extends LayerArgs {
  /** Window size: one number or `[height, width]` (default 2). */
  poolSize?: number | readonly [number, number];
  /** Step between windows (default: the pool size). */
  strides?: number | readonly [number, number] | null;
  /** `'valid'` (default) or `'same'`; padded positions are ignored (never the max, not averaged). */
  padding?: 'valid' | 'same';
  /** Only `'channelsLast'` is supported. */
  dataFormat?: DataFormat;
}

/**
 * Common base of the 2-D pooling layers (NHWC input, each channel pooled independently).
 *
 * @example
 * ```ts
 * const pool: nr.layers.Pooling2D = nr.layers.maxPooling2d({ poolSize: 2 });
 * ```
 */
export abstract class Pooling2D extends Layer {
  /** Window size `[height, width]`. */
  readonly poolSize: [number, number];
  /** Step between windows `[height, width]`. */
  readonly strides: [number, number];
  readonly padding: 'valid' | 'same';

  constructor(args: Pooling2DArgs = {}) {
    super(args);
    const where = `${this.className} '${this.name}'`;
    this.poolSize = pairArg(args.poolSize ?? 2, 'poolSize', where);
    this.strides = args.strides ? pairArg(args.strides, 'strides', where) : [...this.poolSize];
    this.padding = paddingArg(args.padding, where);
    checkDataFormat(args.dataFormat, where);
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    const where = `${this.className} '${this.name}'`;
    if (inputShape.length !== 4) {
      throw new Error(
        `${where}: expected input of rank 4 [batch, height, width, channels], got ${fmtShape(inputShape)}`,
      );
    }
    for (let i = 0; i < 2; i++) {
      if (
        windowOutputLength(inputShape[i + 1] ?? null, this.poolSize[i]!, this.strides[i]!, this.padding) === 0
      ) {
        throw new Error(
          `${where}: input ${fmtShape(inputShape)} is smaller than the ${this.poolSize.join('x')} pool window with 'valid' padding`,
        );
      }
    }
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    const out = (i: number): number | null =>
      windowOutputLength(inputShape[i + 1] ?? null, this.poolSize[i]!, this.strides[i]!, this.padding);
    return [inputShape[0] ?? null, out(0), out(1), inputShape[3] ?? null];
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      poolSize: [...this.poolSize],
      padding: this.padding,
      strides: [...this.strides],
      dataFormat: 'channelsLast',
    };
  }
}

/**
 * Max pooling over `poolSize` windows of NHWC images.
 *
 * @example
 * ```ts
 * new nr.layers.MaxPooling2D({ poolSize: 2 }).apply(nr.zeros([1, 4, 4, 3])).shape; // [1, 2, 2, 3]
 * ```
 */
export class MaxPooling2D extends Pooling2D {
  static override readonly className = 'MaxPooling2D';

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    return maxPool(inputs, this.poolSize, this.strides, this.padding);
  }
}

/**
 * Average pooling over `poolSize` windows of NHWC images.
 *
 * @example
 * ```ts
 * new nr.layers.AveragePooling2D({ poolSize: 2 }).apply(nr.ones([1, 4, 4, 3])); // all ones, [1, 2, 2, 3]
 * ```
 */
export class AveragePooling2D extends Pooling2D {
  static override readonly className = 'AveragePooling2D';

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    return avgPool(inputs, this.poolSize, this.strides, this.padding);
  }
}

/**
 * Create a {@link MaxPooling2D} layer.
 *
 * @example
 * ```ts
 * nr.layers.maxPooling2d({ poolSize: 2, strides: 2 });
 * ```
 */
export function maxPooling2d(args: Pooling2DArgs = {}): MaxPooling2D {
  return checkedLayer('maxPooling2d', args, () => new MaxPooling2D(args));
}

/**
 * Create an {@link AveragePooling2D} layer.
 *
 * @example
 * ```ts
 * nr.layers.averagePooling2d({ poolSize: [2, 2] });
 * ```
 */
export function averagePooling2d(args: Pooling2DArgs = {}): AveragePooling2D {
  return checkedLayer('averagePooling2d', args, () => new AveragePooling2D(args));
}
