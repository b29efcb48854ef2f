import { engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { tensor } from '../ops/creation.js';
import type { ModelArtifacts } from './types.js';
import {
  canonicalWeightName,
  checkWeightBytes,
  type LocatedWeight,
  locateWeights,
  readWeight,
  valueDtype,
} from './weights.js';

/** What weights can be loaded into: a model (Sequential, functional) with named weights in a fixed order. */
export interface WeightTarget {
  readonly name: string;
  readonly weights: readonly { readonly name: string; readonly shape: readonly number[] }[];
  setWeights(values: readonly Tensor[]): void;
}

/**
 * Set a model's weights from artifacts, matching by name (cell-scoped recurrent names such as
 * `lstm_1/lstm_cell/kernel` match the layer's `lstm_1/kernel`), dequantizing quantized ones. Weights of
 * group `'optimizer'` are skipped. Every missing weight, weight no layer takes and shape mismatch is named
 * before anything is set.
 *
 * @example
 * ```ts
 * assignWeights(model, artifacts);
 * ```
 */
export function assignWeights(model: WeightTarget, a: ModelArtifacts): void {
  const located = locateWeights(a.weightSpecs);
  const byName = new Map<string, LocatedWeight>();
  for (const l of located) {
    if (l.spec.group === 'optimizer') continue;
    if (!byName.has(l.spec.name)) byName.set(l.spec.name, l);
    const alias = canonicalWeightName(l.spec.name);
    if (!byName.has(alias)) byName.set(alias, l);
  }
  const weights = model.weights;
  const missing = weights.filter((w) => !byName.has(w.name)).map((w) => w.name);
  if (missing.length) {
    const extra = [...byName.keys()].filter((n) => !weights.some((w) => w.name === n));
    throw new Error(
      `loadModel: weightsManifest: model '${model.name}' has weights the file does not hold: ${missing.join(', ')}${extra.length ? ` (the file has ${extra.slice(0, 8).join(', ')}${extra.length > 8 ? ', ...' : ''} that no layer takes)` : ''}`,
    );
  }
  // A weight no layer takes means the topology lost a layer (or the files are of two models): refused, as
  // tfjs-layers refuses it, rather than a model that silently computes something else.
  const used = new Set(weights.map((w) => byName.get(w.name)!));
  const unused = located
    .filter((l) => l.spec.group !== 'optimizer' && !used.has(l))
    .map((l) => `'${l.spec.name}'`);
  if (unused.length) {
    throw new Error(
      `loadModel: weightsManifest: weight${unused.length > 1 ? 's' : ''} ${unused.slice(0, 8).join(', ')}${unused.length > 8 ? ', ...' : ''} of the file belong${unused.length > 1 ? '' : 's'} to no layer of model '${model.name}' as modelTopology describes it (a layer is missing from the topology, or the weights are another model's)`,
    );
  }
  for (const w of weights) {
    const { spec } = byName.get(w.name)!;
    if (valueDtype(spec) !== 'float32') {
      throw new Error(
        `loadModel: weightsManifest: weight '${w.name}' has dtype '${valueDtype(spec)}' in the file, but the layer's weight is float32`,
      );
    }
    if (spec.shape.length !== w.shape.length || spec.shape.some((d, i) => d !== w.shape[i])) {
      throw new Error(
        `loadModel: weightsManifest: weight '${w.name}' has shape [${spec.shape.join(', ')}] in the file, but the layer modelTopology describes expects [${w.shape.join(', ')}]`,
      );
    }
  }
  checkWeightBytes(located, a.weightData.byteLength);
  const values: Tensor[] = engine().scoped('loadModel', () =>
    weights.map((w) => {
      const l = byName.get(w.name)!;
      const data = readWeight(a.weightData, l);
      return tensor(data instanceof Float32Array ? data : Float32Array.from(data), l.spec.shape, 'float32');
    }),
  );
  try {
    model.setWeights(values);
  } finally {
    for (const v of values) v.dispose();
  }
}
