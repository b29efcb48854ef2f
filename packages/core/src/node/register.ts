/**
 * What the Node entry of `@neurona/core` (`index.node.ts`, selected by the `node` export condition) adds to
 * the browser-safe core: `file://` URLs for `save`/`loadModel`, and the terminal progress bar for
 * `fit({ verbose: 1 })`.
 *
 * @packageDocumentation
 */
import { progressBar } from '../callbacks/progress.js';
import { registerScheme } from '../io/handlers.js';
import { setTerminalProgress } from '../training/verbose.js';
import { fileSystem } from './file.js';

/** @internal Register the Node-only parts (idempotent). */
export function registerNode(): void {
  registerScheme('file', (path) => fileSystem(path));
  setTerminalProgress(() => progressBar());
}
