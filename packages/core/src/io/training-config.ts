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
  const loss = model.lossFn;
  if (!opt || !loss || !isBuiltinLoss(loss.lossName)) return undefined;
  const metrics = model.metricList.map((m) => m.name);
  if (!metrics.every(isBuiltinMetric)) return undefined;
  return {
    loss: snakeCase(loss.lossName),
    metrics,
    optimizer_config: { class_name: optimizerClassName(opt), config: opt.getConfig() as JsonObject },
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
  const { loss, metrics = [], optimizer_config: opt } = config;
  if (typeof loss !== 'string') {
    throw new Error(`${where}.loss must be a loss name, got ${JSON.stringify(loss)}`);
  }
  if (!Array.isArray(metrics) || !metrics.every((m) => typeof m === 'string')) {
    throw new Error(`${where}.metrics must be an array of metric names, got ${JSON.stringify(metrics)}`);
  }
  if (
    !isObject(opt) ||
    typeof opt.class_name !== 'string' ||
    !(opt.config === undefined || isObject(opt.config))
  ) {
    throw new Error(`${where}.optimizer_config must be { class_name, config }, got ${JSON.stringify(opt)}`);
  }
  const lossFn = (() => {
    try {
      return getLoss(loss);
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
    model.compile({ optimizer, loss: lossFn, metrics: metrics as string[] });
  } catch (e) {
    optimizer.dispose();
    throw new Error(`${where}: ${(e as Error).message}`);
  }
}
