import type { Tensor } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { pad, slice } from '../ops/movement.js';
import { checkDataFormat, type DataFormat } from './conv-utils.js';
import { type CallOptions, fmtShape, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/**
 * Amounts for the two spatial axes of an image: one number for all four sides, `[h, w]` for symmetric
 * amounts per axis, or `[[top, bottom], [left, right]]`.
 *
 * @example
 * ```ts
 * const p: nr.layers.SpatialAmounts = [[1, 0], [2, 2]];
 * ```
 */
export type SpatialAmounts =
  | number
  | readonly [number, number]
  | readonly [readonly [number, number], readonly [number, number]];

/** Normalised spatial amounts `[[top, bottom], [left, right]]`. */
type Sides = [[number, number], [number, number]];

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Parse {@link SpatialAmounts} (throws naming the layer, the argument and the value). */
function sidesArg(v: SpatialAmounts | undefined, fallback: number, what: string, where: string): Sides {
  const x = v ?? fallback;
  if (isCount(x)) {
    return [
      [x, x],
      [x, x],
    ];
  }
  if (Array.isArray(x) && x.length === 2) {
    const [a, b] = x as unknown[];
    if (isCount(a) && isCount(b)) {
      return [
        [a, a],
        [b, b],
      ];
    }
    const pair = (p: unknown): p is [number, number] =>
      Array.isArray(p) && p.length === 2 && isCount(p[0]) && isCount(p[1]);
    if (pair(a) && pair(b)) return [[...a], [...b]];
  }
  throw new Error(
    `${where}: ${what} must be an integer >= 0, a pair [height, width] or [[top, bottom], [left, right]], got ${JSON.stringify(v)}`,
  );
}

/** Rank-4 check shared by the layers of this file. */
function checkImage(inputShape: SymbolicShape, where: string): void {
  if (inputShape.length !== 4) {
    throw new Error(
      `${where}: expected input of rank 4 [batch, height, width, channels], got ${fmtShape(inputShape)}`,
    );
  }
}

/**
 * Arguments of {@link zeroPadding2d}.
 *
 * @example
 * ```ts
 * const args: nr.layers.ZeroPadding2DArgs = { padding: [[0, 1], [0, 1]] };
 * ```
 */
export interface ZeroPadding2DArgs extends LayerArgs {
  /** Rows and columns of zeros added around each image (default 1 on every side). */
  padding?: SpatialAmounts;
  /** Only `'channelsLast'` is supported. */
  dataFormat?: DataFormat;
}

/**
 * Adds rows and columns of zeros around NHWC images (MobileNetV2 pads `[[0, 1], [0, 1]]` before its strided
 * convolutions).
 *
 * @example
 * ```ts
 * new nr.layers.ZeroPadding2D({ padding: 1 }).apply(nr.ones([1, 2, 2, 3])).shape; // [1, 4, 4, 3]
 * ```
 */
export class ZeroPadding2D extends Layer {
  static override readonly className = 'ZeroPadding2D';
  /** `[[top, bottom], [left, right]]`. */
  readonly padding: Sides;

  constructor(args: ZeroPadding2DArgs = {}) {
    super(args);
    const where = `ZeroPadding2D '${this.name}'`;
    this.padding = sidesArg(args.padding, 1, 'padding', where);
    checkDataFormat(args.dataFormat, where);
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    checkImage(inputShape, `ZeroPadding2D '${this.name}'`);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    const [[t, b], [l, r]] = this.padding;
    const grow = (d: number | null | undefined, n: number): number | null => (d == null ? null : d + n);
    return [
      inputShape[0] ?? null,
      grow(inputShape[1], t + b),
      grow(inputShape[2], l + r),
      inputShape[3] ?? null,
    ];
  }

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    this.checkInputShape(inputs.shape);
    return pad(inputs, [[0, 0], this.padding[0], this.padding[1], [0, 0]]);
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      padding: this.padding.map((p) => [...p]),
      dataFormat: 'channelsLast',
    };
  }
}

/**
 * Arguments of {@link cropping2d}.
 *
 * @example
 * ```ts
 * const args: nr.layers.Cropping2DArgs = { cropping: [[1, 1], [2, 0]] };
 * ```
 */
export interface Cropping2DArgs extends LayerArgs {
  /** Rows and columns removed from each side of the images (default 0). */
  cropping?: SpatialAmounts;
  /** Only `'channelsLast'` is supported. */
  dataFormat?: DataFormat;
}

/**
 * Removes rows and columns from the borders of NHWC images.
 *
 * @example
 * ```ts
 * new nr.layers.Cropping2D({ cropping: [[1, 0], [0, 2]] }).apply(nr.ones([1, 4, 4, 3])).shape; // [1, 3, 2, 3]
 * ```
 */
export class Cropping2D extends Layer {
  static override readonly className = 'Cropping2D';
  /** `[[top, bottom], [left, right]]`. */
  readonly cropping: Sides;

  constructor(args: Cropping2DArgs = {}) {
    super(args);
    const where = `Cropping2D '${this.name}'`;
    this.cropping = sidesArg(args.cropping, 0, 'cropping', where);
    checkDataFormat(args.dataFormat, where);
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    const where = `Cropping2D '${this.name}'`;
    checkImage(inputShape, where);
    for (let i = 0; i < 2; i++) {
      const d = inputShape[i + 1];
      const [a, b] = this.cropping[i]!;
      if (d != null && d - a - b <= 0) {
        throw new Error(
          `${where}: cropping ${JSON.stringify(this.cropping)} leaves nothing of input ${fmtShape(inputShape)}`,
        );
      }
    }
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    const [[t, b], [l, r]] = this.cropping;
    const shrink = (d: number | null | undefined, n: number): number | null => (d == null ? null : d - n);
    return [
      inputShape[0] ?? null,
      shrink(inputShape[1], t + b),
      shrink(inputShape[2], l + r),
      inputShape[3] ?? null,
    ];
  }

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    this.checkInputShape(inputs.shape);
    const [n, h, w, c] = inputs.shape as [number, number, number, number];
    const [[t, b], [l, r]] = this.cropping;
    return slice(inputs, [0, t, l, 0], [n, h - t - b, w - l - r, c]);
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      cropping: this.cropping.map((p) => [...p]),
      dataFormat: 'channelsLast',
    };
  }
}

/**
 * Create a {@link ZeroPadding2D} layer.
 *
 * @example
 * ```ts
 * nr.layers.zeroPadding2d({ padding: [[0, 1], [0, 1]] });
 * ```
 */
export function zeroPadding2d(args: ZeroPadding2DArgs = {}): ZeroPadding2D {
  return new ZeroPadding2D(args);
}

/**
 * Create a {@link Cropping2D} layer.
 *
 * @example
 * ```ts
 * nr.layers.cropping2d({ cropping: 1 });
 * ```
 */
export function cropping2d(args: Cropping2DArgs = {}): Cropping2D {
  return new Cropping2D(args);
}
