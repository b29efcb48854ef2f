import { type Callback, CallbackList, History, type Logs, type TrainParams } from '../callbacks/callback.js';
import { engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import type { Layer, SymbolicShape } from '../layers/layer.js';
import type { LossFn } from '../losses/losses.js';
import type { Metric } from '../metrics/metrics.js';
import { add, mul } from '../ops/binary.js';
import { tensor } from '../ops/creation.js';
import { concat, gather, slice } from '../ops/movement.js';
import { mean } from '../ops/reduce.js';
import type { Optimizer } from '../optimizers/index.js';
import {
  batchSizeFor,
  checkEmbeddingIds,
  checkFinite,
  checkSparseLabels,
  checkTargets,
  exampleWeights,
  type GradientDescentMode,
  yieldToEventLoop,
} from './data.js';
import { exclusiveFit } from './guard.js';
import { batchStats, forwardLoss, regularization, type StepModel, trainStep } from './step.js';
import { checkEvaluateArgs, checkFitArgs, checkPredictArgs, modelFacts } from './validate.js';
import { checkEvaluateData, checkFitData } from './validate-data.js';

/**
 * Options of `model.fit`.
 *
 * @example
 * ```ts
 * await model.fit(x, y, { epochs: 10, batchSize: 64, validationSplit: 0.1, callbacks: [nr.callbacks.earlyStopping()] });
 * ```
 */
export interface FitArgs {
  /** Passes over the training data (default 1). */
  epochs?: number;
  /** Examples per update in `'minibatch'` mode (default 32). */
  batchSize?: number;
  /** Gradient-descent regime: `'batch'`, `'stochastic'` or `'minibatch'` (default). */
  mode?: GradientDescentMode;
  /** Shuffle the training examples every epoch with the seeded generator (default true). */
  shuffle?: boolean;
  /** Fraction of the data (taken from the end, before shuffling) held out for validation. */
  validationSplit?: number;
  /** Held-out `[x, y]` evaluated after each epoch (takes precedence over `validationSplit`). */
  validationData?: readonly [Tensor, Tensor];
  /** Loss weight per class id (sparse or one-hot labels, or 0/1 for a single output). */
  classWeight?: Readonly<Record<number, number>>;
  /** Loss weight per example, shape `[n]`. */
  sampleWeight?: Tensor;
  callbacks?: readonly Callback[];
  /** 0 silent, 1 progress bar (Node) or one line per epoch (browser), 2 one line per epoch. Default 1. */
  verbose?: 0 | 1 | 2;
  /** Epoch to start from (to resume training). */
  initialEpoch?: number;
}

/**
 * Options of `model.evaluate`.
 *
 * @example
 * ```ts
 * const { loss, accuracy } = await model.evaluate(xTest, yTest, { batchSize: 256 });
 * ```
 */
export interface EvaluateArgs {
  batchSize?: number;
  sampleWeight?: Tensor;
}

/**
 * Options of `model.predict`.
 *
 * @example
 * ```ts
 * const probs = model.predict(xTest, { batchSize: 256 });
 * ```
 */
export interface PredictArgs {
  batchSize?: number;
}

/** @internal What fit needs of a model beyond a training step. */
export interface FitModel extends StepModel {
  readonly name: string;
  readonly layers: readonly Layer[];
  stopTraining: boolean;
  lossFn: LossFn | null;
  metricList: Metric[];
  readonly optimizer: Optimizer | null;
  readonly outputShape: SymbolicShape;
  ensureBuiltFor(shape: readonly number[], what: string): void;
  getWeights(): Tensor[];
  setWeights(ws: readonly Tensor[]): void;
}

/** The first layer that is not an InputLayer, when it is an Embedding: its id limit and name. */
function leadingEmbedding(model: FitModel): { limit: number; name: string } | null {
  const first = model.layers.find((l) => l.className !== 'InputLayer') as
    | (Layer & { inputDim?: unknown })
    | undefined;
  if (first?.className !== 'Embedding' || typeof first.inputDim !== 'number') return null;
  return { limit: first.inputDim, name: first.name };
}

/** Check the ids of every input tensor given to a model that starts with an Embedding. */
async function checkIds(model: FitModel, xs: readonly Tensor[], what: string): Promise<void> {
  const emb = leadingEmbedding(model);
  if (!emb) return;
  for (const x of xs) await checkEmbeddingIds(x, emb.limit, emb.name, what);
}

function compiled(model: FitModel, what: string): { lossFn: LossFn; optimizer: Optimizer | null } {
  if (!model.lossFn)
    throw new Error(`Sequential '${model.name}'.${what}: call compile({ optimizer, loss }) first`);
  return { lossFn: model.lossFn, optimizer: model.optimizer };
}

function checkPair(model: FitModel, x: Tensor, y: Tensor, what: string, lossName: string): void {
  if (x.rank === 0) throw new Error(`${what}: x must have a batch dimension, got a scalar`);
  if (y.rank === 0) throw new Error(`${what}: y must have a batch dimension, got a scalar`);
  if (x.shape[0] !== y.shape[0]) {
    throw new Error(`${what}: x has ${x.shape[0]} examples but y has ${y.shape[0]} labels`);
  }
  model.ensureBuiltFor(x.shape, 'x');
  checkTargets(y, model.outputShape, lossName, what);
}

/** Rows `idx` of `t` (a contiguous slice when the indices are consecutive). */
function takeRows(t: Tensor, idx: Int32Array, contiguous: boolean): Tensor {
  if (contiguous) return slice(t, [idx[0]!], [idx.length]);
  return gather(t, tensor(idx, [idx.length], 'int32'), 0);
}

function sumInto(acc: Float64Array, v: ArrayLike<number>, scale: number): void {
  acc[0]! += v[0]! * scale; // the loss is a batch mean: weight it by the batch size
  for (let i = 1; i < acc.length; i++) acc[i]! += v[i]!;
}

function logsFrom(acc: Float64Array, count: number, metrics: readonly Metric[], prefix = ''): Logs {
  const logs: Logs = { [`${prefix}loss`]: acc[0]! / Math.max(count, 1) };
  let offset = 1;
  for (const m of metrics) {
    const k = m.batchStatsSize ?? 2;
    logs[`${prefix}${m.name}`] = m.result(Array.from(acc.subarray(offset, offset + k)));
    offset += k;
  }
  return logs;
}

/** @internal The training loop behind `model.fit`; one at a time per model. */
export function fitModel(model: FitModel, x: Tensor, y: Tensor, args: FitArgs): Promise<History> {
  return exclusiveFit(model, () => fitLoop(model, x, y, args));
}

async function fitLoop(model: FitModel, x: Tensor, y: Tensor, args: FitArgs): Promise<History> {
  checkFitArgs(x, y, args, modelFacts(model));
  const { lossFn, optimizer } = compiled(model, 'fit');
  if (!optimizer) throw new Error(`Sequential '${model.name}'.fit: no optimizer; call compile() first`);
  checkPair(model, x, y, 'fit', lossFn.lossName);
  const epochs = args.epochs ?? 1;
  const initialEpoch = args.initialEpoch ?? 0;
  if (!Number.isInteger(epochs) || epochs < 0)
    throw new Error(`fit: epochs must be a non-negative integer, got ${epochs}`);
  const split = args.validationSplit ?? 0;
  if (!(split >= 0 && split < 1)) throw new Error(`fit: validationSplit must be in [0, 1), got ${split}`);
  await checkFinite(x, 'fit: x');
  await checkFitData(y, args.validationData, lossFn.lossName);
  await checkIds(model, [x], 'fit: x');
  if (args.validationData) await checkIds(model, [args.validationData[0]], 'fit: validationData x');
  if (/sparse/i.test(lossFn.lossName)) {
    const classes = model.outputShape[model.outputShape.length - 1];
    await checkSparseLabels(y, classes, lossFn.lossName, 'fit: y');
  } else await checkFinite(y, 'fit: y');
  const n = x.shape[0]!;
  const nVal = args.validationData ? 0 : Math.floor(n * split);
  const nTrain = n - nVal;
  if (nTrain === 0) throw new Error(`fit: no training examples left (n = ${n}, validationSplit = ${split})`);
  const mode = args.mode ?? 'minibatch';
  const batchSize = Math.min(batchSizeFor(mode, args.batchSize, nTrain), nTrain);
  const weights = await exampleWeights(y, lossFn.lossName, args.classWeight, args.sampleWeight, n);
  let validation: readonly [Tensor, Tensor] | null = null;
  let ownValidation: Tensor[] = [];
  if (args.validationData) {
    const [xv, yv] = args.validationData;
    checkPair(model, xv, yv, 'fit: validationData', lossFn.lossName);
    validation = [xv, yv];
  } else if (nVal > 0) {
    ownValidation = [slice(x, [nTrain], [nVal]), slice(y, [nTrain], [nVal])];
    validation = [ownValidation[0]!, ownValidation[1]!];
  }
  optimizer.prepare(model.trainableWeights);

  const metrics = model.metricList;
  const statsSize = 1 + metrics.reduce((s, m) => s + (m.batchStatsSize ?? 2), 0);
  const stepsPerEpoch = Math.ceil(nTrain / batchSize);
  const verbose = args.verbose ?? 1;
  const history = new History();
  // User callbacks run first, so what they add to the logs (e.g. `lr`) is recorded and shown.
  const callbacks: Callback[] = [...(args.callbacks ?? []), history];
  if (verbose === 1 && typeof process !== 'undefined' && process.versions?.node !== undefined) {
    const { progressBar } = await import('../callbacks/progress.js');
    callbacks.push(progressBar());
  } else if (verbose > 0) {
    callbacks.push({
      onEpochEnd: (epoch, logs) =>
        console.log(
          `Epoch ${epoch + 1}/${epochs} ${Object.entries(logs ?? {})
            .map(([k, v]) => `${k}=${v.toFixed(4)}`)
            .join(' ')}`,
        ),
    });
  }
  const list = new CallbackList(callbacks);
  const params: TrainParams = {
    epochs,
    initialEpoch,
    samples: nTrain,
    batchSize,
    stepsPerEpoch,
    metrics: ['loss', ...metrics.map((m) => m.name)],
    verbose,
  };
  list.setContext(model, params);
  model.stopTraining = false;
  const order = new Int32Array(nTrain);
  const shuffle = args.shuffle ?? true;
  const rng = engine().rng;
  try {
    await list.trainBegin({});
    for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
      for (let i = 0; i < nTrain; i++) order[i] = i;
      if (shuffle && nTrain > 1) rng.shuffle(order);
      await list.epochBegin(epoch, {});
      const acc = new Float64Array(statsSize);
      let seen = 0;
      for (let b = 0; b < stepsPerEpoch && !model.stopTraining; b++) {
        const idx = order.subarray(b * batchSize, Math.min(nTrain, (b + 1) * batchSize));
        const size = idx.length;
        await list.batchBegin(b, { batch: b, size });
        const contiguous = !shuffle;
        const stats = engine().scoped('fitBatch', () => {
          const xb = takeRows(x, idx, contiguous);
          const yb = takeRows(y, idx, contiguous);
          const wb = weights ? Float32Array.from(idx, (i) => weights[i]!) : null;
          return trainStep(model, lossFn, optimizer, metrics, xb, yb, wb);
        });
        const values = await stats.data();
        stats.dispose();
        sumInto(acc, values, size);
        seen += size;
        await list.batchEnd(b, { batch: b, size, ...logsFrom(acc, seen, metrics) });
        await yieldToEventLoop();
      }
      const logs = logsFrom(acc, seen, metrics);
      if (validation) {
        const val = await evaluateModel(model, validation[0], validation[1], {
          batchSize: Math.max(batchSize, 32),
        });
        for (const [k, v] of Object.entries(val)) logs[`val_${k}`] = v;
      }
      await list.epochEnd(epoch, logs);
    }
    await list.trainEnd({});
  } finally {
    for (const t of ownValidation) t.dispose();
  }
  return history;
}

/** @internal Loss and metrics over a dataset, in inference mode. */
export async function evaluateModel(
  model: FitModel,
  x: Tensor,
  y: Tensor,
  args: EvaluateArgs,
): Promise<Logs> {
  checkEvaluateArgs(x, y, args, modelFacts(model));
  const { lossFn } = compiled(model, 'evaluate');
  checkPair(model, x, y, 'evaluate', lossFn.lossName);
  await checkEvaluateData(x, y, lossFn.lossName);
  await checkIds(model, [x], 'evaluate: x');
  if (/sparse/i.test(lossFn.lossName)) {
    const classes = model.outputShape[model.outputShape.length - 1];
    await checkSparseLabels(y, classes, lossFn.lossName, 'evaluate: y');
  }
  const n = x.shape[0]!;
  const batchSize = args.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`evaluate: batchSize must be a positive integer, got ${batchSize}`);
  const weights = await exampleWeights(y, lossFn.lossName, undefined, args.sampleWeight, n);
  const metrics = model.metricList;
  const acc = new Float64Array(1 + metrics.reduce((s, m) => s + (m.batchStatsSize ?? 2), 0));
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const stats = engine().scoped('evaluateBatch', () => {
      const xb = slice(x, [start], [size]);
      const yb = slice(y, [start], [size]);
      const w = weights ? tensor(weights.subarray(start, start + size), [size]) : null;
      const { pred, perExample } = forwardLoss(model, lossFn, xb, yb, false);
      let loss = mean(w ? mul(perExample, w) : perExample);
      const reg = regularization(model);
      if (reg) loss = add(loss, reg);
      return batchStats(loss, metrics, yb, pred, w);
    });
    const values = await stats.data();
    stats.dispose();
    sumInto(acc, values, size);
    await yieldToEventLoop();
  }
  return logsFrom(acc, n, metrics);
}

/** @internal Batched inference behind `model.predict`. */
export function predictModel(model: FitModel, x: Tensor, args: PredictArgs): Tensor {
  checkPredictArgs(x, args, modelFacts(model));
  if (x.rank === 0) throw new Error('predict: x must have a batch dimension, got a scalar');
  model.ensureBuiltFor(x.shape, 'x');
  const n = x.shape[0]!;
  const batchSize = args.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`predict: batchSize must be a positive integer, got ${batchSize}`);
  if (n <= batchSize) return engine().scoped('predict', () => model.apply(x, { training: false }));
  return engine().scoped('predict', () => {
    const parts: Tensor[] = [];
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      parts.push(
        engine().scoped('predictBatch', () => model.apply(slice(x, [start], [size]), { training: false })),
      );
    }
    const out = concat(parts, 0);
    for (const p of parts) p.dispose();
    return out;
  });
}
