/**
 * TEMPORARY stand-in for `nr.fitInWorker` / `nr.serveFitWorker`, which the `worker` engineer is adding to
 * `@neurona/core` with this same API. The page codes against the API; once it is on `main`, this file goes and
 * the imports point at `@neurona/core`. Thin on purpose: the model travels as LayersModel artifacts (topology,
 * weights, training config), the data as transferred typed arrays, progress and the trained weights come back.
 *
 * @packageDocumentation
 */
import * as nr from '@neurona/core';

/**
 * One progress event of a run in a worker.
 *
 * @example
 * ```ts
 * const e: FitProgress = { kind: 'batchEnd', epoch: 0, batch: 3, logs: { loss: 0.9 }, backend: 'cpu' };
 * ```
 */
export interface FitProgress {
  readonly kind: 'batchEnd' | 'epochEnd' | 'trainEnd';
  readonly epoch: number;
  readonly batch?: number;
  readonly logs: nr.Logs;
  /** The name of the backend the worker trains on. */
  readonly backend: string;
}

/**
 * Options of {@link fitInWorker}: the worker, the backend name its factory map knows, serialisable fit options.
 *
 * @example
 * ```ts
 * const o: FitInWorkerArgs = { worker, backend: 'cpu', epochs: 1, batchSize: 32 };
 * ```
 */
export interface FitInWorkerArgs {
  readonly worker: Worker;
  readonly backend: string;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly validationSplit?: number;
  readonly shuffle?: boolean;
  readonly onProgress?: (e: FitProgress) => void;
}

/**
 * A training run in a worker: `stop()` ends it after the current batch; `done` resolves with the history once
 * the trained weights are in the model.
 *
 * @example
 * ```ts
 * const run = fitInWorker(model, x, y, { worker, backend: 'cpu' });
 * const history = await run.done;
 * ```
 */
export interface FitRun {
  stop(): void;
  readonly done: Promise<{ history: Record<string, number[]> }>;
}

type TensorMessage = { data: nr.TypedArray; shape: number[]; dtype: nr.DType };
type ToWorker =
  | {
      type: 'fit';
      artifacts: nr.io.ModelArtifacts;
      x: TensorMessage;
      y: TensorMessage;
      backend: string;
      args: nr.FitArgs;
    }
  | { type: 'stop' };
type FromWorker =
  | { type: 'progress'; event: FitProgress }
  | { type: 'done'; artifacts: nr.io.ModelArtifacts; history: Record<string, number[]> }
  | { type: 'error'; message: string };

async function tensorMessage(t: nr.Tensor): Promise<TensorMessage> {
  return { data: (await t.data()).slice(), shape: [...t.shape], dtype: t.dtype };
}

async function artifactsOf(model: nr.LayersModel): Promise<nr.io.ModelArtifacts> {
  const h = nr.io.memory();
  await model.save(h);
  return h.artifacts!;
}

/**
 * Train `model` on `x`, `y` in `args.worker` (which runs {@link serveFitWorker}); the main thread stays free.
 *
 * @example
 * ```ts
 * const run = fitInWorker(model, x, y, { worker: new Worker('fit-worker.js', { type: 'module' }), backend: 'cpu' });
 * ```
 */
export function fitInWorker(
  model: nr.LayersModel,
  x: nr.Tensor,
  y: nr.Tensor,
  args: FitInWorkerArgs,
): FitRun {
  const { worker, backend, onProgress, ...fitArgs } = args;
  const done = (async () => {
    const [artifacts, xm, ym] = await Promise.all([artifactsOf(model), tensorMessage(x), tensorMessage(y)]);
    const reply = new Promise<{ artifacts: nr.io.ModelArtifacts; history: Record<string, number[]> }>(
      (ok, fail) => {
        worker.onmessage = (ev: MessageEvent<FromWorker>) => {
          const m = ev.data;
          if (m.type === 'progress') onProgress?.(m.event);
          else if (m.type === 'done') ok(m);
          else fail(new Error(`fitInWorker: ${m.message}`));
        };
        worker.onerror = (ev) => fail(new Error(`fitInWorker: the worker failed: ${ev.message}`));
      },
    );
    const msg: ToWorker = { type: 'fit', artifacts, x: xm, y: ym, backend, args: { ...fitArgs, verbose: 0 } };
    worker.postMessage(msg, [artifacts.weightData, xm.data.buffer, ym.data.buffer]);
    const result = await reply;
    const trained = await nr.loadModel(nr.io.memory(result.artifacts));
    try {
      const ws = trained.getWeights();
      model.setWeights(ws);
      nr.dispose(ws);
    } finally {
      trained.dispose();
    }
    return { history: result.history };
  })();
  return { stop: () => worker.postMessage({ type: 'stop' } satisfies ToWorker), done };
}

/**
 * The worker side of {@link fitInWorker}: answer `fit` requests with the given backend factories.
 *
 * @example
 * ```ts
 * serveFitWorker({ backends: { cpu } });
 * ```
 */
export function serveFitWorker(options: {
  backends: Record<string, () => nr.Backend | Promise<nr.Backend>>;
}): void {
  const scope = globalThis as unknown as {
    onmessage: ((ev: MessageEvent<ToWorker>) => void) | null;
    postMessage(m: FromWorker, transfer?: Transferable[]): void;
  };
  let current: nr.LayersModel | null = null;
  let backendName: string | null = null;
  const post = (m: FromWorker, transfer: Transferable[] = []): void => scope.postMessage(m, transfer);
  scope.onmessage = async (ev) => {
    const m = ev.data;
    if (m.type === 'stop') {
      if (current) current.stopTraining = true;
      return;
    }
    try {
      const make = options.backends[m.backend];
      if (!make)
        throw new Error(`no backend '${m.backend}' (known: ${Object.keys(options.backends).join(', ')})`);
      if (backendName !== m.backend) {
        await nr.setBackend(await make());
        backendName = m.backend;
      }
      const model = await nr.loadModel(nr.io.memory(m.artifacts));
      current = model;
      const x = nr.tensor(m.x.data, m.x.shape, m.x.dtype);
      const y = nr.tensor(m.y.data, m.y.shape, m.y.dtype);
      let epoch = 0;
      const progress: nr.Callback = {
        onEpochBegin: (e) => {
          epoch = e;
        },
        onBatchEnd: (batch, logs) =>
          post({
            type: 'progress',
            event: { kind: 'batchEnd', epoch, batch, logs: { ...logs }, backend: nr.getBackend().name },
          }),
        onEpochEnd: (e, logs) =>
          post({
            type: 'progress',
            event: { kind: 'epochEnd', epoch: e, logs: { ...logs }, backend: nr.getBackend().name },
          }),
        onTrainEnd: (logs) =>
          post({
            type: 'progress',
            event: { kind: 'trainEnd', epoch, logs: { ...logs }, backend: nr.getBackend().name },
          }),
      };
      try {
        const h = await model.fit(x, y, { ...m.args, callbacks: [progress] });
        const artifacts = await artifactsOf(model);
        post({ type: 'done', artifacts, history: h.history }, [artifacts.weightData]);
      } finally {
        nr.dispose([x, y]);
        model.dispose();
        current = null;
      }
    } catch (e) {
      post({ type: 'error', message: (e as Error).message });
    }
  };
}
