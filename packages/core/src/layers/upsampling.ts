import { tidy } from '../engine/api.js';
import type { Tensor } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { add, mul, sub } from '../ops/binary.js';
import { tensor } from '../ops/creation.js';
import { gather } from '../ops/movement.js';
import { cast, clone } from '../ops/shape.js';
import { checkDataFormat, type DataFormat, pairArg } from './conv-utils.js';
import { type CallOptions, fmtShape, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/**
 * How {@link UpSampling2D} fills the new pixels.
 *
 * @example
 * ```ts
 * const i: nr.layers.Interpolation = 'bilinear';
 * ```
 */
export type Interpolation = 'nearest' | 'bilinear';

/**
 * Arguments of {@link upSampling2d}.
 *
 * @example
 * ```ts
 * const args: nr.layers.UpSampling2DArgs = { size: [2, 2], interpolation: 'nearest' };
 * ```
 */
export interface UpSampling2DArgs extends LayerArgs {
  /** Factor for rows and columns: one integer or `[rows, columns]` (default 2). */
  size?: number | readonly [number, number];
  /** `'nearest'` (default: each pixel repeated) or `'bilinear'`. */
  interpolation?: Interpolation;
  /** Only `'channelsLast'` is supported. */
  dataFormat?: DataFormat;
}

/**
 * Source positions of a resize along one axis as tfjs-core computes them (corners not aligned, no
 * half-pixel centres): output `i` reads input `i / factor`, so `lo = floor(i / factor)`, `hi = lo + 1`
 * (clamped to the last row) and the weight of `hi` is the fractional part.
 */
function bilinearTaps(
  length: number,
  factor: number,
): { lo: Int32Array; hi: Int32Array; frac: Float32Array } {
  const n = length * factor;
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  const frac = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const src = i / factor;
    const l = Math.floor(src);
    lo[i] = l;
    hi[i] = Math.min(l + 1, length - 1);
    frac[i] = src - l;
  }
  return { lo, hi, frac };
}

/**
 * Enlarges NHWC images by integer factors. `'nearest'` repeats each pixel `size` times along each axis;
 * `'bilinear'` interpolates between neighbours exactly as TensorFlow.js's `UpSampling2D` does
 * (`resizeBilinear` without aligned corners or half-pixel centres; Keras places samples at pixel centres,
 * so its bilinear output differs slightly). Built from `gather` and arithmetic, so gradients come free.
 *
 * @example
 * ```ts
 * new nr.layers.UpSampling2D({ size: 2 }).apply(nr.ones([1, 3, 3, 8])).shape; // [1, 6, 6, 8]
 * ```
 */
export class UpSampling2D extends Layer {
  static override readonly className = 'UpSampling2D';
  /** Factors `[rows, columns]`. */
  readonly size: [number, number];
  /** How new pixels are filled. */
  readonly interpolation: Interpolation;

  constructor(args: UpSampling2DArgs = {}) {
    super(args);
    const where = `UpSampling2D '${this.name}'`;
    this.size = pairArg(args.size ?? 2, 'size', where);
    const interp = args.interpolation ?? 'nearest';
    if (interp !== 'nearest' && interp !== 'bilinear') {
      throw new Error(
        `${where}: interpolation must be 'nearest' or 'bilinear', got ${JSON.stringify(interp)}`,
      );
    }
    this.interpolation = interp;
    checkDataFormat(args.dataFormat, where);
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    if (inputShape.length !== 4) {
      throw new Error(
        `UpSampling2D '${this.name}': expected input of rank 4 [batch, height, width, channels], got ${fmtShape(inputShape)}`,
      );
    }
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    const grow = (d: number | null | undefined, f: number): number | null => (d == null ? null : d * f);
    return [
      inputShape[0] ?? null,
      grow(inputShape[1], this.size[0]),
      grow(inputShape[2], this.size[1]),
      inputShape[3] ?? null,
    ];
  }

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    this.checkInputShape(inputs.shape);
    return tidy('UpSampling2D', () => {
      let y = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
      for (const axis of [1, 2]) {
        const length = y.shape[axis]!;
        const factor = this.size[axis - 1]!;
        if (factor === 1) continue;
        if (this.interpolation === 'nearest') {
          const idx = Int32Array.from({ length: length * factor }, (_, i) => Math.floor(i / factor));
          y = gather(y, tensor(idx, [idx.length], 'int32'), axis);
          continue;
        }
        const { lo, hi, frac } = bilinearTaps(length, factor);
        const shape = [1, 1, 1, 1];
        shape[axis] = frac.length;
        const a = gather(y, tensor(lo, [lo.length], 'int32'), axis);
        const b = gather(y, tensor(hi, [hi.length], 'int32'), axis);
        y = add(a, mul(sub(b, a), tensor(frac, shape)));
      }
      return y === inputs ? clone(inputs) : y;
    });
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      size: [...this.size],
      dataFormat: 'channelsLast',
      interpolation: this.interpolation,
    };
  }
}

/**
 * Create an {@link UpSampling2D} layer.
 *
 * @example
 * ```ts
 * nr.layers.upSampling2d({ size: [2, 2] });
 * ```
 */
export function upSampling2d(args: UpSampling2DArgs = {}): UpSampling2D {
  return new UpSampling2D(args);
}
