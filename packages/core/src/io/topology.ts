/**
 * Model <-> Keras topology: the writer of the canonical Keras 2 / TensorFlow.js form (what tfjs-layers 4.22
 * loads) and its reader, the single place that builds Sequential, functional and nested models from JSON.
 * Other variants (Keras 3, converter wrappers, ...) are normalised to this form before they get here.
 */
import type { ConfigDict } from '../initializers/initializers.js';
import { InputLayer } from '../layers/input-layer.js';
import { type Layer, snakeCase } from '../layers/layer.js';
import { getLayerClass } from '../layers/registry.js';
import type { Node, SymbolicTensor } from '../layers/symbolic.js';
import type { LayersModel } from '../models/functional.js';
import { nodeOf } from '../models/graph.js';
import type { JsonValue } from './types.js';

type JsonObject = { [key: string]: JsonValue };

const camelCase = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Keras JSON uses snake_case keys (and snake_case for activation names and data formats). */
export function toPythonic(value: JsonValue, key = ''): JsonValue {
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

/** The inverse of {@link toPythonic}: camelCase keys for layer constructors. */
export function fromPythonic(value: JsonValue, key = ''): JsonValue {
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

/** The class names that hold a whole model. */
export const MODEL_CLASSES: readonly string[] = ['Sequential', 'Model', 'Functional'];

const isModel = (l: Layer): l is LayersModel => MODEL_CLASSES.includes(l.className);

/** `{ className, config }` of a layer (models give their own topology config). */
function layerEntry(l: Layer): ConfigDict {
  return { className: l.className, config: l.getConfig() };
}

/**
 * @internal The topology config of a Sequential: its layers in order, the first carrying the batch input
 * shape (as tfjs-layers writes it) unless it is an InputLayer.
 */
export function sequentialConfig(model: LayersModel): ConfigDict {
  const layers = model.layers.map(layerEntry);
  const first = model.layers[0];
  const cfg0 = layers[0]?.config as ConfigDict | undefined;
  if (first && cfg0 && model.built && !(first instanceof InputLayer) && cfg0.batchInputShape === undefined) {
    cfg0.batchInputShape = [...model.inputShape];
  }
  return { name: model.name, layers };
}

/**
 * @internal The topology config of a functional model: every layer with `name`, `className`, `config`
 * and `inboundNodes` (`[[[layer, nodeIndex, tensorIndex, {}], ...], ...]`), and `inputLayers` /
 * `outputLayers`. Node indices count only the nodes of this model (a nested model's node 0 is its own), as
 * Keras and tfjs-layers number them.
 */
export function functionalConfig(model: LayersModel): ConfigDict {
  if (model.className === 'Sequential') return sequentialConfig(model);
  const g = model.requireGraph();
  const mine = new Set<Node>([...g.nodes, ...g.inputs.map(nodeOf)]);
  const index = new Map<Node, number>();
  for (const l of g.layers) {
    let kept = isModel(l) ? 1 : 0;
    for (const n of l.inboundNodes) if (mine.has(n)) index.set(n, kept++);
  }
  const ref = (t: SymbolicTensor): [string, number, number] => [
    t.sourceLayer.name,
    index.get(nodeOf(t)) ?? 0,
    t.tensorIndex,
  ];
  const layers = g.layers.map((l) => ({
    name: l.name,
    ...layerEntry(l),
    inboundNodes: l.inboundNodes
      .filter((n) => mine.has(n) && n.inputs.length > 0)
      .map((n) => n.inputs.map((t) => [...ref(t), {}])),
  }));
  return {
    name: model.name,
    layers,
    inputLayers: g.inputs.map(ref),
    outputLayers: g.outputs.map(ref),
  } as ConfigDict;
}

type ModelCtor = new (args: object) => LayersModel;
// The model classes register themselves (models/functional.ts, models/sequential.ts); looking them up here
// keeps this module free of an import cycle with them.
const modelClass = (name: string): ModelCtor => getLayerClass(name) as unknown as ModelCtor;

const asObject = (v: JsonValue | undefined, what: string): JsonObject => {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new Error(`loadModel: ${what} must be an object, got ${JSON.stringify(v)}`);
  return v;
};

/**
 * An error of a layer or model constructor, given the path of the entry it came from (`loadModel: <path>:
 * <message>`); JavaScript's own errors (TypeError, RangeError, ...) are thrown as they are, so a bug stays
 * visible as one.
 */
function at(path: string, e: unknown): Error {
  if (!(e instanceof Error) || e.constructor !== Error) return e as Error;
  return new Error(`loadModel: ${path}: ${e.message.replace(/^loadModel: /, '')}`);
}

/**
 * One layer (or nested model) from its `{ class_name, config }` entry at `path`; frees what it made on
 * failure. A layer constructor's error is given the entry's path.
 */
function layerFrom(entry: JsonObject, path: string): Layer {
  const cls = entry.class_name;
  if (typeof cls !== 'string') throw new Error(`loadModel: ${path}.class_name must be a string`);
  const config = asObject(entry.config, `${path}.config`);
  if (MODEL_CLASSES.includes(cls)) return modelFromTopology({ class_name: cls, config }, `${path}.config`);
  const Cls = getLayerClass(cls);
  try {
    return new Cls(fromPythonic(config) as never);
  } catch (e) {
    const name = typeof config.name === 'string' ? ` '${config.name}'` : '';
    throw at(`${path}.config (${cls}${name})`, e);
  }
}

/**
 * @internal Build a model from a canonical (snake_case) Keras topology: `Sequential`, `Model` / `Functional`
 * (with `inbound_nodes`, `input_layers`, `output_layers`), nested models at any depth. Weights are left as
 * initialised. Throws naming the layer by its path in the file (`path` is the model config's, e.g.
 * `modelTopology.config`); everything made is freed on failure.
 */
export function modelFromTopology(topology: JsonObject, path = 'modelTopology.config'): LayersModel {
  const cls = topology.class_name;
  const config = asObject(topology.config, path);
  const layerList = config.layers;
  if (!Array.isArray(layerList)) throw new Error(`loadModel: ${path}.layers must be an array`);
  const name = typeof config.name === 'string' ? config.name : undefined;
  const made: Layer[] = [];
  try {
    for (const [i, entry] of layerList.entries()) {
      made.push(layerFrom(asObject(entry, `${path}.layers[${i}]`), `${path}.layers[${i}]`));
    }
    if (cls === 'Sequential') {
      const model = sequentialFrom(made, name, path);
      if (!model.built)
        throw new Error(
          `loadModel: ${path}.layers[0].config.batch_input_shape is missing, so the Sequential model cannot be built`,
        );
      return model;
    }
    if (cls !== 'Model' && cls !== 'Functional') {
      throw new Error(
        `loadModel: unsupported model class_name ${JSON.stringify(cls)} (expected ${MODEL_CLASSES.join(', ')})`,
      );
    }
    const { inputs, outputs } = connect(layerList as JsonObject[], made, config, path);
    let model: LayersModel;
    try {
      model = new (modelClass('Model'))({
        inputs,
        outputs: outputs.length === 1 ? outputs[0] : outputs,
        name,
      });
    } catch (e) {
      throw at(path, e);
    }
    // Keras saves only the layers of the graph: one off it means the file's connections were changed.
    const inGraph = new Set(model.layers);
    const off = made.findIndex((l) => !inGraph.has(l));
    if (off >= 0) {
      throw new Error(
        `loadModel: ${path}.layers[${off}] ('${made[off]!.name}') is on no path from input_layers to output_layers`,
      );
    }
    return model;
  } catch (e) {
    for (const l of made) l.dispose();
    throw e;
  }
}

/** A `[layer, nodeIndex, tensorIndex, kwargs?]` reference. */
function parseRef(v: JsonValue, where: string): [string, number, number] {
  if (!Array.isArray(v) || typeof v[0] !== 'string' || typeof v[1] !== 'number' || typeof v[2] !== 'number') {
    throw new Error(
      `loadModel: ${where}: expected [layer_name, node_index, tensor_index, kwargs], got ${JSON.stringify(v)}`,
    );
  }
  return [v[0], v[1], v[2]];
}

/** A Sequential of `layers`; a layer that does not fit its predecessor's output is named with the path. */
function sequentialFrom(layers: Layer[], name: string | undefined, path: string): LayersModel {
  try {
    return new (modelClass('Sequential'))({ layers, name });
  } catch (e) {
    throw at(`${path}.layers`, e);
  }
}

/**
 * Replay every layer's inbound nodes in the file's order, applying each layer to the symbolic tensors its
 * node names; a node whose inputs do not exist yet waits for a later pass (with the rest of its layer's
 * nodes, so node indices keep the saved order). Errors name the layer's path under `path` (the model config).
 */
function connect(
  entries: readonly JsonObject[],
  layers: readonly Layer[],
  config: JsonObject,
  path: string,
): { inputs: SymbolicTensor[]; outputs: SymbolicTensor[] } {
  const byName = new Map<string, Layer>();
  layers.forEach((l, i) => {
    const saved = entries[i]!.name;
    byName.set(typeof saved === 'string' ? saved : l.name, l);
  });
  const entry = (i: number) => `${path}.layers[${i}] ('${layers[i]!.name}')`;
  const tensorOf = (ref: [string, number, number], where: string, soft: boolean): SymbolicTensor | null => {
    const [name, nodeIndex, tensorIndex] = ref;
    const l = byName.get(name);
    if (!l) throw new Error(`loadModel: ${where} refers to unknown layer '${name}'`);
    const node = l.inboundNodes[nodeIndex];
    if (!node) {
      if (soft) return null;
      throw new Error(`loadModel: ${where} refers to node ${nodeIndex} of '${name}', which was never made`);
    }
    const t = node.outputs[tensorIndex];
    if (!t)
      throw new Error(
        `loadModel: ${where} refers to output ${tensorIndex} of '${name}', which has ${node.outputs.length}`,
      );
    return t;
  };
  const pending = entries.map((e, i) => {
    const nodes = e.inbound_nodes ?? [];
    if (!Array.isArray(nodes)) throw new Error(`loadModel: ${entry(i)}.inbound_nodes must be a list`);
    return [...nodes];
  });
  const made = entries.map(() => 0);
  let progress = true;
  while (progress && pending.some((p) => p.length > 0)) {
    progress = false;
    pending.forEach((queue, i) => {
      const layer = layers[i]!;
      while (queue.length > 0) {
        const where = `${entry(i)}.inbound_nodes[${made[i]}]`;
        const nodeData = queue[0]!;
        if (!Array.isArray(nodeData))
          throw new Error(`loadModel: ${where} must be a list of tensor references`);
        const ins = nodeData.map((r) => tensorOf(parseRef(r, where), where, true));
        if (ins.some((t) => t === null)) break;
        try {
          layer.applyMulti(ins as SymbolicTensor[]);
        } catch (e) {
          // A layer of one input given several (a merge layer's class renamed) fails inside its shape code.
          if (ins.length > 1 && e instanceof TypeError) {
            throw new Error(
              `loadModel: ${where}: ${layer.className} '${layer.name}' cannot be applied to the ${ins.length} tensors this node names (${layer.className} takes one input, or the node is wrong)`,
            );
          }
          throw at(where, e);
        }
        queue.shift();
        made[i]!++;
        progress = true;
      }
    });
  }
  const stuck = pending.findIndex((p) => p.length > 0);
  if (stuck >= 0)
    throw new Error(
      `loadModel: ${entry(stuck)}.inbound_nodes[${made[stuck]}]: its inputs are never computed (a cycle or a missing layer)`,
    );
  const list = (key: string): SymbolicTensor[] => {
    const v = config[key];
    if (!Array.isArray(v)) throw new Error(`loadModel: ${path}.${key} must be a list`);
    return v.map((r, j) => tensorOf(parseRef(r, `${path}.${key}[${j}]`), `${path}.${key}[${j}]`, false)!);
  };
  return { inputs: list('input_layers'), outputs: list('output_layers') };
}
