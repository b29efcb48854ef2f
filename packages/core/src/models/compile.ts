import type { BackendCheck } from '../debug/backend-check.js';
import type { Tensor } from '../engine/tensor.js';
import type { SymbolicShape } from '../layers/layer.js';
import { getLoss, type LossFn } from '../losses/losses.js';
import { getMetric, type Metric } from '../metrics/metrics.js';
import type { Optimizer } from '../optimizers/index.js';

/**
 * A loss: a built-in name (`'meanSquaredError'`, `'categoricalCrossentropy'`, ...), a loss from
 * `nr.losses`, or a function of `(yTrue, yPred)` giving per-example values.
 *
 * @example
 * ```ts
 * const l: nr.LossArg = 'meanSquaredError';
 * ```
 */
export type LossArg = LossFn | string | ((yTrue: Tensor, yPred: Tensor) => Tensor);

/**
 * A metric: a built-in name (`'accuracy'`, `'mse'`, ...), a metric from `nr.metrics`, or a function.
 *
 * @example
 * ```ts
 * const m: nr.MetricArg = 'accuracy';
 * ```
 */
export type MetricArg = Metric | string | ((yTrue: Tensor, yPred: Tensor) => Tensor);

/**
 * Arguments of `model.compile`. A model with several outputs takes a loss per output (an array in output
 * order, or an object keyed by output layer name; one loss is used for every output), metrics per output
 * (an array of arrays, or an object; a flat array applies to every output) and `lossWeights` (the total loss
 * is the weighted sum of the output losses; default 1 each).
 *
 * @example
 * ```ts
 * model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
 * twoHeads.compile({ optimizer: 'adam', loss: { cls: 'binaryCrossentropy', value: 'mse' }, lossWeights: { cls: 1, value: 0.5 } });
 * ```
 */
export interface CompileArgs {
  optimizer: Optimizer | string;
  loss: LossArg | readonly LossArg[] | Readonly<Record<string, LossArg>>;
  metrics?:
    | readonly MetricArg[]
    | readonly (readonly MetricArg[])[]
    | Readonly<Record<string, MetricArg | readonly MetricArg[]>>;
  lossWeights?: readonly number[] | Readonly<Record<string, number>>;
  /** Check that the active backend can run every kernel of a training step, before the first batch (default `'error'`). */
  backendCheck?: BackendCheck;
}

/** @internal The per-output losses, weights and metrics a compiled model holds. */
export interface CompiledOutputs {
  lossFns: LossFn[];
  lossWeights: number[];
  metricLists: Metric[][];
}

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as Metric).batchStats !== 'function';

/** One value per output from a single value, an array in output order, or an object keyed by output name. */
function perOutput<T>(
  value: T | readonly T[] | Readonly<Record<string, T>>,
  names: readonly string[],
  what: string,
): T[] {
  if (Array.isArray(value)) {
    if (value.length !== names.length) {
      throw new Error(
        `${what}: expected ${names.length} entries (one per output: ${names.join(', ')}), got ${value.length}`,
      );
    }
    return [...value];
  }
  if (typeof value !== 'function' && isRecord(value)) {
    const rec = value as Readonly<Record<string, T>>;
    const extra = Object.keys(rec).filter((k) => !names.includes(k));
    if (extra.length) {
      throw new Error(`${what}: unknown output name(s) ${extra.join(', ')} (outputs: ${names.join(', ')})`);
    }
    const missing = names.filter((n) => !(n in rec));
    if (missing.length) throw new Error(`${what}: no entry for output(s) ${missing.join(', ')}`);
    return names.map((n) => rec[n]!);
  }
  return names.map(() => value as T);
}

/** @internal Resolve compile's loss, lossWeights and metrics to one entry per output. */
export function resolveOutputs(
  args: CompileArgs,
  names: readonly string[],
  shapes: readonly (SymbolicShape | undefined)[],
  where: string,
): CompiledOutputs {
  const lossFns = perOutput<LossArg>(args.loss, names, `${where}: loss`).map((l) => getLoss(l));
  const lossWeights =
    args.lossWeights === undefined
      ? names.map(() => 1)
      : perOutput<number>(args.lossWeights, names, `${where}: lossWeights`);
  for (const [i, w] of lossWeights.entries()) {
    if (typeof w !== 'number' || !Number.isFinite(w)) {
      throw new Error(
        `${where}: lossWeights for output '${names[i]}' must be a finite number, got ${String(w)}`,
      );
    }
  }
  const m = args.metrics ?? [];
  let lists: (MetricArg | readonly MetricArg[])[];
  if (Array.isArray(m) && m.length > 0 && m.every((e) => Array.isArray(e))) {
    lists = perOutput<readonly MetricArg[]>(
      m as readonly (readonly MetricArg[])[],
      names,
      `${where}: metrics`,
    );
  } else if (Array.isArray(m)) {
    lists = names.map(() => m as readonly MetricArg[]);
  } else {
    lists = perOutput<MetricArg | readonly MetricArg[]>(
      m as Readonly<Record<string, MetricArg | readonly MetricArg[]>>,
      names,
      `${where}: metrics`,
    );
  }
  const metricLists = lists.map((entry, i) => {
    const list: readonly MetricArg[] = Array.isArray(entry) ? entry : [entry as MetricArg];
    return list.map((x) => getMetric(x, { lossName: lossFns[i]!.lossName, outputShape: shapes[i] }));
  });
  return { lossFns, lossWeights, metricLists };
}
