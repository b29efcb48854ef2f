import type { DType } from '../backend/types.js';
import { engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { registerBuiltinLayers } from '../layers/builtins.js';
import type { Layer } from '../layers/layer.js';
import { snakeCase } from '../layers/layer.js';
import { getLayerClass } from '../layers/registry.js';
import { Sequential } from '../models/sequential.js';
import { tensor } from '../ops/creation.js';
import { resolveHandler } from './handlers.js';
import { compileFromTrainingConfig, trainingConfigOf } from './training-config.js';
import type { IOHandler, JsonValue, ModelArtifacts, SaveOptions, SaveResult, WeightSpec } from './types.js';

/** Version string written into saved models. */
const GENERATED_BY = 'Neurona 0.1.0';

const camelCase = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Keras JSON uses snake_case keys (and snake_case for activation names and data formats). */
function toPythonic(value: JsonValue, key = ''): JsonValue {
  if (Array.isArray(value)) return value.map((v) => toPythonic(v, key));
  if (value !== null && typeof value === 'object') {
    const out: { [k: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value))
      out[k === 'className' ? 'class_name' : snakeCase(k)] = toPythonic(v, k);
    return out;
  }
  if (
    typeof value === 'string' &&
    (key === 'activation' || key === 'recurrentActivation' || key === 'dataFormat')
  ) {
    return snakeCase(value);
  }
  return value;
}

function fromPythonic(value: JsonValue, key = ''): JsonValue {
  if (Array.isArray(value)) return value.map((v) => fromPythonic(v, key));
  if (value !== null && typeof value === 'object') {
    const out: { [k: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(value))
      out[k === 'class_name' ? 'className' : camelCase(k)] = fromPythonic(v, k);
    return out;
  }
  if (typeof value === 'string' && key === 'data_format') return camelCase(value);
  return value;
}

/** @internal The model as TensorFlow.js LayersModel artifacts (weights read from the backend). */
export async function modelToArtifacts(
  model: Sequential,
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
      class_name: 'Sequential',
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
  model: Sequential,
  target: string | IOHandler,
  options: SaveOptions = {},
): Promise<SaveResult> {
  const handler = await resolveHandler(target, 'save');
  return handler.save!(await modelToArtifacts(model, options));
}

const BYTES: Record<DType, number> = { float32: 4, int32: 4, bool: 1 };

/** @internal Rebuild a Sequential model from artifacts; frees everything it made if any check fails. */
export function artifactsToModel(a: ModelArtifacts): Sequential {
  registerBuiltinLayers();
  const topo = a.modelTopology;
  const cls = topo.class_name;
  if (cls !== 'Sequential') {
    throw new Error(
      `loadModel: only 'Sequential' models are supported, got class_name ${JSON.stringify(cls)}`,
    );
  }
  const config = fromPythonic(topo.config ?? null) as ConfigDict | null;
  const layerList = config?.layers;
  if (!Array.isArray(layerList)) throw new Error('loadModel: modelTopology.config.layers must be an array');
  const layers: Layer[] = [];
  let model: Sequential | null = null;
  try {
    for (const [i, entry] of layerList.entries()) {
      const e = entry as { className?: unknown; config?: unknown };
      if (typeof e.className !== 'string' || typeof e.config !== 'object' || e.config === null) {
        throw new Error(`loadModel: layer ${i} needs 'class_name' and 'config'`);
      }
      const Cls = getLayerClass(e.className);
      layers.push(new Cls(e.config as never));
    }
    model = new Sequential({ layers, name: typeof config?.name === 'string' ? config.name : undefined });
    if (!model.built)
      throw new Error('loadModel: the first layer has no batch_input_shape, so the model cannot be built');
    assignWeights(model, a);
    if (a.trainingConfig !== undefined) compileFromTrainingConfig(model, a.trainingConfig);
    return model;
  } catch (e) {
    if (model) model.dispose();
    else for (const l of layers) l.dispose();
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

function assignWeights(model: Sequential, a: ModelArtifacts): void {
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
 * Load a model saved in the TensorFlow.js LayersModel format (by Neurona or TensorFlow.js). Only registered
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
export async function loadModel(source: string | IOHandler): Promise<Sequential> {
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
async function restoreOptimizer(model: Sequential, a: ModelArtifacts): Promise<void> {
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
