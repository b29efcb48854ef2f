/**
 * Losses for training: factories returning per-example losses, and {@link getLoss} to resolve names.
 *
 * @example
 * ```ts
 * const loss = nr.losses.getLoss('mse');
 * ```
 *
 * @packageDocumentation
 */

export type { LossFn, LossFunction } from './losses.js';
export {
  binaryCrossentropy,
  categoricalCrossentropy,
  getLoss,
  huber,
  meanAbsoluteError,
  meanSquaredError,
  sparseCategoricalCrossentropy,
} from './losses.js';
