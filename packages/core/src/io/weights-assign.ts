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
 * group `'optimizer'` are skipped. Every missing weight and shape mismatch is named before anything is set.
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
      `loadModel: model '${model.name}': weights missing from the file: ${missing.join(', ')}${extra.length ? ` (the file has ${extra.slice(0, 8).join(', ')}${extra.length > 8 ? ', ...' : ''} that no layer takes)` : ''}`,
    );
  }
  for (const w of weights) {
    const { spec } = byName.get(w.name)!;
    if (spec.shape.length !== w.shape.length || spec.shape.some((d, i) => d !== w.shape[i])) {
      throw new Error(
        `loadModel: weight '${w.name}' has shape [${spec.shape.join(', ')}] in the file, the layer expects [${w.shape.join(', ')}]`,
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
