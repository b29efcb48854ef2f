import { engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { registerBuiltinLayers } from '../layers/builtins.js';
import type { LayersModel } from '../models/functional.js';
import type { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/creation.js';
import { resolveHandler } from './handlers.js';
import type { LoadOptions } from './http.js';
import type { JsonObject } from './normalize.js';
import { modelFromTopology, toPythonic } from './topology.js';
import { compileFromTrainingConfig, trainingConfigOf } from './training-config.js';
import type { IOHandler, JsonValue, ModelArtifacts, SaveOptions, SaveResult, WeightSpec } from './types.js';
import { validateArtifacts } from './validate.js';
import { withWeightBudget } from './weight-budget.js';
import { locateWeights, readWeight } from './weights.js';
import { assignWeights } from './weights-assign.js';

/** Version string written into saved models. */
const GENERATED_BY = 'Neurona 0.1.0';

/** @internal The model as TensorFlow.js LayersModel artifacts (weights read from the backend). */
export async function modelToArtifacts(
  model: LayersModel,
  options: SaveOptions = {},
): Promise<ModelArtifacts> {
  if (!model.built)
    throw new Error(
      `save: model '${model.name}' is not built yet (run it once or give the first layer an inputShape)`,
    );
  const weights = model.weights;
  const specs: WeightSpec[] = weights.map((w) => ({ name: w.name, shape: [...w.shape], dtype: w.dtype }));
  const opt = options.includeOptimizer ? model.optimizer : null;
  if (options.includeOptimizer && !opt) {
    throw new Error(`save: includeOptimizer needs a compiled model; '${model.name}' has no optimizer`);
  }
  const optWeights = opt ? opt.getWeights() : [];
  const optNames = opt ? opt.getWeightNames() : [];
  optWeights.forEach((w, i) => {
    specs.push({ name: optNames[i]!, shape: [...w.shape], dtype: w.dtype, group: 'optimizer' });
  });
  let datas: Awaited<ReturnType<Tensor['data']>>[];
  try {
    datas = await Promise.all([...weights, ...optWeights].map((w) => w.data()));
  } finally {
    for (const w of optWeights) w.dispose();
  }
  const total = datas.reduce((n, d) => n + d.byteLength, 0);
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const d of datas) {
    bytes.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), offset);
    offset += d.byteLength;
  }
  return {
    modelTopology: {
      class_name: model.className,
      config: toPythonic(model.getConfig() as JsonValue) as { [key: string]: JsonValue },
      keras_version: 'tfjs-layers 4.22.0',
      backend: 'tensor_flow.js',
    },
    weightSpecs: specs,
    weightData: bytes.buffer,
    format: 'layers-model',
    trainingConfig: trainingConfigOf(model),
    generatedBy: GENERATED_BY,
    convertedBy: null,
  };
}

/**
 * Save a model in the TensorFlow.js LayersModel format (`model.json` + a weights file).
 *
 * @example
 * ```ts
 * await nr.saveModel(model, 'file://./my-model');
 * ```
 */
export async function saveModel(
  model: LayersModel,
  target: string | IOHandler,
  options: SaveOptions = {},
): Promise<SaveResult> {
  const handler = await resolveHandler(target, 'save');
  return handler.save!(await modelToArtifacts(model, options));
}

/** @internal Rebuild a model (any LayersModel variant: Sequential, functional, nested) from artifacts; frees everything it made if any check fails. */
export function artifactsToModel(a: ModelArtifacts): LayersModel {
  registerBuiltinLayers();
  const { topology, weightValues } = validateArtifacts(a);
  const root = a.modelTopology.model_config === undefined ? 'modelTopology' : 'modelTopology.model_config';
  // No layer may create more weight values than the file holds (they would all be overwritten anyway).
  const model = withWeightBudget(weightValues, () =>
    modelFromTopology(topology as unknown as JsonObject, `${root}.config`),
  );
  try {
    assignWeights(model, a);
    if (a.trainingConfig !== undefined) compileFromTrainingConfig(model, a.trainingConfig);
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/**
 * Load a model saved in the TensorFlow.js LayersModel format (by Neurona or TensorFlow.js): a {@link Sequential}
 * for `class_name` `Sequential`, a functional {@link LayersModel} for `Model` / `Functional`, nested models
 * included (check with `instanceof nr.Sequential` where a Sequential is needed). Only registered
 * layer classes are created; a bad file throws and leaves nothing allocated. When the file holds a training
 * config (the model was saved compiled), the model comes back compiled with the same loss, metrics and
 * optimizer settings; its optimizer state (step count, moments) is restored when the file holds it (saved with
 * `includeOptimizer`), and otherwise starts from zero.
 *
 * @example
 * ```ts
 * const model = await nr.loadModel('file://./my-model');
 * ```
 */
export async function loadModel(source: string | IOHandler, options: LoadOptions = {}): Promise<LayersModel> {
  const handler = await resolveHandler(source, 'load', options);
  const artifacts = await handler.load!();
  const model = artifactsToModel(artifacts);
  try {
    await restoreOptimizer(model, artifacts);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/** @internal Set the compiled optimizer's state from the weights of group `'optimizer'`, when the file has them. */
export async function restoreOptimizer(model: LayersModel, a: ModelArtifacts): Promise<void> {
  const opt = model.optimizer;
  const parts = locateWeights(a.weightSpecs).filter((l) => l.spec.group === 'optimizer');
  if (parts.length === 0 || !opt) return;
  if (parts.length === 1 && parts[0]!.spec.name.endsWith('iter')) {
    // TensorFlow.js creates slots on the first update: an untrained optimizer saves only its step count.
    const n = readWeight(a.weightData, parts[0]!)[0]!;
    if (!Number.isInteger(n) || n < 0) {
      throw new Error(
        `loadModel: weightsManifest: the optimizer's iteration count '${parts[0]!.spec.name}' must be a whole number >= 0, got ${n}`,
      );
    }
    opt.iterations = n;
    return;
  }
  const values = engine().scoped('loadModel', () =>
    parts.map((l) => {
      const data = readWeight(a.weightData, l);
      // tfjs stores the iteration count as float32; ours is int32: only its value matters.
      return tensor(data, l.spec.shape, data instanceof Int32Array ? 'int32' : 'float32');
    }),
  );
  try {
    await opt.setWeights(values);
  } catch (e) {
    throw new Error(
      `loadModel: weightsManifest: the saved optimizer state (the weights of group 'optimizer') does not fit the optimizer trainingConfig describes: ${(e as Error).message}`,
    );
  } finally {
    for (const v of values) v.dispose();
  }
}
