/**
 * Argument checks of `fit`, `evaluate`, `predict` and `compile`: pure functions of (arguments, model facts),
 * so any model class can call them. Each error names the function, the argument and the value.
 */
import type { Tensor } from '../engine/tensor.js';
import {
  checkInteger,
  checkOneOf,
  checkOptionNames,
  checkTensor,
  describeValue,
  didYouMean,
} from './validate-options.js';

/**
 * @internal What the checks need to know about a model.
 *
 * @example
 * ```ts
 * const facts: ModelFacts = { name: 'm', disposed: false, lossName: 'mse', classes: 1 };
 * ```
 */
export interface ModelFacts {
  /** The model's name, for messages. */
  readonly name: string;
  /** True once `dispose()` freed its weights. */
  readonly disposed: boolean;
  /** The compiled loss's name, or null before `compile`. */
  readonly lossName: string | null;
  /** Size of the output's last axis once built (1 for a single binary output), else null. */
  readonly classes: number | null;
}

/** What `modelFacts` reads of a model. */
interface FactSource {
  readonly name: string;
  readonly layers: readonly { readonly built: boolean; readonly weights: readonly Tensor[] }[];
  readonly lossFn: { readonly lossName: string } | null;
  readonly outputShape: readonly (number | null)[];
}

/** Models whose `dispose()` has run. */
const disposedModels = new WeakSet<object>();

/**
 * @internal Record that `model.dispose()` ran, so later calls refuse with a clear error instead of rebuilding
 * fresh random weights.
 *
 * @example
 * ```ts
 * markDisposed(this);
 * ```
 */
export function markDisposed(model: object): void {
  disposedModels.add(model);
}

/**
 * @internal The facts of a model (Sequential today; any model with these members).
 *
 * @example
 * ```ts
 * checkPredictArgs(x, {}, modelFacts(model));
 * ```
 */
export function modelFacts(model: FactSource): ModelFacts {
  let classes: number | null = null;
  if (model.layers.length > 0 && model.layers.every((l) => l.built)) {
    try {
      const last = model.outputShape[model.outputShape.length - 1];
      classes = typeof last === 'number' ? last : null;
    } catch {
      classes = null;
    }
  }
  return {
    name: model.name,
    disposed: disposedModels.has(model) || model.layers.some((l) => l.weights.some((w) => w.isDisposed)),
    lossName: model.lossFn?.lossName ?? null,
    classes,
  };
}

/** Option names of `fit` (TensorFlow.js names). */
export const FIT_OPTIONS = [
  'epochs',
  'batchSize',
  'mode',
  'shuffle',
  'validationSplit',
  'validationData',
  'classWeight',
  'sampleWeight',
  'callbacks',
  'verbose',
  'initialEpoch',
] as const;
const EVALUATE_OPTIONS = ['batchSize', 'sampleWeight', 'verbose'] as const;
const PREDICT_OPTIONS = ['batchSize', 'verbose'] as const;
const COMPILE_OPTIONS = ['optimizer', 'loss', 'metrics', 'lossWeights', 'backendCheck'] as const;
const HOOKS = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd'];

/** Largest `validationSplit`: more leaves almost nothing to train on. */
const MAX_SPLIT = 0.9;

/**
 * @internal Throw when the model was disposed.
 *
 * @example
 * ```ts
 * checkLive('predict', modelFacts(model));
 * ```
 */
export function checkLive(where: string, facts: ModelFacts): void {
  if (facts.disposed) {
    throw new Error(
      `${where}: model '${facts.name}' has been disposed (its weights are freed); build or load a new one`,
    );
  }
}

function checkCallbacks(where: string, callbacks: unknown): void {
  if (callbacks === undefined) return;
  if (!Array.isArray(callbacks)) {
    throw new Error(
      `${where}: 'callbacks' must be an array of callback objects (such as [{ onEpochEnd(epoch, logs) {} }]), got ${describeValue(callbacks)}`,
    );
  }
  callbacks.forEach((c, i) => {
    if (c === null || typeof c !== 'object') {
      const fn = typeof c === 'function' ? ' (wrap the function in a hook: { onEpochEnd: fn })' : '';
      throw new Error(
        `${where}: callbacks[${i}] must be an object with hooks such as onEpochEnd, got ${describeValue(c)}${fn}`,
      );
    }
    for (const key of Object.keys(c)) {
      const value = (c as Record<string, unknown>)[key];
      if (HOOKS.includes(key)) {
        if (typeof value !== 'function' && value !== undefined)
          throw new Error(`${where}: callbacks[${i}].${key} must be a function, got ${describeValue(value)}`);
      } else if (/^on[A-Z]/.test(key)) {
        const hint = didYouMean(key, HOOKS);
        throw new Error(
          `${where}: callbacks[${i}] has an unknown hook '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}; hooks: ${HOOKS.join(', ')}`,
        );
      }
    }
  });
}

function checkClassWeight(where: string, classWeight: unknown, facts: ModelFacts): void {
  if (classWeight === undefined) return;
  if (classWeight === null || typeof classWeight !== 'object' || Array.isArray(classWeight)) {
    throw new Error(
      `${where}: 'classWeight' must be an object { classId: weight }, got ${describeValue(classWeight)}`,
    );
  }
  const classes = facts.classes === 1 ? 2 : facts.classes;
  for (const [key, w] of Object.entries(classWeight)) {
    const id = Number(key);
    if (!Number.isInteger(id) || id < 0 || (classes !== null && id >= classes)) {
      throw new Error(
        `${where}: classWeight has an unknown class '${key}'; the model's classes are ${classes === null ? 'integers >= 0' : `0 to ${classes - 1}`}`,
      );
    }
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      throw new Error(`${where}: classWeight[${key}] must be a finite number >= 0, got ${describeValue(w)}`);
    }
  }
}

/**
 * @internal Check the arguments of `fit` before anything runs.
 *
 * @example
 * ```ts
 * checkFitArgs(x, y, { epochs: 3 }, modelFacts(model));
 * ```
 */
export function checkFitArgs(x: unknown, y: unknown, args: unknown, facts: ModelFacts): void {
  const where = 'fit';
  checkLive(where, facts);
  checkTensor(where, 'x', x);
  checkTensor(where, 'y', y);
  checkOptionNames(where, 'options', args, FIT_OPTIONS);
  const a = (args ?? {}) as Record<string, unknown>;
  checkInteger(where, 'epochs', a.epochs, 1);
  checkInteger(where, 'batchSize', a.batchSize, 1);
  checkOneOf(where, 'mode', a.mode, ['batch', 'stochastic', 'minibatch']);
  checkOneOf(where, 'shuffle', a.shuffle, [true, false]);
  checkOneOf(where, 'verbose', a.verbose, [0, 1, 2]);
  const epochs = (a.epochs as number | undefined) ?? 1;
  checkInteger(where, 'initialEpoch', a.initialEpoch, 0);
  if (a.initialEpoch !== undefined && (a.initialEpoch as number) >= epochs) {
    throw new Error(
      `${where}: 'initialEpoch' (${a.initialEpoch}) must be below 'epochs' (${epochs}); epochs counts from 0, so nothing would train`,
    );
  }
  const split = a.validationSplit;
  if (split !== undefined) {
    if (typeof split !== 'number' || !Number.isFinite(split) || split < 0 || split > MAX_SPLIT) {
      throw new Error(
        `${where}: 'validationSplit' must be a number in [0, ${MAX_SPLIT}] (the fraction held out for validation), got ${describeValue(split)}`,
      );
    }
    const n = x.shape[0] ?? 0;
    if (split > 0 && a.validationData === undefined && Math.floor(n * split) < 1) {
      throw new Error(
        `${where}: 'validationSplit' ${split} of ${n} examples holds out no example; use a larger split or pass validationData`,
      );
    }
  }
  if (a.validationData !== undefined) {
    const v = a.validationData;
    if (!Array.isArray(v) || v.length !== 2) {
      throw new Error(`${where}: 'validationData' must be [x, y] (two Tensors), got ${describeValue(v)}`);
    }
    checkTensor(where, 'validationData[0] (x)', v[0]);
    checkTensor(where, 'validationData[1] (y)', v[1]);
  }
  if (a.sampleWeight !== undefined) checkTensor(where, 'sampleWeight', a.sampleWeight);
  checkClassWeight(where, a.classWeight, facts);
  checkCallbacks(where, a.callbacks);
}

/**
 * @internal Check the arguments of `evaluate`.
 *
 * @example
 * ```ts
 * checkEvaluateArgs(x, y, { batchSize: 64 }, modelFacts(model));
 * ```
 */
export function checkEvaluateArgs(x: unknown, y: unknown, args: unknown, facts: ModelFacts): void {
  const where = 'evaluate';
  checkLive(where, facts);
  checkTensor(where, 'x', x);
  checkTensor(where, 'y', y);
  checkOptionNames(where, 'options', args, EVALUATE_OPTIONS);
  const a = (args ?? {}) as Record<string, unknown>;
  checkInteger(where, 'batchSize', a.batchSize, 1);
  checkOneOf(where, 'verbose', a.verbose, [0, 1, 2]);
  if (a.sampleWeight !== undefined) checkTensor(where, 'sampleWeight', a.sampleWeight);
}

/**
 * @internal Check the arguments of `predict`.
 *
 * @example
 * ```ts
 * checkPredictArgs(x, {}, modelFacts(model));
 * ```
 */
export function checkPredictArgs(x: unknown, args: unknown, facts: ModelFacts): void {
  const where = 'predict';
  checkLive(where, facts);
  checkTensor(where, 'x', x);
  checkOptionNames(where, 'options', args, PREDICT_OPTIONS);
  const a = (args ?? {}) as Record<string, unknown>;
  checkInteger(where, 'batchSize', a.batchSize, 1);
  checkOneOf(where, 'verbose', a.verbose, [0, 1, 2]);
}

/**
 * @internal Check the arguments of `compile` (names and types; the optimizer, loss and metric lookups give
 * their own errors for unknown names).
 *
 * @example
 * ```ts
 * checkCompileArgs({ optimizer: 'adam', loss: 'mse' }, modelFacts(model));
 * ```
 */
export function checkCompileArgs(args: unknown, facts: ModelFacts): void {
  const where = 'compile';
  checkLive(where, facts);
  if (args === undefined) throw new Error(`${where}: expected { optimizer, loss, metrics? }, got undefined`);
  checkOptionNames(where, 'options', args, COMPILE_OPTIONS);
  const a = args as Record<string, unknown>;
  const { optimizer, loss, metrics } = a;
  if (
    optimizer !== undefined &&
    typeof optimizer !== 'string' &&
    (optimizer === null || typeof optimizer !== 'object')
  ) {
    throw new Error(
      `${where}: 'optimizer' must be a name such as 'adam' or an Optimizer, got ${describeValue(optimizer)}`,
    );
  }
  // A list or a name-keyed object gives one loss per output (checked per output by the model).
  if (
    loss !== undefined &&
    typeof loss !== 'string' &&
    typeof loss !== 'function' &&
    !Array.isArray(loss) &&
    (loss === null || typeof loss !== 'object')
  ) {
    throw new Error(
      `${where}: 'loss' must be a name such as 'meanSquaredError' or a function, got ${describeValue(loss)}`,
    );
  }
  // A name-keyed object gives metrics per output (checked per output by the model).
  if (metrics !== undefined && !Array.isArray(metrics) && (metrics === null || typeof metrics !== 'object')) {
    throw new Error(
      `${where}: 'metrics' must be an array (such as ['accuracy']) or an object of them per output, got ${describeValue(metrics)}`,
    );
  }
}
