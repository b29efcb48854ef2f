// Neurona loads Keras 3 functional and nested files as they are, and predicts as tfjs-layers 4.22 does on the
// same file in the canonical form (tfjs-layers 4.22 cannot read the Keras 3 form itself).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { normalizeTopology } from './normalize.js';
import { keras3Functional, keras3Nested, keras3NestedSpecs, type Obj } from './testing/keras3-fixtures.js';
import { randomWeightData } from './testing/random-weights.js';
import type { ModelArtifacts, WeightSpec } from './types.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await nr.setBackend(cpu({ fast: false }));
});

/**
 * What the models below need that this build may lack; a case listed here runs as an expected failure until
 * it lands (then it turns red: remove it from the list).
 */
/** Cases that run as expected failures, with what Neurona still lacks for them (none today). */
const NEEDS: Record<string, string> = {};

async function compare(topology: Obj, specs: WeightSpec[], shapes: number[][]): Promise<void> {
  const a: ModelArtifacts = {
    modelTopology: { model_config: topology, keras_version: '3.8.0', backend: 'tensorflow' },
    weightSpecs: specs,
    weightData: randomWeightData(specs, 21),
  };
  const rng = new nr.Rng(5);
  const data = shapes.map((s) => Float32Array.from({ length: s[0]! * s[1]! }, () => rng.uniform() * 2 - 1));
  const canonical = { ...a, modelTopology: normalizeTopology(a.modelTopology) };
  const theirs = await tfl.loadLayersModel(tf.io.fromMemory(canonical as tf.io.ModelArtifacts));
  const txs = data.map((d, i) => tf.tensor(d, shapes[i]));
  const ty = theirs.predict(txs.length === 1 ? txs[0]! : txs) as tf.Tensor;
  const want = await ty.data();
  tf.dispose([...txs, ty]);
  theirs.dispose();
  const before = nr.memory().numTensors;
  const ours = await nr.loadModel(nr.io.memory(a));
  const xs = data.map((d, i) => nr.tensor(d, shapes[i]));
  const y = ours.predict((xs.length === 1 ? xs[0]! : xs) as never) as nr.Tensor;
  const got = await y.data();
  nr.dispose([...xs, y]);
  ours.dispose();
  expect(nr.memory().numTensors).toBe(before);
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-6);
}

/** `it`, or `it.fails` with the reason when the case needs something this build lacks. */
const test = (key: string, title: string, fn: () => Promise<void>): void => {
  if (NEEDS[key]) it.fails(`${title} (expected to fail until Neurona has ${NEEDS[key]})`, fn);
  else it(title, fn);
};

describe('Keras 3 files in Neurona', () => {
  test('functional', 'a Keras 3 two-input functional model (Concatenate, Dense)', () =>
    compare(
      keras3Functional,
      [
        { name: 'out/kernel', shape: [5, 4], dtype: 'float32' },
        { name: 'out/bias', shape: [4], dtype: 'float32' },
      ],
      [
        [3, 3],
        [3, 2],
      ],
    ),
  );
  test('nested', 'a Keras 3 Sequential holding a Functional model, which tfjs-layers 4.22 cannot load', () =>
    compare(keras3Nested, keras3NestedSpecs, [[4, 3]]),
  );
});
