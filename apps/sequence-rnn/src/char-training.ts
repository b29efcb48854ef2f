/**
 * The pieces of character-model training shared by the CLI (`text-train.ts`) and the web page's training
 * worker (no Node imports): compiling, cutting an epoch into shuffled batches of windows, one update step,
 * and the held-out loss.
 *
 * @packageDocumentation
 */
import * as nr from '@neurona/core';
import { windowLosses } from './char-model.js';
import { gatherRows, nextCharWindows } from './windows.js';

/**
 * Compile a character model for the training loop below: Adam at `learningRate` with the gradient norm
 * clipped to 5. Training computes the loss itself (`fit` rejects `[batch, time]` sparse labels); compiling
 * ties the optimizer to the model, so `model.dispose()` frees its state too. Returns the optimizer.
 *
 * @example
 * ```ts
 * const optimizer = compileCharModel(model, 0.01);
 * ```
 */
export function compileCharModel(model: nr.Sequential, learningRate: number): nr.Optimizer {
  const optimizer = nr.optimizers.adam({ learningRate, globalClipNorm: 5 });
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy' });
  return optimizer;
}

/**
 * One epoch's batches: the training ids cut into windows of `seqLen` (from offset 0 in the first epoch, a
 * random offset below `seqLen` after, so windows start at new places), shuffled with `rng`, in batches of
 * `batchSize` window indices.
 *
 * @example
 * ```ts
 * const { x, y, batches } = epochBatches(trainIds, 64, 16, epoch, nr.engine().rng);
 * ```
 */
export function epochBatches(
  train: Int32Array,
  seqLen: number,
  batchSize: number,
  epoch: number,
  rng: nr.Rng,
): { x: Int32Array; y: Int32Array; batches: Int32Array[] } {
  const offset = epoch === 0 ? 0 : rng.int(seqLen);
  const { x, y, count } = nextCharWindows(train, seqLen, offset);
  const order = Int32Array.from({ length: count }, (_, i) => i);
  rng.shuffle(order);
  const batches: Int32Array[] = [];
  for (let s = 0; s * batchSize < count; s++) {
    batches.push(order.subarray(s * batchSize, Math.min(count, (s + 1) * batchSize)));
  }
  return { x, y, batches };
}

/**
 * One update on the windows `rows` of `x` / `y`: mean next-character cross-entropy, gradients, an optimizer
 * step. Resolves to the batch's loss before the update (nats per character).
 *
 * @example
 * ```ts
 * const loss = await trainCharBatch(model, optimizer, x, y, 64, batches[0]);
 * ```
 */
export async function trainCharBatch(
  model: nr.Sequential,
  optimizer: nr.Optimizer,
  x: Int32Array,
  y: Int32Array,
  seqLen: number,
  rows: Int32Array,
): Promise<number> {
  const vars = model.trainableWeights;
  const loss = nr.tidy(() => {
    const xb = nr.tensor(gatherRows(x, seqLen, rows), [rows.length, seqLen], 'int32');
    const yb = nr.tensor(gatherRows(y, seqLen, rows), [rows.length, seqLen], 'int32');
    const { value, grads } = nr.variableGrads(() => nr.mean(windowLosses(model, xb, yb, true)), vars);
    optimizer.applyGradients(vars.map((v) => ({ variable: v, grad: grads[v.name]! })));
    return value;
  });
  try {
    return (await loss.data())[0]!;
  } finally {
    loss.dispose();
  }
}

/**
 * Mean next-character cross-entropy (nats per predicted character) of `model` on `ids`, cut into
 * non-overlapping windows of `seqLen`, evaluated in batches.
 *
 * @example
 * ```ts
 * const nats = await heldOutLoss(model, vocab.encode(heldOutText), 64);
 * ```
 */
export async function heldOutLoss(
  model: nr.Sequential,
  ids: Int32Array,
  seqLen: number,
  batchSize = 64,
): Promise<number> {
  const { x, y, count } = nextCharWindows(ids, seqLen);
  if (count === 0) {
    throw new Error(`heldOutLoss: ${ids.length} held-out characters make no window of ${seqLen} + 1`);
  }
  let total = 0;
  for (let start = 0; start < count; start += batchSize) {
    const n = Math.min(batchSize, count - start);
    const losses = nr.tidy(() => {
      const xb = nr.tensor(x.subarray(start * seqLen, (start + n) * seqLen), [n, seqLen], 'int32');
      const yb = nr.tensor(y.subarray(start * seqLen, (start + n) * seqLen), [n, seqLen], 'int32');
      return nr.sum(windowLosses(model, xb, yb));
    });
    total += (await losses.data())[0]!;
    losses.dispose();
  }
  return total / count;
}
