/**
 * Second-opinion check for layers (test-only; excluded from the build): run a Neurona layer and the
 * matching tfjs-layers 4.22 layer on the same weights and input, and compare the outputs.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect } from 'vitest';
import * as nr from '../../index.js';
import type { ModelArtifacts } from '../../io/types.js';
import type { Layer } from '../layer.js';

/**
 * What tfjs-layers saves of `model`, in memory.
 *
 * @example
 * ```ts
 * const back = await nr.loadModel(nr.io.memory(await savedByTfjs(tfModel)));
 * ```
 */
export async function savedByTfjs(model: tfl.LayersModel): Promise<ModelArtifacts> {
  let saved: ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a as ModelArtifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved) throw new Error('savedByTfjs: tfjs-layers saved nothing');
  return saved;
}

/**
 * Build `ours` on a seeded input of `inputShape` (batch included), give `theirs` the same weights (in Keras
 * order, which both libraries share) and expect equal outputs to `tol` relative to `1 + |theirs|`.
 * Disposes both layers.
 *
 * @example
 * ```ts
 * await expectSameAsTfjs(nr.layers.conv2d({ filters: 2, kernelSize: 3 }), tfl.layers.conv2d({ filters: 2, kernelSize: 3 }), [1, 5, 5, 1]);
 * ```
 */
export async function expectSameAsTfjs(
  ours: Layer,
  theirs: tfl.layers.Layer,
  inputShape: readonly number[],
  tol = 1e-5,
): Promise<void> {
  nr.seed(7);
  const x = nr.randomUniform(inputShape, -1, 1);
  const xData = (await x.data()) as Float32Array;
  const y = ours.apply(x);
  // Random, non-zero biases too, so that a bias mix-up cannot hide.
  const weights = ours.getWeights().map((w, i) => {
    const r = nr.randomUniform(w.shape, -1, 1);
    return i === 0 ? nr.tidy(() => nr.add(w, nr.mul(r, 0))) : r;
  });
  ours.setWeights(weights);
  const yOurs = ours.apply(x);
  const tx = tf.tensor(xData, [...inputShape]);
  theirs.apply(tx);
  const tw = await Promise.all(weights.map(async (w) => tf.tensor(await w.data(), [...w.shape])));
  theirs.setWeights(tw);
  const ty = theirs.apply(tx) as tf.Tensor;
  expect(yOurs.shape).toEqual(ty.shape);
  const a = await yOurs.data();
  const b = await ty.data();
  for (let i = 0; i < b.length; i++) {
    if (Math.abs(a[i]! - b[i]!) > tol * (1 + Math.abs(b[i]!))) {
      throw new Error(`${ours.className} '${ours.name}': output ${i} is ${a[i]}, tfjs-layers gives ${b[i]}`);
    }
  }
  nr.dispose([x, y, yOurs, weights]);
  tf.dispose([tx, ty, tw]);
  ours.dispose();
  theirs.dispose();
}

async function expectSamePredictions(
  ours: nr.LayersModel,
  theirs: tfl.LayersModel,
  inputShape: readonly number[],
  tol: number,
): Promise<void> {
  nr.seed(9);
  const x = nr.randomUniform(inputShape, -1, 1);
  const y = ours.predict(x) as nr.Tensor;
  const tx = tf.tensor(await x.data(), [...inputShape]);
  const ty = theirs.predict(tx) as tf.Tensor;
  expect(y.shape).toEqual(ty.shape);
  const a = await y.data();
  const b = await ty.data();
  for (let i = 0; i < b.length; i++)
    expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i]!)));
  nr.dispose([x, y]);
  tf.dispose([tx, ty]);
}

/**
 * Saved-model interop both ways: tfjs-layers 4.22 loads a Sequential of `ours` that Neurona saved, and
 * Neurona loads a Sequential of `theirs` that tfjs saved; predictions agree to `tol` each time. The first
 * layer of each list carries the input shape. Disposes every model.
 *
 * @example
 * ```ts
 * await expectModelInterop([nr.layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [5, 5, 1] })], [tfl.layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [5, 5, 1] })], [2, 5, 5, 1]);
 * ```
 */
export async function expectModelInterop(
  ours: Layer[],
  theirs: tfl.layers.Layer[],
  inputShape: readonly number[],
  tol = 1e-5,
): Promise<void> {
  const model = nr.sequential({ layers: ours });
  const h = nr.io.memory();
  await model.save(h);
  const loadedByTfjs = await tfl.loadLayersModel(tf.io.fromMemory(h.artifacts as tf.io.ModelArtifacts));
  await expectSamePredictions(model, loadedByTfjs, inputShape, tol);
  loadedByTfjs.dispose();
  model.dispose();

  const tfModel = tfl.sequential({ layers: theirs });
  const loaded = await nr.loadModel(nr.io.memory(await savedByTfjs(tfModel)));
  await expectSamePredictions(loaded, tfModel, inputShape, tol);
  loaded.dispose();
  tfModel.dispose();
}
