/**
 * `@neurona/core/node`: Node-only helpers: the file-system model handler and the terminal progress bar.
 *
 * @example
 * ```ts
 * import { fileSystem, progressBar } from '@neurona/core/node';
 * ```
 *
 * @module @neurona/core/node
 * @packageDocumentation
 */

export type { ProgressBarOptions } from '../callbacks/progress.js';
export { progressBar } from '../callbacks/progress.js';
export { fileSystem } from './file.js';
