/**
 * Model saving and loading in the TensorFlow.js LayersModel format.
 *
 * @example
 * ```ts
 * const h = nr.io.memory();
 * await model.save(h);
 * ```
 *
 * @packageDocumentation
 */
export { memory, resolveHandler } from './handlers.js';
export type {
  IOHandler,
  JsonValue,
  ModelArtifacts,
  SaveOptions,
  SaveResult,
  WeightQuantization,
  WeightSpec,
} from './types.js';
