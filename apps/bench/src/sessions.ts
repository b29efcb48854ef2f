/**
 * The session logic both frameworks share: which data a repetition holds, how training and inference run
 * over it. `run-neurona.ts` and `run-tfjs.ts` only say how their framework makes a tensor, fits, predicts
 * and differentiates a product.
 */
import { randomFloats, randomLabels } from './data.js';
import type { Session } from './measure.js';
import type { MatmulWorkload, Mode, ModelWorkload } from './workloads.js';

/**
 * Anything with a `dispose()` (a Neurona or tfjs tensor).
 *
 * @example
 * ```ts
 * const d: Disposable = { dispose() {} };
 * ```
 */
export interface Disposable {
  dispose(): void;
}

/**
 * What a framework must provide to run a model workload.
 *
 * @example
 * ```ts
 * const ops: ModelOps<nr.Tensor> = { inputs, labels, fit, predict, dispose: () => model.dispose() };
 * ```
 */
export interface ModelOps<T extends Disposable> {
  /** A tensor of inputs `[n, ...inputShape]`: floats, or token ids for a `next-token` workload. */
  inputs(values: Float32Array | Int32Array, shape: number[]): T;
  /** A tensor of labels: `[n]` class ids, or `[n, steps]` for a `next-token` workload. */
  labels(values: Int32Array, shape: number[]): T;
  /** One epoch over `x`, `y` in whole batches, in order, one optimizer step per batch. */
  fit(x: T, y: T): Promise<void>;
  /** Predict one batch and read the result back. */
  predict(batch: T): Promise<void>;
  /** Free the model (and its optimizer). */
  dispose(): void;
}

/**
 * The synthetic inputs of `n` examples: seeded floats in [-1, 1), or for a `next-token` workload seeded
 * token ids in `[0, classes)`; and the labels (one per example, or one per time step).
 *
 * @example
 * ```ts
 * const { x, labels, labelShape } = syntheticBatch(findWorkload('char-lstm', true) as ModelWorkload, 8, 1);
 * ```
 */
export function syntheticBatch(
  w: ModelWorkload,
  n: number,
  seed: number,
): { x: Float32Array | Int32Array; labels: Int32Array; labelShape: number[] } {
  const perExample = w.inputShape.reduce((a, b) => a * b, 1);
  if (w.task === 'next-token') {
    const steps = w.inputShape[0]!;
    return {
      x: randomLabels(n * steps, w.classes, seed + 1),
      labels: randomLabels(n * steps, w.classes, seed),
      labelShape: [n, steps],
    };
  }
  return { x: randomFloats(n * perExample, seed), labels: randomLabels(n, w.classes, seed), labelShape: [n] };
}

/**
 * A model session: training fits over all prepared batches at once; inference predicts batch by batch
 * (one call per batch, as a server would: tfjs-layers' predict over many batches at once is super-linear
 * on wasm).
 *
 * @example
 * ```ts
 * const session = modelSession(w, 'train', 1, ops);
 * session.prepare(4); await session.run(); session.dispose();
 * ```
 */
export function modelSession<T extends Disposable>(
  w: ModelWorkload,
  mode: Mode,
  seed: number,
  ops: ModelOps<T>,
): Session {
  const perExample = w.inputShape.reduce((a, b) => a * b, 1);
  let x: T | null = null;
  let y: T | null = null;
  let batches: T[] = [];
  const free = (): void => {
    x?.dispose();
    y?.dispose();
    for (const b of batches) b.dispose();
    x = y = null;
    batches = [];
  };
  return {
    prepare(count) {
      free();
      const n = count * w.batchSize;
      const data = syntheticBatch(w, n, seed);
      if (mode === 'train') {
        x = ops.inputs(data.x, [n, ...w.inputShape]);
        y = ops.labels(data.labels, data.labelShape);
        return;
      }
      const size = w.batchSize * perExample;
      for (let i = 0; i < count; i++) {
        batches.push(ops.inputs(data.x.subarray(i * size, (i + 1) * size), [w.batchSize, ...w.inputShape]));
      }
    },
    async run() {
      if (mode === 'train') {
        if (!x || !y) throw new Error(`session '${w.name}': run() before prepare()`);
        await ops.fit(x, y);
        return;
      }
      for (const b of batches) await ops.predict(b);
    },
    dispose() {
      free();
      ops.dispose();
    },
  };
}

/**
 * What a framework must provide to run a matmul workload.
 *
 * @example
 * ```ts
 * const ops: MatmulOps<nr.Tensor> = { matrix, product, gradients, read };
 * ```
 */
export interface MatmulOps<T extends Disposable> {
  matrix(values: Float32Array, n: number): T;
  /** `[A·B]`. */
  product(a: T, b: T): T[];
  /** Both input gradients of `sum(A·B)`, with no intermediate left over. */
  gradients(a: T, b: T): T[];
  /** Read a result back (waits for it). */
  read(t: T): Promise<unknown>;
}

/**
 * A matmul session: each repetition computes `count` products (training: their gradients too) and reads the
 * last one back.
 *
 * @example
 * ```ts
 * const session = matmulSession(w, 'infer', 1, ops);
 * ```
 */
export function matmulSession<T extends Disposable>(
  w: MatmulWorkload,
  mode: Mode,
  seed: number,
  ops: MatmulOps<T>,
): Session {
  const a = ops.matrix(randomFloats(w.n * w.n, seed), w.n);
  const b = ops.matrix(randomFloats(w.n * w.n, seed + 1), w.n);
  let count = 1;
  return {
    prepare(batches) {
      count = batches;
    },
    async run() {
      for (let i = 0; i < count; i++) {
        const outs = mode === 'train' ? ops.gradients(a, b) : ops.product(a, b);
        if (i === count - 1) for (const t of outs) await ops.read(t);
        for (const t of outs) t.dispose();
      }
    },
    dispose() {
      a.dispose();
      b.dispose();
    },
  };
}
