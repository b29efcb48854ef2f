import type { TensorRef } from './normalize.js';
import { type JsonObject, show } from './normalize-json.js';
import type { JsonValue } from './types.js';

const isObject = (v: JsonValue | undefined): v is JsonObject =>
  v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);

/** `[layer, node, tensor]` checked, or an error naming `path`. */
function triple(v: JsonValue, path: string): [string, number, number] {
  if (
    !Array.isArray(v) ||
    v.length < 3 ||
    typeof v[0] !== 'string' ||
    !Number.isInteger(v[1]) ||
    !Number.isInteger(v[2])
  ) {
    throw new Error(`loadModel: ${path} must be [layer name, node index, tensor index], got ${show(v)}`);
  }
  return [v[0], v[1] as number, v[2] as number];
}

/** A Keras 3 `__keras_tensor__` object's `keras_history`, or null for any other value. */
function kerasHistory(v: JsonValue, path: string): [string, number, number] | null {
  if (!isObject(v) || v.class_name !== '__keras_tensor__') return null;
  const config = v.config;
  if (!isObject(config)) throw new Error(`loadModel: ${path}.config must be an object, got ${show(config)}`);
  return triple(config.keras_history ?? null, `${path}.config.keras_history`);
}

/** Every `__keras_tensor__` in a Keras 3 `args` value, in order (merge layers take a list of them). */
function collectTensors(v: JsonValue, path: string, out: [string, number, number][]): void {
  const h = kerasHistory(v, path);
  if (h) out.push(h);
  else if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) collectTensors(x, `${path}[${i}]`, out);
  }
}

/** Keras 3 keyword arguments without the tensors in them (masks), which the canonical form does not carry. */
function plainKwargs(v: JsonValue | undefined, path: string): JsonObject {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new Error(`loadModel: ${path} must be an object, got ${show(v)}`);
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (kerasHistory(x, `${path}.${k}`) === null) out[k] = x;
  return out;
}

/**
 * A layer's `inbound_nodes` in the canonical form (one list of {@link TensorRef} per call), from either the
 * Keras 2 / TensorFlow.js nested lists (`[[[name, node, tensor, kwargs]]]`, kwargs optional) or the Keras 3
 * objects (`[{ args: [__keras_tensor__...], kwargs }]`).
 *
 * @internal
 */
export function normalizeInboundNodes(value: JsonValue, path: string): TensorRef[][] {
  if (!Array.isArray(value)) throw new Error(`loadModel: ${path} must be an array, got ${show(value)}`);
  return value.map((node, n) => {
    const npath = `${path}[${n}]`;
    if (Array.isArray(node)) {
      return node.map((ref, i): TensorRef => {
        const [name, nodeIndex, tensorIndex] = triple(ref, `${npath}[${i}]`);
        const kw = (ref as JsonValue[])[3];
        return [name, nodeIndex, tensorIndex, isObject(kw) ? kw : {}];
      });
    }
    if (isObject(node) && node.args !== undefined) {
      const found: [string, number, number][] = [];
      collectTensors(node.args, `${npath}.args`, found);
      if (found.length === 0) {
        throw new Error(`loadModel: ${npath}.args holds no '__keras_tensor__', got ${show(node.args)}`);
      }
      const kwargs = plainKwargs(node.kwargs, `${npath}.kwargs`);
      return found.map((t): TensorRef => [...t, kwargs]);
    }
    throw new Error(
      `loadModel: ${npath} must be a list of [layer, node, tensor, kwargs] or a Keras 3 { args, kwargs } object, got ${show(node)}`,
    );
  });
}

/**
 * A model's `input_layers` / `output_layers` as a list of `[layer, node, tensor]`; Keras 3 writes a single
 * one unwrapped (`['dense', 0, 0]`).
 *
 * @internal
 */
export function normalizeTensorList(value: JsonValue | undefined, path: string): [string, number, number][] {
  if (!Array.isArray(value)) throw new Error(`loadModel: ${path} must be an array, got ${show(value)}`);
  const list = typeof value[0] === 'string' ? [value] : value;
  return list.map((v, i) => triple(v, typeof value[0] === 'string' ? path : `${path}[${i}]`));
}
