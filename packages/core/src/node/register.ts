/**
 * What the Node entry of `@neurona/core` (`index.node.ts`, selected by the `node` export condition) adds to
 * the browser-safe core: `file://` URLs for `save`/`loadModel`, and the terminal progress bar for
 * `fit({ verbose: 1 })`, and `worker_threads`' `parentPort` as the endpoint of `serveFitWorker`.
 *
 * @packageDocumentation
 */
import { progressBar } from '../callbacks/progress.js';
import { registerScheme } from '../io/handlers.js';
import { setTerminalProgress } from '../training/verbose.js';
import { fileSystem } from './file.js';
import { registerWorkerEndpoint } from './worker-endpoint.js';

/** @internal Register the Node-only parts (idempotent). */
export function registerNode(): void {
  registerScheme('file', (path) => fileSystem(path));
  setTerminalProgress(() => progressBar());
  registerWorkerEndpoint();
}
