/**
 * `serveFitWorker`: the worker's half of {@link fitInWorker}. It answers training requests one at a time:
 * starts the named backend (once, then reuses it), rebuilds the model from its artifacts, trains with the
 * caller's options and random generator position, streams progress, and sends the trained model back. Every
 * tensor it makes is freed before it answers, whether training succeeded or threw.
 *
 * @packageDocumentation
 */
import type { Backend } from '../backend/types.js';
import type { Callback, Logs, TrainParams } from '../callbacks/callback.js';
import { getBackend, memory, setBackend } from '../engine/api.js';
import { engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { loadModel, modelToArtifacts } from '../io/model-io.js';
import type { LayersModel } from '../models/functional.js';
import { type Port, portOf, type WorkerEndpoint, workerSelf } from './port.js';
import {
  type FitProgressEvent,
  type FitRequest,
  isMessage,
  type Message,
  MSG,
  packError,
  unpackData,
  unpackTensor,
} from './protocol.js';

/**
 * Makes a backend in the worker, e.g. `cpu` from `@neurona/backend-cpu`; it receives the caller's
 * `backendOptions`.
 *
 * @example
 * ```ts
 * const factory: nr.WorkerBackendFactory = () => cpu();
 * ```
 */
export type WorkerBackendFactory = (options?: never) => Backend | Promise<Backend>;

/**
 * Options of {@link serveFitWorker}.
 *
 * @example
 * ```ts
 * const options: nr.ServeFitWorkerOptions = { backends: { cpu, wasm: () => wasm({ wasmPaths: '/wasm/' }) } };
 * ```
 */
export interface ServeFitWorkerOptions {
  /** The backends the caller may name in `fitInWorker({ backend })`, by name. */
  backends: Readonly<Record<string, WorkerBackendFactory>>;
  /** Where to listen (default: the worker's own scope in a browser, `parentPort` in Node). */
  endpoint?: WorkerEndpoint;
}

/**
 * The worker side of {@link serveFitWorker}, to stop listening.
 *
 * @example
 * ```ts
 * const server = nr.serveFitWorker({ backends: { cpu } });
 * server.close();
 * ```
 */
export interface FitWorkerServer {
  /** Stop answering requests (a run in progress finishes and answers). */
  close(): void;
}

/**
 * Answer {@link fitInWorker} requests in this worker. Call it once in the worker's script, with the backends
 * the worker may train on (importing them here lets your bundler include them). Register custom layers in
 * this script too.
 *
 * @example
 * ```ts
 * // fit-worker.js
 * import { serveFitWorker } from '@neurona/core';
 * import { cpu } from '@neurona/backend-cpu';
 * serveFitWorker({ backends: { cpu } });
 * ```
 */
export function serveFitWorker(options: ServeFitWorkerOptions): FitWorkerServer {
  if (!options || options.backends === null || typeof options.backends !== 'object') {
    throw new Error(
      'serveFitWorker: options.backends must be an object of backend factories by name, e.g. { cpu }',
    );
  }
  for (const [name, f] of Object.entries(options.backends)) {
    if (typeof f !== 'function') {
      throw new Error(
        `serveFitWorker: options.backends.${name} must be a backend factory function, got ${typeof f}`,
      );
    }
  }
  const endpoint = options.endpoint ?? workerSelf();
  if (!endpoint) {
    throw new Error(
      'serveFitWorker: not inside a worker (no worker scope, no worker_threads parentPort); call it in the worker script, or pass options.endpoint',
    );
  }
  const port = portOf(endpoint, 'serveFitWorker: options.endpoint');
  const state: ServerState = {
    backends: options.backends,
    made: new Map(),
    running: new Map(),
    stopped: new Set(),
  };
  let queue: Promise<void> = Promise.resolve();
  port.onMessage((m) => {
    if (!isMessage(m)) return;
    if (m.type === MSG.stop) {
      state.stopped.add(m.id);
      const model = state.running.get(m.id);
      if (model) model.stopTraining = true;
    } else if (m.type === MSG.memory) {
      port.post({ type: MSG.memoryReply, id: m.id, numTensors: memory().numTensors } satisfies Message, []);
    } else if (m.type === MSG.fit) {
      queue = queue.then(() => answer(port, state, m));
    }
  });
  return { close: () => port.close() };
}

interface ServerState {
  readonly backends: Readonly<Record<string, WorkerBackendFactory>>;
  /** Backends made so far, by name (made once: a device is expensive to start). */
  readonly made: Map<string, Backend>;
  /** Models training now, by request id (for stop). */
  readonly running: Map<string, LayersModel>;
  /** Requests asked to stop (checked again when training begins, as `fit` clears `stopTraining`). */
  readonly stopped: Set<string>;
}

/** Train for one request and post the answer (never throws). */
async function answer(port: Port, state: ServerState, req: FitRequest): Promise<void> {
  const made: Tensor[] = [];
  let model: LayersModel | null = null;
  try {
    await useBackend(state, req.backend, req.backendOptions);
    model = await loadModel({ load: async () => req.artifacts });
    if (!model.optimizer) throw new Error('fitInWorker: the model arrived without its compile config');
    state.running.set(req.id, model);
    const x = unpackData(req.x, made);
    const y = unpackData(req.y, made);
    const validationData = req.validationData
      ? ([unpackData(req.validationData[0], made), unpackData(req.validationData[1], made)] as const)
      : undefined;
    const sampleWeight = req.sampleWeight ? unpackTensor(req.sampleWeight) : undefined;
    if (sampleWeight) made.push(sampleWeight);
    engine().rng.setState(req.rng);
    const history = await model.fit(x, y, {
      ...req.args,
      verbose: req.args.verbose ?? 0,
      ...(validationData ? { validationData } : {}),
      ...(sampleWeight ? { sampleWeight } : {}),
      callbacks: [progress(port, req, () => state.stopped.has(req.id))],
    });
    const artifacts = await modelToArtifacts(model, { includeOptimizer: true });
    port.post(
      {
        type: MSG.done,
        id: req.id,
        artifacts,
        history: { epoch: history.epoch, history: history.history, updates: history.updates },
        rng: engine().rng.getState(),
        backend: getBackend().name,
      } satisfies Message,
      [artifacts.weightData],
    );
  } catch (e) {
    port.post({ type: MSG.error, id: req.id, error: packError(e) } satisfies Message, []);
  } finally {
    state.running.delete(req.id);
    state.stopped.delete(req.id);
    for (const t of made) t.dispose();
    model?.dispose();
  }
}

/** Make (once) and activate the named backend. */
async function useBackend(state: ServerState, name: string, options: unknown): Promise<void> {
  const factory = Object.hasOwn(state.backends, name) ? state.backends[name] : undefined;
  if (!factory) {
    const known = Object.keys(state.backends);
    throw new Error(
      `fitInWorker: backend '${name}' is not one of this worker's backends (${known.length ? known.join(', ') : 'none'}); the worker script names them in serveFitWorker({ backends })`,
    );
  }
  let backend = state.made.get(name);
  if (!backend) {
    backend = await factory(options as never);
    state.made.set(name, backend);
  }
  if (!isActive(backend)) await setBackend(backend);
}

function isActive(backend: Backend): boolean {
  try {
    return getBackend() === backend;
  } catch {
    return false;
  }
}

/** The callback that streams progress events and applies a stop that came before training started. */
function progress(port: Port, req: FitRequest, stopped: () => boolean): Callback {
  let epoch = 0;
  let last: Logs = {};
  const backend = getBackend().name;
  const send = (event: Omit<FitProgressEvent, 'backend'>): void =>
    port.post({ type: MSG.progress, id: req.id, event: { ...event, backend } } satisfies Message, []);
  const cb: Callback = {
    onTrainBegin() {
      if (stopped() && cb.model) cb.model.stopTraining = true;
    },
    onEpochBegin(e) {
      epoch = e;
    },
    onBatchEnd(batch, logs) {
      if (req.batchEvents)
        send({ kind: 'batchEnd', epoch, batch, logs: { ...logs }, params: cb.params as TrainParams });
    },
    onEpochEnd(e, logs) {
      last = { ...logs };
      send({ kind: 'epochEnd', epoch: e, logs: last, params: cb.params as TrainParams });
    },
    onTrainEnd() {
      send({ kind: 'trainEnd', epoch, logs: last, params: cb.params as TrainParams });
    },
  };
  return cb;
}
