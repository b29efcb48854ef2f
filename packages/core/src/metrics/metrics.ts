import { shapesEqual, type Tensor } from '../engine/tensor.js';
import {
  alignTargets,
  meanAbsoluteError,
  meanSquaredError,
  nameKey,
  perExample,
  perExampleValues,
  sparseLabels,
} from '../losses/losses.js';
import { equal, greater, logicalAnd, mul, notEqual } from '../ops/binary.js';
import { scalar } from '../ops/creation.js';
import { stack } from '../ops/movement.js';
import { argMax, sum } from '../ops/reduce.js';
import { cast, reshape } from '../ops/shape.js';
import { logicalNot } from '../ops/unary.js';
import { convert, fmt, op } from '../ops/util.js';

/**
 * A metric accumulated over batches: each batch contributes a few sums ({@link Metric.batchStats}), which
 * the training loop adds up; {@link Metric.result} turns the totals into the value shown in the logs.
 *
 * @example
 * ```ts
 * const m = nr.metrics.binaryAccuracy();
 * const totals = await m.batchStats(yTrue, yPred).data(); // [Σ w·correct, Σ w]
 * m.result(Array.from(totals));
 * ```
 */
export interface Metric {
  /** Key in the training logs, with Keras names: 'accuracy', 'binary_accuracy', 'precision', 'mse', ... */
  readonly name: string;
  /** How many sums {@link Metric.batchStats} returns (2 when absent). */
  readonly batchStatsSize?: number;
  /** Sums to accumulate over batches: a float32 tensor of shape [k] (e.g. [Σ w·correct, Σ w]). */
  batchStats(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor): Tensor;
  /** The metric value from the accumulated sums. */
  result(totals: readonly number[]): number;
}

/**
 * A user metric: per-example values `[batch]` (or `[batch, ...]`, averaged per example, or a scalar),
 * averaged over the dataset with the sample weights.
 *
 * @example
 * ```ts
 * const f: nr.metrics.MetricFunction = (t, p) => nr.abs(nr.sub(t, p));
 * ```
 */
export type MetricFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

/**
 * What {@link getMetric} knows about the model: the loss name and the output shape (batch axis first).
 *
 * @example
 * ```ts
 * const ctx: nr.metrics.MetricContext = { lossName: 'binaryCrossentropy', outputShape: [null, 1] };
 * ```
 */
export interface MetricContext {
  lossName?: string;
  outputShape?: readonly (number | null)[];
}

/** Optional display name shared by every factory. */
interface NameConfig {
  /** Key in the training logs (defaults to the Keras name). */
  name?: string;
}

/** Sample weights as float32 [batch] (accepting [batch, 1]). */
function weightsFor(name: string, sampleWeight: Tensor, yPred: Tensor): Tensor {
  const w = convert(sampleWeight, name, 'sampleWeight');
  const batch = yPred.shape[0]!;
  if (!shapesEqual(w.shape, [batch]) && !shapesEqual(w.shape, [batch, 1])) {
    throw new Error(
      `${name}: sampleWeight ${fmt(w.shape)} must have shape [${batch}] or [${batch}, 1] for yPred ${fmt(yPred.shape)}`,
    );
  }
  return cast(reshape(w, [batch]), 'float32');
}

function checkPred(name: string, yPred: Tensor): Tensor {
  const p = convert(yPred, name, 'yPred');
  if (p.rank === 0) throw new Error(`${name}: yPred must have a batch axis, got a scalar`);
  return p;
}

/** Σ a / Σ b, or 0 when Σ b is 0 (as Keras' divide-no-nan). */
function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/** A weighted mean of per-example values: stats [Σ w·v, Σ w]. */
function meanMetric(name: string, values: (yTrue: Tensor, yPred: Tensor) => Tensor): Metric {
  return {
    name,
    batchStatsSize: 2,
    batchStats: (yTrue, yPred, sampleWeight) =>
      op(name, () => {
        const p = checkPred(name, yPred);
        const v = values(convert(yTrue, name, 'yTrue'), p);
        if (!sampleWeight) return stack([sum(v), scalar(v.shape[0]!)]);
        const w = weightsFor(name, sampleWeight, p);
        return stack([sum(mul(v, w)), sum(w)]);
      }),
    result: (totals) => ratio(totals[0] ?? 0, totals[1] ?? 0),
  };
}

function checkThreshold(name: string, threshold: number): void {
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) {
    throw new Error(`${name}: threshold must be a finite number, got ${threshold}`);
  }
}

/**
 * Fraction of binary predictions that match: `yPred > threshold` compared with `yTrue` (0 or 1), averaged
 * over the non-batch axes per example, then weighted over examples.
 *
 * @example
 * ```ts
 * nr.metrics.binaryAccuracy({ threshold: 0.5 }); // logs as 'binary_accuracy'
 * ```
 */
export function binaryAccuracy(config: { threshold?: number } & NameConfig = {}): Metric {
  const name = config.name ?? 'binary_accuracy';
  const threshold = config.threshold ?? 0.5;
  checkThreshold(name, threshold);
  return meanMetric(name, (t, p) => {
    const y = alignTargets(name, t, p);
    return perExample(cast(equal(y, cast(greater(p, threshold), 'float32')), 'float32'));
  });
}

/**
 * Fraction of examples whose predicted class (argmax of `yPred` over the last axis) is the argmax of the
 * one-hot `yTrue`.
 *
 * @example
 * ```ts
 * nr.metrics.categoricalAccuracy(); // logs as 'categorical_accuracy'
 * ```
 */
export function categoricalAccuracy(config: NameConfig = {}): Metric {
  const name = config.name ?? 'categorical_accuracy';
  return meanMetric(name, (t, p) => {
    if (p.rank < 2)
      throw new Error(`${name}: yPred must have shape [batch, ..., classes], got ${fmt(p.shape)}`);
    const hint = ' (for integer class labels use sparseCategoricalAccuracy)';
    const y = alignTargets(name, t, p, hint);
    return perExample(cast(equal(argMax(y, -1), argMax(p, -1)), 'float32'));
  });
}

/**
 * Fraction of examples whose predicted class (argmax of `yPred` over the last axis) equals the integer
 * label in `yTrue` (shape `[batch]` or `[batch, 1]`).
 *
 * @example
 * ```ts
 * nr.metrics.sparseCategoricalAccuracy(); // logs as 'sparse_categorical_accuracy'
 * ```
 */
export function sparseCategoricalAccuracy(config: NameConfig = {}): Metric {
  const name = config.name ?? 'sparse_categorical_accuracy';
  return meanMetric(name, (t, p) =>
    perExample(cast(equal(sparseLabels(name, t, p), argMax(p, -1)), 'float32')),
  );
}

/** Generic accuracy objects made by {@link accuracy}, which {@link getMetric} resolves from its context. */
const generic = new WeakSet<Metric>();

/**
 * Accuracy of the kind that fits the data: {@link getMetric} picks binary, categorical or sparse
 * categorical accuracy from the loss and output shape, as Keras does for `'accuracy'`. Used directly, it
 * decides per batch from the shapes: a last dimension of 1 is binary, `yTrue` shaped like `yPred` is
 * categorical, class indices are sparse. Logs as 'accuracy'.
 *
 * @example
 * ```ts
 * model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: [nr.metrics.accuracy()] });
 * ```
 */
export function accuracy(config: NameConfig = {}): Metric {
  const name = config.name ?? 'accuracy';
  const binary = binaryAccuracy({ name });
  const categorical = categoricalAccuracy({ name });
  const sparse = sparseCategoricalAccuracy({ name });
  const m: Metric = {
    name,
    batchStatsSize: 2,
    batchStats(yTrue, yPred, sampleWeight) {
      const p = checkPred(name, yPred);
      const t = convert(yTrue, name, 'yTrue');
      const pick =
        p.rank === 1 || p.shape[p.rank - 1] === 1
          ? binary
          : shapesEqual(t.shape, p.shape)
            ? categorical
            : sparse;
      return pick.batchStats(t, p, sampleWeight);
    },
    result: binary.result,
  };
  generic.add(m);
  return m;
}

/** Weighted confusion counts [tp, fp] (precision) or [tp, fn] (recall) over every element. */
function confusionMetric(name: string, other: 'fp' | 'fn', threshold: number): Metric {
  checkThreshold(name, threshold);
  return {
    name,
    batchStatsSize: 2,
    batchStats: (yTrue, yPred, sampleWeight) =>
      op(name, () => {
        const p = checkPred(name, yPred);
        const actual = notEqual(alignTargets(name, convert(yTrue, name, 'yTrue'), p), 0);
        const predicted = greater(p, threshold);
        const tp = logicalAnd(predicted, actual);
        const second =
          other === 'fp'
            ? logicalAnd(predicted, logicalNot(actual))
            : logicalAnd(logicalNot(predicted), actual);
        let counts = [cast(tp, 'float32'), cast(second, 'float32')];
        if (sampleWeight) {
          // One weight per example, broadcast over its elements.
          const w = reshape(
            weightsFor(name, sampleWeight, p),
            p.shape.map((d, i) => (i === 0 ? d : 1)),
          );
          counts = counts.map((c) => mul(c, w));
        }
        return stack(counts.map((c) => sum(c)));
      }),
    result: (totals) => ratio(totals[0] ?? 0, (totals[0] ?? 0) + (totals[1] ?? 0)),
  };
}

/**
 * Binary precision `tp / (tp + fp)`, with predictions `yPred > threshold` and positives `yTrue != 0`,
 * counted over every element; 0 while nothing is predicted positive.
 *
 * @example
 * ```ts
 * nr.metrics.precision({ threshold: 0.5 }); // logs as 'precision'
 * ```
 */
export function precision(config: { threshold?: number } & NameConfig = {}): Metric {
  return confusionMetric(config.name ?? 'precision', 'fp', config.threshold ?? 0.5);
}

/**
 * Binary recall `tp / (tp + fn)`, with predictions `yPred > threshold` and positives `yTrue != 0`, counted
 * over every element; 0 while there are no positives.
 *
 * @example
 * ```ts
 * nr.metrics.recall({ threshold: 0.5 }); // logs as 'recall'
 * ```
 */
export function recall(config: { threshold?: number } & NameConfig = {}): Metric {
  return confusionMetric(config.name ?? 'recall', 'fn', config.threshold ?? 0.5);
}

/**
 * Mean squared error, averaged over examples (with sample weights).
 *
 * @example
 * ```ts
 * nr.metrics.mse(); // logs as 'mse'
 * ```
 */
export function mse(config: NameConfig = {}): Metric {
  const loss = meanSquaredError();
  return meanMetric(config.name ?? 'mse', (t, p) => loss(t, p));
}

/**
 * Mean absolute error, averaged over examples (with sample weights).
 *
 * @example
 * ```ts
 * nr.metrics.mae(); // logs as 'mae'
 * ```
 */
export function mae(config: NameConfig = {}): Metric {
  const loss = meanAbsoluteError();
  return meanMetric(config.name ?? 'mae', (t, p) => loss(t, p));
}

function resolveAccuracy(name: string, context: MetricContext): Metric {
  const loss = nameKey(context.lossName ?? '');
  if (loss === 'sparsecategoricalcrossentropy') return sparseCategoricalAccuracy({ name });
  if (loss === 'categoricalcrossentropy') return categoricalAccuracy({ name });
  if (loss === 'binarycrossentropy') return binaryAccuracy({ name });
  const shape = context.outputShape;
  if (!shape) return accuracy({ name }); // nothing known yet: decide per batch from the shapes
  if (shape.length <= 1 || shape[shape.length - 1] === 1) return binaryAccuracy({ name });
  return categoricalAccuracy({ name });
}

const FACTORIES: ReadonlyArray<readonly [readonly string[], () => Metric]> = [
  [['binary_accuracy', 'binaryAccuracy'], () => binaryAccuracy()],
  [['categorical_accuracy', 'categoricalAccuracy'], () => categoricalAccuracy()],
  [['sparse_categorical_accuracy', 'sparseCategoricalAccuracy'], () => sparseCategoricalAccuracy()],
  [['precision'], () => precision()],
  [['recall'], () => recall()],
  [['mse', 'mean_squared_error', 'meanSquaredError'], () => mse()],
  [['mae', 'mean_absolute_error', 'meanAbsoluteError'], () => mae()],
];

/**
 * Resolve a metric: a name (`'accuracy'`/`'acc'`, `'binary_accuracy'`, `'sparseCategoricalAccuracy'`,
 * `'precision'`, `'recall'`, `'mse'`, `'mae'`, ...; snake or camel case), a {@link Metric}, or a function
 * `(yTrue, yPred) => Tensor` of per-example values (averaged; named after the function). `'accuracy'` becomes
 * categorical accuracy for categoricalCrossentropy, sparse for sparseCategoricalCrossentropy, binary for
 * binaryCrossentropy or a last output dimension of 1, else categorical; it logs as 'accuracy'.
 *
 * @example
 * ```ts
 * const m = nr.metrics.getMetric('acc', { lossName: 'sparseCategoricalCrossentropy' });
 * m.name; // 'accuracy'
 * ```
 */
export function getMetric(
  nameOrMetric: string | Metric | MetricFunction,
  context: MetricContext = {},
): Metric {
  if (typeof nameOrMetric === 'function') {
    const fn = nameOrMetric;
    const name = fn.name || 'custom';
    return meanMetric(name, (t, p) => perExampleValues(name, fn(t, p), p));
  }
  if (nameOrMetric && typeof nameOrMetric === 'object' && typeof nameOrMetric.batchStats === 'function') {
    return generic.has(nameOrMetric) ? resolveAccuracy(nameOrMetric.name, context) : nameOrMetric;
  }
  if (typeof nameOrMetric === 'string') {
    const key = nameKey(nameOrMetric);
    if (key === 'accuracy' || key === 'acc') return resolveAccuracy('accuracy', context);
    const hit = FACTORIES.find(([names]) => names.some((n) => nameKey(n) === key));
    if (hit) return hit[1]();
  }
  const known = ['accuracy', 'acc', ...FACTORIES.flatMap(([names]) => names)].join(', ');
  throw new Error(`getMetric: unknown metric ${JSON.stringify(nameOrMetric)}; known metrics: ${known}`);
}
