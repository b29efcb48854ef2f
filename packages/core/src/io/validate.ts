/**
 * Validate-before-build: everything a loaded file says is checked before any layer or tensor is made, so a
 * malformed file gives one `Error` naming the field path with the expected and the actual value.
 */
import { checkLayerClasses } from './layer-classes.js';
import { type CanonicalTopology, normalizeTopology } from './normalize.js';
import type { JsonValue, ModelArtifacts, WeightSpec } from './types.js';
import { checkJsonTree, kindOf } from './validate-json.js';
import { checkLayerConfigs } from './validate-layers.js';
import { checkWeightSpecs } from './validate-manifest.js';

/** A checked model file: its canonical topology and how many weight values its layers may create. */
export interface ValidatedArtifacts {
  topology: CanonicalTopology;
  /** The values the model's own weights (not the optimizer's) hold in the file: the build's allocation bound. */
  weightValues: number;
}

const isObject = (v: unknown): v is { [key: string]: JsonValue } =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Check loaded artifacts in full: plain JSON nested at most `MAX_JSON_DEPTH` deep without prototype keys
 * (topology, training config, weight specs); every weight spec (name, shape, dtype, quantization, no name
 * twice); the bytes the specs declare against the weight data; the topology's structure (through
 * `normalizeTopology`), every layer config against the field schema, and every layer class registered.
 *
 * @example
 * ```ts
 * const { topology, weightValues } = validateArtifacts(artifacts);
 * ```
 */
export function validateArtifacts(a: ModelArtifacts): ValidatedArtifacts {
  if (!isObject(a)) throw new Error(`loadModel: the model artifacts must be an object, got ${kindOf(a)}`);
  if (!isObject(a.modelTopology)) {
    throw new Error(`loadModel: modelTopology must be an object, got ${kindOf(a.modelTopology)}`);
  }
  checkJsonTree(a.modelTopology, 'modelTopology');
  if (a.trainingConfig !== undefined && a.trainingConfig !== null)
    checkJsonTree(a.trainingConfig, 'trainingConfig');
  if (!Array.isArray(a.weightSpecs))
    throw new Error(`loadModel: weightSpecs must be an array, got ${kindOf(a.weightSpecs)}`);
  checkJsonTree(a.weightSpecs, 'weightSpecs');
  if (!(a.weightData instanceof ArrayBuffer)) {
    throw new Error(`loadModel: weightData must be an ArrayBuffer, got ${kindOf(a.weightData)}`);
  }
  const specs: WeightSpec[] = checkWeightSpecs(
    a.weightSpecs,
    a.weightData.byteLength,
    (i) => `weightSpecs[${i}]`,
    'weightData',
  );
  const topology = normalizeTopology(a.modelTopology);
  const root = a.modelTopology.model_config === undefined ? 'modelTopology' : 'modelTopology.model_config';
  checkLayerConfigs(topology, root);
  checkLayerClasses(topology, root);
  const weightValues = specs
    .filter((s) => s.group !== 'optimizer')
    .reduce((n, s) => n + s.shape.reduce((p, d) => p * d, 1), 0);
  return { topology, weightValues };
}
