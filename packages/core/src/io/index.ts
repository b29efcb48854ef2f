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

export { browserDownloads } from './browser/downloads.js';
export { browserFiles } from './browser/files.js';
export { browserIndexedDB } from './browser/indexeddb.js';
export type { ModelArtifactsInfo } from './browser/info.js';
export { browserLocalStorage } from './browser/local-storage.js';
export { copyModel, listModels, moveModel, removeModel } from './browser/models.js';
export { memory, resolveHandler } from './handlers.js';
export { http, type LoadOptions } from './http.js';
export type {
  IOHandler,
  JsonValue,
  ModelArtifacts,
  SaveOptions,
  SaveResult,
  WeightQuantization,
  WeightSpec,
} from './types.js';
