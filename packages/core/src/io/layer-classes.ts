import { getLayerClass } from '../layers/registry.js';
import { type CanonicalLayer, type CanonicalTopology, isModelClass } from './normalize.js';
import type { JsonValue } from './types.js';

/** Whether a layer class is registered (built in or through `registerLayer`). */
function registered(cls: string): boolean {
  try {
    getLayerClass(cls);
    return true;
  } catch {
    return false;
  }
}

const isEntry = (v: JsonValue | undefined): v is { class_name: string; config: { [k: string]: JsonValue } } =>
  v !== null &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  typeof v.class_name === 'string' &&
  v.config !== null &&
  typeof v.config === 'object';

/** A layer and every layer inside it (a nested model's layers, a wrapper's layer), each with its path. */
function* walk(l: CanonicalLayer, path: string): Generator<[CanonicalLayer, string]> {
  yield [l, path];
  if (isModelClass(l.class_name) && Array.isArray(l.config.layers)) {
    for (const [i, inner] of (l.config.layers as CanonicalLayer[]).entries()) {
      yield* walk(inner, `${path}.config.layers[${i}]`);
    }
  }
  for (const k of ['layer', 'forward_layer', 'backward_layer']) {
    const inner = l.config[k];
    if (isEntry(inner)) yield* walk(inner, `${path}.config.${k}`);
  }
}

/** A layer whose class is not registered: its class, `Conv1D 'conv1d_1'`, and its path in the topology. */
export interface UnsupportedLayer {
  className: string;
  label: string;
  path: string;
}

/**
 * The layers of a canonical topology whose class is not registered (nested models and wrapped layers
 * included), with paths starting at `root` (where the model config sits in the file); empty when every class
 * can be built.
 *
 * @example
 * ```ts
 * unsupportedLayers(normalizeTopology(json)).map((l) => l.label); // ["Conv1D 'conv1d_1'"]
 * ```
 */
export function unsupportedLayers(topo: CanonicalTopology, root = 'modelTopology'): UnsupportedLayer[] {
  const out: UnsupportedLayer[] = [];
  for (const [l, path] of walk(topo, root)) {
    if (l === topo) continue;
    if (isModelClass(l.class_name) || registered(l.class_name)) continue;
    const name = l.name ?? l.config.name;
    out.push({
      className: l.class_name,
      label: typeof name === 'string' ? `${l.class_name} '${name}'` : l.class_name,
      path,
    });
  }
  return out;
}

/**
 * Throw when a topology uses layer classes Neurona does not have, naming each layer (class and name) and
 * where it sits in the file, before any layer is created.
 *
 * @example
 * ```ts
 * checkLayerClasses(normalizeTopology(artifacts.modelTopology)); // throws for an unknown 'Conv1D'
 * ```
 */
export function checkLayerClasses(topo: CanonicalTopology, root = 'modelTopology'): void {
  const bad = unsupportedLayers(topo, root);
  if (bad.length === 0) return;
  const classes = [...new Set(bad.map((b) => `'${b.className}'`))];
  const listed = bad.slice(0, 6).map((b) => `${b.label} (at ${b.path})`);
  if (bad.length > 6) listed.push(`and ${bad.length - 6} more`);
  throw new Error(
    `loadModel: unknown layer class${classes.length > 1 ? 'es' : ''} ${classes.join(', ')}: ${listed.join(', ')}. Neurona has no such layer; register a class with that name through nr.registerLayer to load it.`,
  );
}
