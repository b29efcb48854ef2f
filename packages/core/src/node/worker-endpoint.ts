/**
 * Node's half of the worker plumbing: inside a `worker_threads` worker, `serveFitWorker` listens on
 * `parentPort` (a browser worker listens on its global scope instead).
 *
 * @packageDocumentation
 */
import { parentPort } from 'node:worker_threads';
import { setDefaultWorkerEndpoint } from '../worker/port.js';

/** @internal Point `serveFitWorker` at `parentPort` when this thread is a `worker_threads` worker. */
export function registerWorkerEndpoint(): void {
  setDefaultWorkerEndpoint(() => parentPort);
}
