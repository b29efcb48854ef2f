import { asObject, DROPPED, type JsonObject, show, stripKerasMeta } from './normalize-json.js';
import type { JsonValue } from './types.js';

/** Config keys of wrapper layers that hold a whole layer entry (`{ class_name, config }`). */
const LAYER_KEYS = ['layer', 'forward_layer', 'backward_layer'];

/** Dtype policy classes of Keras 2 (`Policy`) and Keras 3 (`DTypePolicy`, and `FloatDTypePolicy` of 3.0-3.3). */
const POLICY_CLASSES = ['DTypePolicy', 'FloatDTypePolicy', 'Policy'];

/** @internal The layer's name for messages (`Conv2D 'conv2d'`). */
export function layerLabel(cls: string, config: JsonObject): string {
  return typeof config.name === 'string' ? `${cls} '${config.name}'` : cls;
}

/**
 * The dtype a saved `dtype` field means: a string as is; a Keras dtype policy object (`{ class_name:
 * 'DTypePolicy', config: { name: 'float32' } }`) as its policy name. Mixed-precision policies
 * (`mixed_float16`, ...) and unknown policy classes are refused with the layer, the field and the value.
 */
function policyDtype(v: JsonValue, label: string, path: string): JsonValue {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
  const cls = v.class_name;
  if (typeof cls !== 'string' || !POLICY_CLASSES.includes(cls)) {
    throw new Error(
      `loadModel: ${label}: ${path} must be a dtype name or a dtype policy (${POLICY_CLASSES.join(', ')}), got ${show(v)}`,
    );
  }
  const name = asObject(v.config, `${path}.config`).name;
  if (typeof name !== 'string') {
    throw new Error(`loadModel: ${label}: ${path}.config.name must be the policy name, got ${show(name)}`);
  }
  if (name.startsWith('mixed_')) {
    throw new Error(
      `loadModel: ${label}: dtype policy '${name}' (${path}) is not supported: Neurona layers compute in 'float32'`,
    );
  }
  return name;
}

/**
 * A layer's config in the canonical form: Keras 3 registry fields removed at every depth, `batch_shape`
 * (Keras 3) as `batch_input_shape`, a dtype policy as its dtype name, a `Reshape` `target_shape` with `null`
 * as `-1`, and a wrapped layer (`layer`, `forward_layer`, `backward_layer`) normalized by `nested`.
 *
 * @internal
 */
export function normalizeLayerConfig(
  cls: string,
  config: JsonObject,
  path: string,
  nested: (v: JsonValue, path: string) => JsonObject,
): JsonObject {
  const label = layerLabel(cls, config);
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(config)) {
    if (LAYER_KEYS.includes(k) && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      out[k] = nested(v, `${path}.${k}`);
    } else if (k === 'dtype') {
      out[k] = policyDtype(v, label, `${path}.dtype`);
    } else {
      out[k] = stripKerasMeta(v);
    }
  }
  for (const k of DROPPED) delete out[k];
  const shape = out.batch_shape ?? out.batchShape ?? out.batchInputShape;
  if (shape !== undefined && out.batch_input_shape === undefined) out.batch_input_shape = shape;
  delete out.batch_shape;
  delete out.batchShape;
  delete out.batchInputShape;
  if (cls === 'Reshape' && Array.isArray(out.target_shape)) {
    out.target_shape = out.target_shape.map((d) => (d === null ? -1 : d));
  }
  return out;
}
