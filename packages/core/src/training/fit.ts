import { type Callback, CallbackList, History, type Logs, type TrainParams } from '../callbacks/callback.js';
import { engine } from '../engine/engine.js';
import { Tensor } from '../engine/tensor.js';
import type { CompiledOutputs } from '../models/compile.js';
import { tensor } from '../ops/creation.js';
import { concat, gather, slice } from '../ops/movement.js';
import { batchSizeFor, type GradientDescentMode, yieldToEventLoop } from './data.js';
import {
  checkData,
  checkIds,
  checkValues,
  compiled,
  type Data,
  type FitModel,
  layoutOf,
  logsFrom,
  sumInto,
  weightsFor,
} from './fit-data.js';
import { type ModelData, toTensorList } from './model-data.js';
import { batchStats, forwardLoss, totalLoss, trainStep } from './step.js';

export type { FitModel } from './fit-data.js';

export type { ModelData } from './model-data.js';

import { fitCheck } from '../debug/backend-check.js';
import { exclusiveFit } from './guard.js';
import { checkEvaluateArgs, checkFitArgs, checkPredictArgs, modelFacts } from './validate.js';
import { checkEvaluateData, checkFitData } from './validate-data.js';
import { verboseCallback } from './verbose.js';

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
  validationData?: readonly [ModelData, ModelData];
  /** Loss weight per class id (sparse or one-hot labels, or 0/1 for a single output); models with one output only. */
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

/** Rows `idx` of `t` (a contiguous slice when the indices are consecutive). */
function takeRows(t: Tensor, idx: Int32Array, contiguous: boolean): Tensor {
  if (contiguous) return slice(t, [idx[0]!], [idx.length]);
  return gather(t, tensor(idx, [idx.length], 'int32'), 0);
}

/** @internal The training loop behind `model.fit`; one at a time per model. */
export function fitModel(model: FitModel, x: ModelData, y: ModelData, args: FitArgs): Promise<History> {
  return exclusiveFit(model, () => fitLoop(model, x, y, args));
}

/** Whether a value is a list or a name-keyed object of tensors (data of a model with several inputs or outputs). */
function isTensorCollection(v: unknown): boolean {
  if (v instanceof Tensor || v === null || typeof v !== 'object') return false;
  const parts = Array.isArray(v) ? v : Object.values(v);
  return parts.length > 0 && parts.every((t) => t instanceof Tensor);
}

/**
 * Whether the single-tensor argument checks of `validate.ts` apply: `x` and `y` are not lists or objects of
 * tensors (so a tensor, or something that is not data at all: null, a string, a nested JS array).
 */
function single(x: ModelData, y?: ModelData): boolean {
  return !isTensorCollection(x) && (y === undefined || !isTensorCollection(y));
}

async function fitLoop(model: FitModel, x: ModelData, y: ModelData, args: FitArgs): Promise<History> {
  const one = single(x, y);
  if (one) checkFitArgs(x as Tensor, y as Tensor, args, modelFacts(model));
  const { spec, optimizer } = compiled(model, 'fit');
  if (!optimizer)
    throw new Error(`${model.className} '${model.name}'.fit: no optimizer; call compile() first`);
  const data = checkData(model, x, y, 'fit', spec);
  const epochs = args.epochs ?? 1;
  const initialEpoch = args.initialEpoch ?? 0;
  if (!Number.isInteger(epochs) || epochs < 0)
    throw new Error(`fit: epochs must be a non-negative integer, got ${epochs}`);
  const split = args.validationSplit ?? 0;
  if (!(split >= 0 && split < 1)) throw new Error(`fit: validationSplit must be in [0, 1), got ${split}`);
  await checkValues(model, data, spec, 'fit', true);
  if (one && model.lossFn)
    await checkFitData(
      y as Tensor,
      args.validationData as readonly Tensor[] | undefined,
      model.lossFn.lossName,
    );
  let valData: Data | null = null;
  if (args.validationData) {
    valData = checkData(model, args.validationData[0], args.validationData[1], 'fit: validationData', spec);
    await checkIds(model, valData.xs, 'fit: validationData x');
  }
  const n = data.xs[0]!.shape[0]!;
  const nVal = args.validationData ? 0 : Math.floor(n * split);
  const nTrain = n - nVal;
  if (nTrain === 0) throw new Error(`fit: no training examples left (n = ${n}, validationSplit = ${split})`);
  const mode = args.mode ?? 'minibatch';
  const batchSize = Math.min(batchSizeFor(mode, args.batchSize, nTrain), nTrain);
  const weights = await weightsFor(model, spec, data.ys, args.classWeight, args.sampleWeight, n);
  let ownValidation: Tensor[] = [];
  if (!valData && nVal > 0) {
    const part = (t: Tensor): Tensor => slice(t, [nTrain], [nVal]);
    valData = { xs: data.xs.map(part), ys: data.ys.map(part) };
    ownValidation = [...valData.xs, ...valData.ys];
  }
  optimizer.prepare(model.trainableWeights);
  fitCheck(model);

  const layout = layoutOf(model, spec);
  const stepsPerEpoch = Math.ceil(nTrain / batchSize);
  const verbose = args.verbose ?? 1;
  const history = new History();
  // User callbacks run first, so what they add to the logs (e.g. `lr`) is recorded and shown.
  const callbacks: Callback[] = [...(args.callbacks ?? []), history];
  const shown = verboseCallback(verbose, epochs);
  if (shown) callbacks.push(shown);
  const list = new CallbackList(callbacks);
  const params: TrainParams = {
    epochs,
    initialEpoch,
    samples: nTrain,
    batchSize,
    stepsPerEpoch,
    metrics: [...layout.lossNames, ...layout.metrics.map((m) => m.name)],
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
      const acc = new Float64Array(layout.size);
      let seen = 0;
      for (let b = 0; b < stepsPerEpoch && !model.stopTraining; b++) {
        const idx = order.subarray(b * batchSize, Math.min(nTrain, (b + 1) * batchSize));
        const size = idx.length;
        await list.batchBegin(b, { batch: b, size });
        const contiguous = !shuffle;
        const stats = engine().scoped('fitBatch', () => {
          const rows = (t: Tensor): Tensor => takeRows(t, idx, contiguous);
          const wb = weights ? Float32Array.from(idx, (i) => weights[i]!) : null;
          return trainStep(model, spec, optimizer, data.xs.map(rows), data.ys.map(rows), wb);
        });
        const values = await stats.data();
        stats.dispose();
        sumInto(acc, values, size, layout);
        seen += size;
        await list.batchEnd(b, { batch: b, size, ...logsFrom(acc, seen, layout) });
        await yieldToEventLoop();
      }
      const logs = logsFrom(acc, seen, layout);
      if (valData) {
        const val = await evaluateData(model, spec, valData, Math.max(batchSize, 32), undefined);
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
  x: ModelData,
  y: ModelData,
  args: EvaluateArgs,
): Promise<Logs> {
  const one = single(x, y);
  if (one) checkEvaluateArgs(x as Tensor, y as Tensor, args, modelFacts(model));
  const { spec } = compiled(model, 'evaluate');
  const data = checkData(model, x, y, 'evaluate', spec);
  await checkValues(model, data, spec, 'evaluate', false);
  if (one && model.lossFn) await checkEvaluateData(x as Tensor, y as Tensor, model.lossFn.lossName);
  const batchSize = args.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`evaluate: batchSize must be a positive integer, got ${batchSize}`);
  return evaluateData(model, spec, data, batchSize, args.sampleWeight);
}

/** Batched evaluation of checked data. */
async function evaluateData(
  model: FitModel,
  spec: CompiledOutputs,
  data: Data,
  batchSize: number,
  sampleWeight: Tensor | undefined,
): Promise<Logs> {
  const n = data.xs[0]!.shape[0]!;
  const weights = await weightsFor(model, spec, data.ys, undefined, sampleWeight, n);
  const layout = layoutOf(model, spec);
  const acc = new Float64Array(layout.size);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const stats = engine().scoped('evaluateBatch', () => {
      const rows = (t: Tensor): Tensor => slice(t, [start], [size]);
      const xs = data.xs.map(rows);
      const ys = data.ys.map(rows);
      const w = weights ? tensor(weights.subarray(start, start + size), [size]) : null;
      const { preds, perExample } = forwardLoss(model, spec, xs, ys, false);
      const { loss, parts } = totalLoss(model, spec, perExample, w);
      return batchStats(loss, parts, spec.metricLists, ys, preds, w);
    });
    const values = await stats.data();
    stats.dispose();
    sumInto(acc, values, size, layout);
    await yieldToEventLoop();
  }
  return logsFrom(acc, n, layout);
}

/** @internal Batched inference behind `model.predict`: one tensor per output. */
export function predictModel(model: FitModel, x: ModelData, args: PredictArgs): Tensor[] {
  if (single(x)) checkPredictArgs(x as Tensor, args, modelFacts(model));
  const xs = toTensorList(x, () => model.inputNames, 'predict: x');
  for (const t of xs)
    if (t.rank === 0) throw new Error('predict: x must have a batch dimension, got a scalar');
  model.checkInputs(xs, 'x');
  const n = xs[0]!.shape[0]!;
  for (const t of xs) {
    if (t.shape[0] !== n)
      throw new Error(`predict: the inputs have different example counts (${n} and ${t.shape[0]})`);
  }
  const batchSize = args.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`predict: batchSize must be a positive integer, got ${batchSize}`);
  const run = (inputs: readonly Tensor[]): Tensor[] => model.execute(inputs, { training: false });
  if (n <= batchSize) return engine().scoped('predict', () => run(xs));
  return engine().scoped('predict', () => {
    const parts: Tensor[][] = [];
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      parts.push(engine().scoped('predictBatch', () => run(xs.map((t) => slice(t, [start], [size])))));
    }
    const outs = parts[0]!.map((_, o) =>
      concat(
        parts.map((p) => p[o]!),
        0,
      ),
    );
    for (const p of parts) for (const t of p) t.dispose();
    return outs;
  });
}
