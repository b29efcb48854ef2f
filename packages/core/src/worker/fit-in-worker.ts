/**
 * `fitInWorker`: train a model in a Web Worker (browser) or a `worker_threads` worker (Node) so the calling
 * thread stays free. The model (topology, weights, compile config, optimizer state), the data and the random
 * generator's position go to the worker; progress comes back as events; the trained weights, the optimizer
 * state and the generator's position come back into the caller's model, so the result is what `model.fit`
 * would have given on the worker's backend.
 *
 * @packageDocumentation
 */
import { History } from '../callbacks/callback.js';
import { getBackend } from '../engine/api.js';
import { engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { modelToArtifacts, restoreOptimizer } from '../io/model-io.js';
import { trainingConfigOf } from '../io/training-config.js';
import { assignWeights } from '../io/weights-assign.js';
import type { LayersModel } from '../models/functional.js';
import { exclusiveFit } from '../training/guard.js';
import type { ModelData } from '../training/model-data.js';
import { type Port, portOf, type WorkerEndpoint } from './port.js';
import {
  type FitProgressEvent,
  type FitReply,
  type FitRequest,
  isMessage,
  MSG,
  type PlainFitArgs,
  packData,
  packTensor,
  unpackError,
} from './protocol.js';

/**
 * Options of {@link fitInWorker}: the worker, the backend it should train on, a progress listener, and the
 * options of `model.fit` (data-valued ones included) except `callbacks`, which cannot cross threads: use
 * `onProgress` and `stop()` instead.
 *
 * @example
 * ```ts
 * const options: nr.FitInWorkerOptions = { worker, backend: 'cpu', epochs: 3, batchSize: 64, onProgress: (e) => console.log(e.kind, e.logs) };
 * ```
 */
export interface FitInWorkerOptions extends PlainFitArgs {
  /** The worker, running a script that calls `serveFitWorker` (a browser `Worker` or a `node:worker_threads` `Worker`). */
  worker: WorkerEndpoint;
  /** The name of the backend, a key of the worker's `serveFitWorker({ backends })` (default: the caller's backend's name). */
  backend?: string;
  /** Given to the worker's backend factory (must survive `postMessage`: plain data). */
  backendOptions?: unknown;
  /** Called on the caller's thread for every progress event of the worker. */
  onProgress?: (event: FitProgressEvent) => void;
  /** Held-out `[x, y]` evaluated after each epoch, as in `fit`. */
  validationData?: readonly [ModelData, ModelData];
  /** Loss weight per example, shape `[n]`, as in `fit`. */
  sampleWeight?: Tensor;
}

/**
 * A training run of {@link fitInWorker}.
 *
 * @example
 * ```ts
 * const run = nr.fitInWorker(model, x, y, { worker, epochs: 10 });
 * setTimeout(() => run.stop(), 5000);
 * const history = await run.done;
 * ```
 */
export interface FitInWorkerRun {
  /**
   * Resolves with the {@link History} once the worker has finished (or stopped) and the caller's model holds
   * the trained weights; rejects with the worker's error (its message, and its stack first in `stack`). A
   * `worker_threads` worker that exits rejects it too; a browser gives no event for a terminated Web Worker,
   * so terminate one only after `done` has settled (use `stop()` first).
   */
  readonly done: Promise<History>;
  /** End training after the batch the worker is on (the weights trained so far still come back). */
  stop(): void;
}

let nextId = 0;
const newId = (): string =>
  `${Date.now().toString(36)}-${(nextId++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * Train `model` in a worker, as `model.fit(x, y, options)` would, without blocking the calling thread. The
 * worker runs a script (written by you, so your bundler sees which backends it imports) that calls
 * {@link serveFitWorker}. The model must be compiled with built-in losses and metrics; custom layers must be
 * registered in the worker too. While the run is in progress the model cannot `fit` again and `setBackend`
 * throws, as during `fit`; the data tensors stay usable (they are copied out).
 *
 * @example
 * ```ts
 * const worker = new Worker(new URL('./fit-worker.js', import.meta.url), { type: 'module' });
 * const run = nr.fitInWorker(model, x, y, {
 *   worker, backend: 'cpu', epochs: 3, batchSize: 64, validationSplit: 0.1,
 *   onProgress: (e) => { if (e.kind === 'epochEnd') console.log(e.epoch, e.logs.loss); },
 * });
 * const history = await run.done; // model now holds the trained weights
 * ```
 */
export function fitInWorker(
  model: LayersModel,
  x: ModelData,
  y: ModelData,
  options: FitInWorkerOptions,
): FitInWorkerRun {
  const id = newId();
  let port: Port | null = null;
  let stopRequested = false;
  const stop = (): void => {
    if (stopRequested) return;
    stopRequested = true;
    port?.post({ type: MSG.stop, id }, []);
  };
  const done = exclusiveFit(model, async () => {
    const request = await prepare(model, x, y, options, id);
    port = portOf(options.worker, 'fitInWorker: options.worker');
    try {
      const pending = exchange(port, request.message, request.transfer, id, options.onProgress, stop);
      if (stopRequested) port.post({ type: MSG.stop, id }, []); // stop() came before the request went out
      return applyReply(model, await pending);
    } finally {
      port.close();
      port = null; // a stop() after the run has nothing to tell the worker
    }
  });
  return { done, stop };
}

/** Check the arguments and read the model and data for the request. */
async function prepare(
  model: LayersModel,
  x: ModelData,
  y: ModelData,
  options: FitInWorkerOptions,
  id: string,
): Promise<{ message: FitRequest; transfer: ArrayBuffer[] }> {
  if (options === null || typeof options !== 'object') {
    throw new Error(
      `fitInWorker: options must be an object with at least { worker }, got ${String(options)}`,
    );
  }
  const { worker, backend, backendOptions, onProgress, validationData, sampleWeight, ...args } = options;
  if ('callbacks' in args) {
    throw new Error(
      'fitInWorker: options.callbacks cannot run in a worker (functions do not cross threads); use onProgress for events and run.stop() to stop',
    );
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new Error(`fitInWorker: options.onProgress must be a function, got ${typeof onProgress}`);
  }
  const where = `fitInWorker: ${model?.className ?? 'model'} '${model?.name}'`;
  if (!model || typeof model.compile !== 'function') {
    throw new Error(
      `fitInWorker: model must be a LayersModel (nr.sequential or nr.model), got ${String(model)}`,
    );
  }
  if (!model.optimizer || !model.compiled) {
    throw new Error(`${where} is not compiled; call model.compile({ optimizer, loss }) before fitInWorker`);
  }
  if (!model.built) {
    throw new Error(`${where} is not built yet; give the first layer an inputShape or run the model once`);
  }
  if (trainingConfigOf(model) === undefined) {
    throw new Error(
      `${where}: its loss or a metric is a custom function, which cannot be sent to a worker; use built-in losses and metrics (names or nr.losses / nr.metrics)`,
    );
  }
  const backendName = backend ?? getBackend().name;
  if (typeof backendName !== 'string' || backendName === '') {
    throw new Error(
      `fitInWorker: options.backend must be a backend name (a key of the worker's backends), got ${String(backendName)}`,
    );
  }
  portOf(worker, 'fitInWorker: options.worker'); // checked before reading anything
  const transfer: ArrayBuffer[] = [];
  const artifacts = await modelToArtifacts(model, { includeOptimizer: true });
  transfer.push(artifacts.weightData);
  const message: FitRequest = {
    type: MSG.fit,
    id,
    backend: backendName,
    ...(backendOptions !== undefined ? { backendOptions } : {}),
    artifacts,
    x: await packData(x, transfer, 'x'),
    y: await packData(y, transfer, 'y'),
    ...(validationData
      ? {
          validationData: [
            await packData(validationData[0], transfer, 'validationData[0]'),
            await packData(validationData[1], transfer, 'validationData[1]'),
          ] as const,
        }
      : {}),
    ...(sampleWeight ? { sampleWeight: await packTensor(sampleWeight, transfer) } : {}),
    args,
    rng: engine().rng.getState(),
    batchEvents: onProgress !== undefined,
  };
  return { message, transfer };
}

/** Post the request and wait for its answer, passing progress events on. */
function exchange(
  port: Port,
  message: FitRequest,
  transfer: ArrayBuffer[],
  id: string,
  onProgress: ((e: FitProgressEvent) => void) | undefined,
  stop: () => void,
): Promise<FitReply> {
  return new Promise<FitReply>((resolve, reject) => {
    let listenerError: unknown = null;
    port.onMessage((m) => {
      if (!isMessage(m) || m.id !== id) return;
      if (m.type === MSG.progress) {
        if (listenerError !== null || !onProgress) return;
        try {
          onProgress(m.event);
        } catch (e) {
          // As in fit, an error in a listener ends training and is what `done` rejects with.
          listenerError = e;
          stop();
        }
      } else if (m.type === MSG.done) {
        if (listenerError !== null) reject(listenerError);
        else resolve(m);
      } else if (m.type === MSG.error) {
        reject(unpackError(m.error, 'fitInWorker, in the worker'));
      }
    });
    port.onFailure((f) => {
      const err = new Error(`fitInWorker: the worker failed: ${f.message}`);
      if (f.stack) err.stack = `${err.name}: ${err.message}\n${f.stack.split('\n').slice(1).join('\n')}`;
      reject(err);
    });
    try {
      port.post(message, transfer);
    } catch (e) {
      reject(
        new Error(
          `fitInWorker: the request could not be sent to the worker (options and backendOptions must be plain data that postMessage can copy): ${(e as Error).message}`,
        ),
      );
    }
  });
}

/** Put the trained weights, optimizer state and generator position into the caller's model and engine. */
async function applyReply(model: LayersModel, reply: FitReply): Promise<History> {
  assignWeights(model, reply.artifacts);
  await restoreOptimizer(model, reply.artifacts);
  engine().rng.setState(reply.rng);
  const history = new History();
  history.epoch.push(...reply.history.epoch);
  Object.assign(history.history, reply.history.history);
  history.updates = reply.history.updates;
  return history;
}

/**
 * The number of live tensors in a worker that runs {@link serveFitWorker} (its `nr.memory().numTensors`), for
 * checking that training there leaves nothing behind.
 *
 * @example
 * ```ts
 * const { numTensors } = await nr.fitWorkerMemory(worker); // 0 between runs
 * ```
 */
export function fitWorkerMemory(worker: WorkerEndpoint): Promise<{ numTensors: number }> {
  const port = portOf(worker, 'fitWorkerMemory: worker');
  const id = newId();
  return new Promise<{ numTensors: number }>((resolve, reject) => {
    port.onMessage((m) => {
      if (!isMessage(m) || m.id !== id || m.type !== MSG.memoryReply) return;
      resolve({ numTensors: m.numTensors });
    });
    port.onFailure((f) => reject(new Error(`fitWorkerMemory: the worker failed: ${f.message}`)));
    port.post({ type: MSG.memory, id }, []);
  }).finally(() => port.close());
}
