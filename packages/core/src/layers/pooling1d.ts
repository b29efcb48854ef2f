import { tidy } from '../engine/api.js';
import type { Tensor } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { div, maximum, mul } from '../ops/binary.js';
import { avgPool, maxPool } from '../ops/pool.js';
import { max, mean, sum } from '../ops/reduce.js';
import { cast, reshape } from '../ops/shape.js';
import { paddingArg, windowOutputLength } from './conv-utils.js';
import { type CallOptions, fmtShape, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/** Rank-3 `[batch, steps, channels]` check shared by the layers of this file. */
function checkSequence(inputShape: SymbolicShape, where: string): void {
  if (inputShape.length !== 3) {
    throw new Error(
      `${where}: expected input of rank 3 [batch, steps, channels], got ${fmtShape(inputShape)}`,
    );
  }
}

/** A positive integer, or a one-element list of one (Keras 2 and tfjs save `[n]`). */
function lengthArg(
  v: number | readonly [number] | null | undefined,
  fallback: number,
  what: string,
  where: string,
): number {
  const x = Array.isArray(v) && v.length === 1 ? v[0] : (v ?? fallback);
  if (typeof x !== 'number' || !Number.isInteger(x) || x < 1) {
    throw new Error(`${where}: ${what} must be a positive integer (or [n]), got ${JSON.stringify(v)}`);
  }
  return x;
}

/**
 * Arguments of {@link maxPooling1d} and {@link averagePooling1d}.
 *
 * @example
 * ```ts
 * const args: nr.layers.Pooling1DArgs = { poolSize: 2, strides: 1, padding: 'same' };
 * ```
 */
export interface Pooling1DArgs extends LayerArgs {
  /** Window length (default 2). */
  poolSize?: number | readonly [number];
  /** Step between windows (default: the pool size). */
  strides?: number | readonly [number] | null;
  /** `'valid'` (default) or `'same'`; padded positions are ignored. */
  padding?: 'valid' | 'same';
  /** Only `'channelsLast'` is supported. */
  dataFormat?: 'channelsLast' | 'channels_last';
}

/**
 * Common base of the 1-D pooling layers: windows slide over the steps of `[batch, steps, channels]`, each
 * channel pooled on its own. They run the 2-D pooling ops on `[batch, steps, 1, channels]`.
 *
 * @example
 * ```ts
 * const pool: nr.layers.Pooling1D = nr.layers.maxPooling1d({ poolSize: 3 });
 * ```
 */
export abstract class Pooling1D extends Layer {
  /** Window length. */
  readonly poolSize: number;
  /** Step between windows. */
  readonly strides: number;
  readonly padding: 'valid' | 'same';

  constructor(args: Pooling1DArgs = {}) {
    super(args);
    const where = `${this.className} '${this.name}'`;
    this.poolSize = lengthArg(args.poolSize, 2, 'poolSize', where);
    this.strides = lengthArg(args.strides, this.poolSize, 'strides', where);
    this.padding = paddingArg(args.padding, where);
    const f = args.dataFormat ?? 'channelsLast';
    if (f !== 'channelsLast' && f !== 'channels_last') {
      throw new Error(`${where}: dataFormat '${f}' is not supported (only 'channelsLast')`);
    }
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    const where = `${this.className} '${this.name}'`;
    checkSequence(inputShape, where);
    if (windowOutputLength(inputShape[1] ?? null, this.poolSize, this.strides, this.padding) === 0) {
      throw new Error(
        `${where}: input ${fmtShape(inputShape)} is shorter than the pool window ${this.poolSize} with 'valid' padding`,
      );
    }
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    const steps = windowOutputLength(inputShape[1] ?? null, this.poolSize, this.strides, this.padding);
    return [inputShape[0] ?? null, steps, inputShape[2] ?? null];
  }

  /** The 2-D pooling op this layer runs. */
  protected abstract readonly pool2d: typeof maxPool;

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    this.checkInputShape(inputs.shape);
    const [n, steps, c] = inputs.shape as [number, number, number];
    return tidy(this.className, () => {
      const y = this.pool2d(
        reshape(inputs, [n, steps, 1, c]),
        [this.poolSize, 1],
        [this.strides, 1],
        this.padding,
      );
      return reshape(y, [n, y.shape[1]!, c]);
    });
  }

  override getConfig(): ConfigDict {
    // tfjs-layers and Keras 2 save the lengths as one-element lists
    return {
      ...super.getConfig(),
      poolSize: [this.poolSize],
      padding: this.padding,
      strides: [this.strides],
      dataFormat: 'channelsLast',
    };
  }
}

/**
 * Max pooling over windows of the steps of `[batch, steps, channels]`.
 *
 * @example
 * ```ts
 * new nr.layers.MaxPooling1D({ poolSize: 2 }).apply(nr.zeros([1, 6, 3])).shape; // [1, 3, 3]
 * ```
 */
export class MaxPooling1D extends Pooling1D {
  static override readonly className = 'MaxPooling1D';
  protected override readonly pool2d = maxPool;
}

/**
 * Average pooling over windows of the steps of `[batch, steps, channels]`.
 *
 * @example
 * ```ts
 * new nr.layers.AveragePooling1D({ poolSize: 3 }).apply(nr.ones([1, 6, 2])).shape; // [1, 2, 2]
 * ```
 */
export class AveragePooling1D extends Pooling1D {
  static override readonly className = 'AveragePooling1D';
  protected override readonly pool2d = avgPool;
}

/**
 * Arguments of {@link globalAveragePooling1d} and {@link globalMaxPooling1d}.
 *
 * @example
 * ```ts
 * const args: nr.layers.GlobalPooling1DArgs = { keepDims: true };
 * ```
 */
export interface GlobalPooling1DArgs extends LayerArgs {
  /** Only `'channelsLast'` is supported. */
  dataFormat?: 'channelsLast' | 'channels_last';
  /** Keep the steps axis with size 1 (`[batch, 1, channels]`); default false (`[batch, channels]`). */
  keepDims?: boolean;
  /** Keras's spelling of `keepDims`, the key saved configs use. */
  keepdims?: boolean;
}

/**
 * Common base of the global 1-D pooling layers: reduce the steps of `[batch, steps, channels]`.
 *
 * @example
 * ```ts
 * const pool: nr.layers.GlobalPooling1D = nr.layers.globalMaxPooling1d();
 * ```
 */
export abstract class GlobalPooling1D extends Layer {
  /** Whether the reduced steps axis is kept with size 1. */
  readonly keepDims: boolean;

  constructor(args: GlobalPooling1DArgs = {}) {
    super(args);
    const f = args.dataFormat ?? 'channelsLast';
    if (f !== 'channelsLast' && f !== 'channels_last') {
      throw new Error(
        `${this.className} '${this.name}': dataFormat '${f}' is not supported (only 'channelsLast')`,
      );
    }
    this.keepDims = args.keepDims ?? args.keepdims ?? false;
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    checkSequence(inputShape, `${this.className} '${this.name}'`);
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    const b = inputShape[0] ?? null;
    const c = inputShape[2] ?? null;
    return this.keepDims ? [b, 1, c] : [b, c];
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), dataFormat: 'channelsLast', keepdims: this.keepDims };
  }
}

/**
 * Average over all steps of each channel: `[batch, steps, channels]` to `[batch, channels]`. After a mask
 * (an `Embedding` with `maskZero`, a `Masking` layer) it averages the unmasked steps only; a sequence whose
 * steps are all masked averages to 0. This is what Keras computes (tfjs-layers 4.22 ignores the mask here).
 *
 * @example
 * ```ts
 * new nr.layers.GlobalAveragePooling1D().apply(nr.ones([2, 5, 3])).shape; // [2, 3]
 * ```
 */
export class GlobalAveragePooling1D extends GlobalPooling1D {
  static override readonly className = 'GlobalAveragePooling1D';
  /** Reads the mask (and outputs none). */
  override supportsMasking = true;

  override call(inputs: Tensor, options: CallOptions = {}): Tensor {
    this.checkInputShape(inputs.shape);
    const mask = options.mask;
    if (!mask) return mean(inputs, 1, this.keepDims);
    const [b, t] = inputs.shape as [number, number];
    if (mask.shape.length !== 2 || mask.shape[0] !== b || mask.shape[1] !== t) {
      throw new Error(
        `${this.className} '${this.name}': the mask must have shape [${b}, ${t}] (batch, steps), got ${fmtShape(mask.shape)}`,
      );
    }
    const m = reshape(cast(mask, 'float32'), [b, t, 1]);
    const count = maximum(sum(m, 1, this.keepDims), 1);
    return div(sum(mul(inputs, m), 1, this.keepDims), count);
  }

  override computeMask(): Tensor | null {
    return null;
  }
}

/**
 * Maximum over all steps of each channel: `[batch, steps, channels]` to `[batch, channels]`.
 *
 * @example
 * ```ts
 * new nr.layers.GlobalMaxPooling1D().apply(nr.ones([2, 5, 3])).shape; // [2, 3]
 * ```
 */
export class GlobalMaxPooling1D extends GlobalPooling1D {
  static override readonly className = 'GlobalMaxPooling1D';

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    this.checkInputShape(inputs.shape);
    return max(inputs, 1, this.keepDims);
  }
}

/**
 * Create a {@link MaxPooling1D} layer.
 *
 * @example
 * ```ts
 * nr.layers.maxPooling1d({ poolSize: 2 });
 * ```
 */
export function maxPooling1d(args: Pooling1DArgs = {}): MaxPooling1D {
  return new MaxPooling1D(args);
}

/**
 * Create an {@link AveragePooling1D} layer.
 *
 * @example
 * ```ts
 * nr.layers.averagePooling1d({ poolSize: 2, strides: 1 });
 * ```
 */
export function averagePooling1d(args: Pooling1DArgs = {}): AveragePooling1D {
  return new AveragePooling1D(args);
}

/**
 * Create a {@link GlobalAveragePooling1D} layer.
 *
 * @example
 * ```ts
 * nr.layers.globalAveragePooling1d();
 * ```
 */
export function globalAveragePooling1d(args: GlobalPooling1DArgs = {}): GlobalAveragePooling1D {
  return new GlobalAveragePooling1D(args);
}

/**
 * Create a {@link GlobalMaxPooling1D} layer.
 *
 * @example
 * ```ts
 * nr.layers.globalMaxPooling1d();
 * ```
 */
export function globalMaxPooling1d(args: GlobalPooling1DArgs = {}): GlobalMaxPooling1D {
  return new GlobalMaxPooling1D(args);
}
