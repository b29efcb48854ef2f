/**
 * `@neurona/core` in Node (the `node` export condition selects this file): everything of the browser-safe
 * entry, with `file://` model URLs and the terminal progress bar of `fit({ verbose: 1 })` registered.
 *
 * @example
 * ```ts
 * import * as nr from '@neurona/core'; // in Node this entry
 * await model.save('file://./my-model');
 * ```
 *
 * @module @neurona/core
 * @packageDocumentation
 */
import { registerNode } from './node/register.js';

export * from './index.js';

registerNode();
