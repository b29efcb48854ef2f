import type { DType } from '../backend/types.js';
import { engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { registerBuiltinLayers } from '../layers/builtins.js';
import type { LayersModel } from '../models/functional.js';
import type { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/creation.js';
import { resolveHandler } from './handlers.js';
import { modelFromTopology, toPythonic } from './topology.js';
import { compileFromTrainingConfig, trainingConfigOf } from './training-config.js';
import type { IOHandler, JsonValue, ModelArtifacts, SaveOptions, SaveResult, WeightSpec } from './types.js';

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
 * Save a model in the TensorFlow.js LayersModel format (`model.json` + `weights.bin`).
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

const BYTES: Record<DType, number> = { float32: 4, int32: 4, bool: 1 };

/** @internal Rebuild a model (Sequential, functional, nested) from artifacts; frees everything it made if any check fails. */
export function artifactsToModel(a: ModelArtifacts): LayersModel {
  registerBuiltinLayers();
  const topo = a.modelTopology as unknown as { [key: string]: JsonValue };
  const model = modelFromTopology(topo);
  try {
    assignWeights(model, a);
    if (a.trainingConfig !== undefined) compileFromTrainingConfig(model, a.trainingConfig);
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** A weight of the manifest and where its bytes start in the weight data. */
interface Located {
  spec: WeightSpec;
  offset: number;
}

/** Every spec with its byte offset (dtypes checked), and the bytes the manifest needs in all. */
function locateWeights(a: ModelArtifacts): { located: Located[]; bytes: number } {
  const located: Located[] = [];
  let offset = 0;
  for (const spec of a.weightSpecs) {
    if (!(spec.dtype in BYTES))
      throw new Error(`loadModel: weight '${spec.name}' has unsupported dtype '${spec.dtype}'`);
    located.push({ spec, offset });
    offset += spec.shape.reduce((p, d) => p * d, 1) * BYTES[spec.dtype];
  }
  return { located, bytes: offset };
}

/** The values of one located weight (float32, or int32 for any other dtype). */
function readWeight(a: ModelArtifacts, { spec, offset }: Located): Float32Array | Int32Array {
  const bytes = a.weightData.slice(offset, offset + spec.shape.reduce((p, d) => p * d, 1) * 4);
  return spec.dtype === 'float32' ? new Float32Array(bytes) : new Int32Array(bytes);
}

function assignWeights(model: LayersModel, a: ModelArtifacts): void {
  const { located, bytes: offset } = locateWeights(a);
  const byName = new Map(located.filter((l) => l.spec.group !== 'optimizer').map((l) => [l.spec.name, l]));
  const weights = model.weights;
  const missing = weights.filter((w) => !byName.has(w.name)).map((w) => w.name);
  if (missing.length) throw new Error(`loadModel: weights missing from the file: ${missing.join(', ')}`);
  for (const w of weights) {
    const { spec } = byName.get(w.name)!;
    if (spec.shape.length !== w.shape.length || spec.shape.some((d, i) => d !== w.shape[i])) {
      throw new Error(
        `loadModel: weight '${w.name}' has shape [${spec.shape.join(', ')}] in the file, the layer expects [${w.shape.join(', ')}]`,
      );
    }
  }
  if (offset > a.weightData.byteLength) {
    throw new Error(
      `loadModel: the manifest needs ${offset} bytes of weight data, the file has ${a.weightData.byteLength}`,
    );
  }
  const values: Tensor[] = engine().scoped('loadModel', () =>
    weights.map((w) => {
      const l = byName.get(w.name)!;
      const data = readWeight(a, l);
      return tensor(data instanceof Float32Array ? data : Float32Array.from(data), l.spec.shape, 'float32');
    }),
  );
  try {
    model.setWeights(values);
  } finally {
    for (const v of values) v.dispose();
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
export async function loadModel(source: string | IOHandler): Promise<LayersModel> {
  const handler = await resolveHandler(source, 'load');
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

/** Set the compiled optimizer's state from the weights of group `'optimizer'`, when the file has them. */
async function restoreOptimizer(model: LayersModel, a: ModelArtifacts): Promise<void> {
  const opt = model.optimizer;
  const parts = locateWeights(a).located.filter((l) => l.spec.group === 'optimizer');
  if (parts.length === 0 || !opt) return;
  if (parts.length === 1 && parts[0]!.spec.name.endsWith('iter')) {
    // TensorFlow.js creates slots on the first update: an untrained optimizer saves only its step count.
    const n = readWeight(a, parts[0]!)[0]!;
    if (!Number.isInteger(n) || n < 0) {
      throw new Error(`loadModel: the saved optimizer iteration count must be an integer >= 0, got ${n}`);
    }
    opt.iterations = n;
    return;
  }
  const values = engine().scoped('loadModel', () =>
    parts.map((l) => {
      const data = readWeight(a, l);
      // tfjs stores the iteration count as float32; ours is int32: only its value matters.
      return tensor(data, l.spec.shape, data instanceof Int32Array ? 'int32' : 'float32');
    }),
  );
  try {
    await opt.setWeights(values);
  } catch (e) {
    throw new Error(
      `loadModel: the saved optimizer state does not fit the optimizer: ${(e as Error).message}`,
    );
  } finally {
    for (const v of values) v.dispose();
  }
}
