import type { LayerArgs } from './layer.js';
import {
  Add,
  Average,
  Concatenate,
  type ConcatenateArgs,
  Dot,
  type DotArgs,
  Maximum,
  Minimum,
  Multiply,
  Subtract,
} from './merge.js';

/**
 * Create an {@link Add} layer: the element-wise sum of its inputs.
 *
 * @example
 * ```ts
 * const x = nr.input({ shape: [8] });
 * const residual = nr.layers.add().apply([x, nr.layers.dense({ units: 8 }).apply(x)]);
 * ```
 */
export function add(args: LayerArgs = {}): Add {
  return new Add(args);
}

/**
 * Create a {@link Subtract} layer: its first input minus its second.
 *
 * @example
 * ```ts
 * const diff = nr.layers.subtract().apply([a, b]);
 * ```
 */
export function subtract(args: LayerArgs = {}): Subtract {
  return new Subtract(args);
}

/**
 * Create a {@link Multiply} layer: the element-wise product of its inputs.
 *
 * @example
 * ```ts
 * const gated = nr.layers.multiply().apply([a, b]);
 * ```
 */
export function multiply(args: LayerArgs = {}): Multiply {
  return new Multiply(args);
}

/**
 * Create an {@link Average} layer: the element-wise mean of its inputs.
 *
 * @example
 * ```ts
 * const mean = nr.layers.average().apply([a, b, c]);
 * ```
 */
export function average(args: LayerArgs = {}): Average {
  return new Average(args);
}

/**
 * Create a {@link Maximum} layer: the element-wise maximum of its inputs.
 *
 * @example
 * ```ts
 * const m = nr.layers.maximum().apply([a, b]);
 * ```
 */
export function maximum(args: LayerArgs = {}): Maximum {
  return new Maximum(args);
}

/**
 * Create a {@link Minimum} layer: the element-wise minimum of its inputs.
 *
 * @example
 * ```ts
 * const m = nr.layers.minimum().apply([a, b]);
 * ```
 */
export function minimum(args: LayerArgs = {}): Minimum {
  return new Minimum(args);
}

/**
 * Create a {@link Concatenate} layer: its inputs joined along `axis` (default -1).
 *
 * @example
 * ```ts
 * const ab = nr.layers.concatenate({ axis: -1 }).apply([a, b]);
 * ```
 */
export function concatenate(args: ConcatenateArgs = {}): Concatenate {
  return new Concatenate(args);
}

/**
 * Create a {@link Dot} layer: the per-example dot product of two inputs along `axes`.
 *
 * @example
 * ```ts
 * const cosine = nr.layers.dot({ axes: 1, normalize: true }).apply([u, v]);
 * ```
 */
export function dot(args: DotArgs): Dot {
  return new Dot(args);
}
