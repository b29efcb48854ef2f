import { normalizeLayerConfig } from './normalize-config.js';
import { asObject, DROPPED, type JsonObject, show } from './normalize-json.js';
import { normalizeInboundNodes, normalizeTensorList } from './normalize-nodes.js';
import type { JsonValue } from './types.js';

export type { JsonObject } from './normalize-json.js';

/**
 * One reference to a tensor in the canonical (Keras 2 / TensorFlow.js) form: the producing layer's name, the
 * index of its node (call), the index of the tensor among that call's outputs, and the call's keyword arguments.
 */
export type TensorRef = [string, number, number, JsonObject];

/** One layer entry of a canonical topology: `class_name`, snake_case `config`, and in a functional model its `name` and `inbound_nodes`. */
export type CanonicalLayer = {
  class_name: string;
  config: JsonObject;
  name?: string;
  /** One entry per call of the layer: the tensors it was called on. */
  inbound_nodes?: TensorRef[][];
};

/** The model classes a topology (or a nested layer entry) may name. */
export type ModelClassName = 'Sequential' | 'Model' | 'Functional';

/**
 * A topology in the one form the model builders read: Keras 2 / TensorFlow.js JSON (snake_case keys), with
 * `config.layers` always an array of {@link CanonicalLayer}, and for `Model` / `Functional` the
 * `input_layers` / `output_layers` as lists of `[layer, node, tensor]`.
 */
export type CanonicalTopology = {
  class_name: ModelClassName;
  config: JsonObject & {
    name?: string;
    layers: CanonicalLayer[];
    input_layers?: [string, number, number][];
    output_layers?: [string, number, number][];
  };
  keras_version?: string;
  backend?: string;
};

const MODEL_CLASSES: readonly string[] = ['Sequential', 'Model', 'Functional'];

/** @internal True for the class names of models (which may also appear nested as layers). */
export function isModelClass(name: unknown): name is ModelClassName {
  return typeof name === 'string' && MODEL_CLASSES.includes(name);
}

/**
 * Turn any LayersModel topology into the canonical Keras 2 / TensorFlow.js form: unwraps the converter's
 * `model_config` (keeping `keras_version` / `backend`), accepts a legacy Sequential config that is a bare
 * list of layers, rewrites Keras 3 `inbound_nodes` (`args` / `kwargs` with `__keras_tensor__` histories),
 * `batch_shape`, `DTypePolicy` dtypes and `module` / `registered_name` fields, and nested models at any depth.
 * Every error names the path of the offending field. The input is not modified.
 *
 * @example
 * ```ts
 * const canonical = normalizeTopology(artifacts.modelTopology);
 * canonical.config.layers[0]!.class_name; // 'InputLayer', 'Dense', ...
 * ```
 */
export function normalizeTopology(topology: JsonValue, path = 'modelTopology'): CanonicalTopology {
  let top = asObject(topology, path);
  const keras_version = typeof top.keras_version === 'string' ? top.keras_version : undefined;
  const backend = typeof top.backend === 'string' ? top.backend : undefined;
  if (top.model_config !== undefined) {
    path = `${path}.model_config`;
    top = asObject(top.model_config, path);
  }
  const model = normalizeModel(top, path);
  return {
    ...model,
    ...(keras_version === undefined ? {} : { keras_version }),
    ...(backend === undefined ? {} : { backend }),
  };
}

/** A model (top level or nested): its class, and a config whose layers are normalized. */
function normalizeModel(entry: JsonObject, path: string): CanonicalTopology {
  const cls = entry.class_name;
  if (!isModelClass(cls)) {
    throw new Error(
      `loadModel: ${path}.class_name must be 'Sequential', 'Model' or 'Functional', got ${show(cls)}`,
    );
  }
  const raw = entry.config;
  // Legacy Sequential configs (Keras 2.1, tfjs-layers 1.x) are the bare list of layers.
  const config: JsonObject =
    cls === 'Sequential' && Array.isArray(raw) ? { layers: raw } : { ...asObject(raw, `${path}.config`) };
  const cpath = Array.isArray(raw) ? `${path}.config` : `${path}.config.layers`;
  const list = config.layers;
  if (!Array.isArray(list)) throw new Error(`loadModel: ${cpath} must be an array, got ${show(list)}`);
  for (const k of DROPPED) delete config[k];
  if (config.dtype !== undefined) delete config.dtype; // a model's own dtype policy is its layers' business
  const layers = list.map((l, i) => normalizeLayer(l, `${cpath}[${i}]`, cls !== 'Sequential'));
  const out: CanonicalTopology['config'] = { ...config, layers };
  if (cls !== 'Sequential') {
    out.input_layers = normalizeTensorList(config.input_layers, `${path}.config.input_layers`);
    out.output_layers = normalizeTensorList(config.output_layers, `${path}.config.output_layers`);
  }
  return { class_name: cls, config: out };
}

/** One entry of `config.layers`: a layer, or a nested model. */
function normalizeLayer(value: JsonValue, path: string, functional: boolean): CanonicalLayer {
  const entry = asObject(value, path, "a layer object with 'class_name' and 'config'");
  const cls = entry.class_name;
  if (typeof cls !== 'string') {
    throw new Error(`loadModel: ${path}.class_name must be a layer class name, got ${show(cls)}`);
  }
  let layer: CanonicalLayer;
  if (isModelClass(cls)) {
    layer = normalizeModel(entry, path);
  } else {
    const config = asObject(entry.config, `${path}.config`);
    layer = { class_name: cls, config: normalizeLayerConfig(cls, config, `${path}.config`, normalizeNested) };
  }
  if (entry.name !== undefined && entry.name !== null && typeof entry.name !== 'string') {
    throw new Error(`loadModel: ${path}.name must be the layer's name (a string), got ${show(entry.name)}`);
  }
  const name = typeof entry.name === 'string' ? entry.name : layer.config.name;
  if (typeof name === 'string') layer.name = name;
  if (entry.inbound_nodes !== undefined) {
    layer.inbound_nodes = normalizeInboundNodes(entry.inbound_nodes, `${path}.inbound_nodes`);
  } else if (functional) {
    layer.inbound_nodes = [];
  }
  if (functional && typeof layer.name !== 'string') {
    throw new Error(`loadModel: ${path} needs a 'name' (a layer of a functional model)`);
  }
  return layer;
}

/** A layer nested in a wrapper's config (`TimeDistributed`, `Bidirectional`): normalized like any layer. */
function normalizeNested(value: JsonValue, path: string): JsonObject {
  const l = normalizeLayer(value, path, false);
  return { class_name: l.class_name, config: l.config };
}
