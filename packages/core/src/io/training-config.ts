/**
 * The `trainingConfig` of a saved model (as TensorFlow.js writes it): the compiled loss, metrics and optimizer,
 * so a loaded model is compiled again as it was saved.
 */
import type { ConfigDict } from '../initializers/initializers.js';
import { snakeCase } from '../layers/layer.js';
import { getLoss, nameKey } from '../losses/losses.js';
import { getMetric } from '../metrics/metrics.js';
import type { LayersModel } from '../models/functional.js';
import { getOptimizer } from '../optimizers/index.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import type { JsonValue } from './types.js';

type JsonObject = { [key: string]: JsonValue };

/** The class name an optimizer is saved under (its static `className`, e.g. `'Adam'`). */
function optimizerClassName(opt: Optimizer): string {
  return (opt.constructor as unknown as { className: string }).className;
}

/** True when `name` resolves to the loss of that name (custom functions do not). */
function isBuiltinLoss(name: string): boolean {
  try {
    return nameKey(getLoss(name).lossName) === nameKey(name);
  } catch {
    return false;
  }
}

/** True when `name` resolves to a built-in metric. */
function isBuiltinMetric(name: string): boolean {
  try {
    getMetric(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * @internal The training config of a compiled model, or `undefined` when the model is not compiled or its
 * loss or a metric is a custom function (which a file cannot hold; the model is then saved uncompiled).
 */
export function trainingConfigOf(model: LayersModel): JsonObject | undefined {
  const opt = model.optimizer;
  const spec = model.compiled;
  if (!opt || !spec) return undefined;
  if (!spec.lossFns.every((l) => isBuiltinLoss(l.lossName))) return undefined;
  const metrics = spec.metricLists.map((ms) => ms.map((m) => m.name));
  if (!metrics.every((ms) => ms.every(isBuiltinMetric))) return undefined;
  const optimizer_config = { class_name: optimizerClassName(opt), config: opt.getConfig() as JsonObject };
  if (spec.lossFns.length === 1) {
    return { loss: snakeCase(spec.lossFns[0]!.lossName), metrics: metrics[0]!, optimizer_config };
  }
  // Several outputs: objects keyed by output name, as tfjs-layers and Keras write them. `loss_weights` is read
  // (Keras writes it) but not written: tfjs-layers 4.22 refuses to load a file that has it.
  const names = model.outputNames;
  const byName = <T extends JsonValue>(f: (i: number) => T): JsonObject =>
    Object.fromEntries(names.map((n, i) => [n, f(i)]));
  return {
    loss: byName((i) => snakeCase(spec.lossFns[i]!.lossName)),
    metrics: byName((i) => metrics[i]!),
    optimizer_config,
  };
}

const isObject = (v: JsonValue | undefined): v is JsonObject =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * @internal Compile `model` from a saved training config. Checks the whole config first, so a bad one throws
 * (naming the field) before the model changes.
 */
export function compileFromTrainingConfig(model: LayersModel, config: JsonValue): void {
  const where = 'loadModel: trainingConfig';
  if (!isObject(config)) throw new Error(`${where} must be an object, got ${JSON.stringify(config)}`);
  const { loss, metrics = [], loss_weights: lossWeights, optimizer_config: opt } = config;
  const isNames = (v: JsonValue): boolean => Array.isArray(v) && v.every((m) => typeof m === 'string');
  const isLosses = (v: JsonValue): boolean =>
    typeof v === 'string' ||
    isNames(v) ||
    (isObject(v) && Object.values(v).every((m) => typeof m === 'string'));
  if (!isLosses(loss)) {
    throw new Error(`${where}.loss must be a loss name, got ${JSON.stringify(loss)}`);
  }
  const metricsOk =
    isNames(metrics) ||
    (isObject(metrics) && Object.values(metrics).every((m) => typeof m === 'string' || isNames(m)));
  if (!metricsOk) {
    throw new Error(`${where}.metrics must be an array of metric names, got ${JSON.stringify(metrics)}`);
  }
  const weightsOk =
    lossWeights === undefined ||
    (Array.isArray(lossWeights) && lossWeights.every((w) => typeof w === 'number')) ||
    (isObject(lossWeights) && Object.values(lossWeights).every((w) => typeof w === 'number'));
  if (!weightsOk) {
    throw new Error(
      `${where}.loss_weights must be numbers (a list or an object), got ${JSON.stringify(lossWeights)}`,
    );
  }
  if (
    !isObject(opt) ||
    typeof opt.class_name !== 'string' ||
    !(opt.config === undefined || isObject(opt.config))
  ) {
    throw new Error(`${where}.optimizer_config must be { class_name, config }, got ${JSON.stringify(opt)}`);
  }
  const lossArg = (() => {
    try {
      if (typeof loss === 'string') return getLoss(loss);
      if (Array.isArray(loss)) return loss.map((l) => getLoss(l as string));
      return Object.fromEntries(
        Object.entries(loss as JsonObject).map(([k, l]) => [k, getLoss(l as string)]),
      );
    } catch (e) {
      throw new Error(`${where}.loss: ${(e as Error).message}`);
    }
  })();
  const optimizer = (() => {
    try {
      return getOptimizer({ className: opt.class_name, config: opt.config as ConfigDict | undefined });
    } catch (e) {
      throw new Error(`${where}.optimizer_config: ${(e as Error).message}`);
    }
  })();
  try {
    model.compile({
      optimizer,
      loss: lossArg,
      metrics: metrics as string[] | Record<string, string | string[]>,
      lossWeights: lossWeights as number[] | Record<string, number> | undefined,
    });
  } catch (e) {
    optimizer.dispose();
    throw new Error(`${where}: ${(e as Error).message}`);
  }
}
