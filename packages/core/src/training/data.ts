import { engine } from '../engine/engine.js';
import { type Tensor, Variable } from '../engine/tensor.js';
import type { SymbolicShape } from '../layers/layer.js';
import { fmtShape } from '../layers/layer.js';
import { sum } from '../ops/reduce.js';
import { trainingYielder } from './yield.js';

/**
 * The course's three gradient-descent regimes: `'batch'` (one update per epoch over the whole set),
 * `'stochastic'` (one example per update), `'minibatch'` (updates on `batchSize` examples; the default).
 *
 * @example
 * ```ts
 * await model.fit(x, y, { mode: 'stochastic', epochs: 5 });
 * ```
 */
export type GradientDescentMode = 'batch' | 'stochastic' | 'minibatch';

/** @internal The batch size a mode implies. */
export function batchSizeFor(mode: GradientDescentMode, batchSize: number | undefined, n: number): number {
  if (mode === 'batch') {
    if (batchSize !== undefined && batchSize !== n) {
      throw new Error(
        `fit: mode 'batch' uses the whole training set (${n} examples) per update; drop batchSize (${batchSize}) or use mode 'minibatch'`,
      );
    }
    return Math.max(1, n);
  }
  if (mode === 'stochastic') {
    if (batchSize !== undefined && batchSize !== 1) {
      throw new Error(
        `fit: mode 'stochastic' uses one example per update; drop batchSize (${batchSize}) or use mode 'minibatch'`,
      );
    }
    return 1;
  }
  if (mode !== 'minibatch')
    throw new Error(`fit: unknown mode '${String(mode)}' (expected 'batch', 'stochastic' or 'minibatch')`);
  const b = batchSize ?? 32;
  if (!Number.isInteger(b) || b < 1) throw new Error(`fit: batchSize must be a positive integer, got ${b}`);
  return b;
}

/** Tensors already found finite (tensors are immutable; variables are never cached). */
const verifiedFinite = new WeakSet<Tensor>();

/**
 * @internal Throw naming the argument and position of the first NaN or infinity. Cheap: one sum on the
 * device and a 4-byte read (the sum is finite unless a value is not, or it overflows); the data is read
 * back only to locate a bad value. A tensor found finite is remembered, so repeated `fit` calls on the
 * same data cost nothing.
 */
export async function checkFinite(t: Tensor, what: string): Promise<void> {
  if (t.dtype !== 'float32' || t.size === 0 || verifiedFinite.has(t)) return;
  const total = engine().scoped('checkFinite', () => sum(t));
  const s = (await total.data())[0]!;
  total.dispose();
  if (!Number.isFinite(s)) {
    const d = await t.data();
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      if (!Number.isFinite(v)) {
        throw new Error(
          `${what} contains ${v} at flat index ${i} (example ${exampleOf(t, i)}); clean the data before training`,
        );
      }
    }
  }
  if (!(t instanceof Variable)) verifiedFinite.add(t);
}

/** The example (index along the first axis) that flat position `i` of `t` belongs to. */
function exampleOf(t: Tensor, i: number): number {
  return t.shape.length > 0 && t.shape[0]! > 0 ? Math.floor(i / (t.size / t.shape[0]!)) : 0;
}

/**
 * Read `t` on the host and throw `message(value, flatIndex, example)` at its first value that is not `ok`.
 * A tensor that passes is remembered in `cache` under `key` (the bound it was checked against), so the next
 * call with the same tensor and bound reads nothing; variables are never remembered (they change).
 */
async function scanOnce(
  t: Tensor,
  cache: WeakMap<Tensor, number>,
  key: number,
  ok: (v: number) => boolean,
  message: (v: number, i: number, example: number) => string,
): Promise<void> {
  if (cache.get(t) === key || t.size === 0) return;
  const d = await t.data();
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (!ok(v)) throw new Error(message(v, i, exampleOf(t, i)));
  }
  if (!(t instanceof Variable)) cache.set(t, key);
}

/** Label tensors already checked, with the class count they were checked against. */
const verifiedLabels = new WeakMap<Tensor, number>();

/**
 * @internal For a sparse loss, check on the host, once per label tensor, that every label is a whole
 * number in `[0, classes)`, naming the loss and the offending label. The fused loss kernels then never
 * need to read labels back (on WebGPU they could not), and give NaN rather than a wrong loss if called
 * directly with a bad label.
 */
export async function checkSparseLabels(
  y: Tensor,
  classes: number | null | undefined,
  lossName: string,
  what: string,
): Promise<void> {
  if (typeof classes !== 'number') return;
  await scanOnce(
    y,
    verifiedLabels,
    classes,
    (v) => Number.isInteger(v) && v >= 0 && v < classes,
    (v, i, row) =>
      `${what}: loss '${lossName}' got label ${v} at flat index ${i} (example ${row}) of y [${y.shape.join(', ')}]; expected a class index in [0, ${classes})`,
  );
}

/** Input tensors already checked, with the id limit they were checked against. */
const verifiedIds = new WeakMap<Tensor, number>();

/**
 * @internal When the model starts with an Embedding, check on the host, once per input tensor, that every id
 * (after the Embedding's cast to int32) is in `[0, inputDim)`, naming the layer and the offending id. The
 * Embedding checks each batch itself where the backend reads synchronously; on WebGPU the gather would clamp
 * a bad id silently, so this is where it is caught.
 */
export async function checkEmbeddingIds(
  x: Tensor,
  limit: number,
  layerName: string,
  what: string,
): Promise<void> {
  await scanOnce(
    x,
    verifiedIds,
    limit,
    (v) => Number.isFinite(v) && Math.trunc(v) >= 0 && Math.trunc(v) < limit,
    (v, i, row) =>
      `${what}: Embedding '${layerName}' got id ${v} at flat index ${i} (example ${row}) of x [${x.shape.join(', ')}]; expected an id in [0, ${limit})`,
  );
}

/** @internal Check labels against the model's output shape for the given loss. */
export function checkTargets(y: Tensor, outputShape: SymbolicShape, lossName: string, what: string): void {
  const sparse = /sparse/i.test(lossName);
  if (sparse) {
    // One class id per output position: the output shape without its class axis (or with a trailing 1).
    const positions = outputShape.slice(1, -1);
    const labels =
      y.rank === outputShape.length && y.shape[y.rank - 1] === 1 ? y.shape.slice(1, -1) : y.shape.slice(1);
    const ok = labels.length === positions.length && positions.every((d, i) => d === null || d === labels[i]);
    if (!ok) {
      const want = fmtShape([null, ...positions]);
      throw new Error(
        `${what}: loss '${lossName}' expects integer class labels of shape ${want} for the model's output ${fmtShape(outputShape)}, got [${y.shape.join(', ')}]`,
      );
    }
    return;
  }
  // Keras accepts [n] targets for an [n, 1] output.
  const expected = outputShape.slice(1);
  const actual = y.rank === 1 && expected.length === 1 && expected[0] === 1 ? [1] : y.shape.slice(1);
  const ok = expected.length === actual.length && expected.every((d, i) => d === null || d === actual[i]);
  if (!ok) {
    throw new Error(
      `${what}: targets of shape [${y.shape.join(', ')}] do not match the model's output ${fmtShape(outputShape)} (loss '${lossName}')`,
    );
  }
}

/** @internal Per-example weights from `classWeight` (by the label's class) and/or `sampleWeight`. */
export async function exampleWeights(
  y: Tensor,
  lossName: string,
  classWeight: Readonly<Record<number, number>> | undefined,
  sampleWeight: Tensor | undefined,
  n: number,
): Promise<Float32Array | null> {
  if (!classWeight && !sampleWeight) return null;
  const w = new Float32Array(n).fill(1);
  if (sampleWeight) {
    if (sampleWeight.rank !== 1 || sampleWeight.shape[0] !== n) {
      throw new Error(
        `fit: sampleWeight must have shape [${n}] (one weight per example), got [${sampleWeight.shape.join(', ')}]`,
      );
    }
    const s = await sampleWeight.data();
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(s[i]!) || s[i]! < 0)
        throw new Error(`fit: sampleWeight[${i}] is ${s[i]}; weights must be finite and >= 0`);
      w[i] = s[i]!;
    }
  }
  if (classWeight) {
    const labels = await y.data();
    const per = y.size / Math.max(n, 1);
    for (let i = 0; i < n; i++) {
      // Sparse labels are class ids, a single output is a binary 0/1 label, otherwise take the one-hot argmax.
      let cls = 0;
      if (per === 1) cls = /sparse/i.test(lossName) ? labels[i]! : Math.round(labels[i]!);
      else for (let k = 1; k < per; k++) if (labels[i * per + k]! > labels[i * per + cls]!) cls = k;
      const cw = classWeight[cls];
      if (cw !== undefined) w[i]! *= cw;
    }
  }
  return w;
}

/**
 * @internal Give the event loop a turn (timers, I/O, UI) when a few milliseconds of work have passed since
 * the last one, through an unclamped macrotask (see `yield.ts`).
 */
export function yieldToEventLoop(): Promise<void> {
  return trainingYielder().maybeYield();
}
