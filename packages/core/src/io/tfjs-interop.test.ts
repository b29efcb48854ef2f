// The saved format is TensorFlow.js's: tfjs-layers 4.22 (the second opinion here) loads what Neurona saves
// and Neurona loads what tfjs-layers saves, with the same predictions and the same compile settings.
import '../../../../test-utils/quiet-tfjs.js';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import type { ModelArtifacts } from './types.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await nr.setBackend(cpu({ fast: false }));
});

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++)
    expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i]!)));
}

/** Random inputs, as nested arrays both libraries accept. */
function inputs(shape: number[], seed: number): { data: Float32Array; shape: number[] } {
  const rng = new nr.Rng(seed);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform() * 2 - 1;
  return { data, shape };
}

describe('TensorFlow.js LayersModel interop', () => {
  it('tfjs-layers loads a model Neurona saved (conv, pooling, dense) and predicts the same', async () => {
    nr.seed(11);
    const model = nr.sequential({
      layers: [
        nr.layers.conv2d({
          filters: 4,
          kernelSize: 3,
          activation: 'relu',
          padding: 'same',
          inputShape: [8, 8, 2],
        }),
        nr.layers.maxPooling2d({ poolSize: 2 }),
        nr.layers.flatten(),
        nr.layers.dense({ units: 6, activation: 'tanh' }),
        nr.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const x0 = nr.tensor(inputs([4, 8, 8, 2], 5).data, [4, 8, 8, 2]);
    const y0 = nr.oneHot(nr.tensor1d([0, 1, 2, 1], 'int32'), 3);
    await model.fit(x0, y0, { epochs: 1, verbose: 0 });
    nr.dispose([x0, y0]);
    const h = nr.io.memory();
    await model.save(h, { includeOptimizer: true });
    const theirs = await tfl.loadLayersModel(tf.io.fromMemory(h.artifacts as tf.io.ModelArtifacts));
    const { data, shape } = inputs([2, 8, 8, 2], 3);
    const x = nr.tensor(data, shape);
    const ours = model.predict(x);
    const tx = tf.tensor(data, shape);
    const ty = theirs.predict(tx) as tf.Tensor;
    expectClose(await ty.data(), await ours.data());
    expect(theirs.optimizer?.getClassName()).toBe('Adam');
    const theirState = await theirs.optimizer.getWeights();
    const ourState = model.optimizer!.getWeights();
    expect(theirState).toHaveLength(ourState.length);
    for (const [i, w] of theirState.entries())
      expectClose(await w.tensor.data(), await ourState[i]!.data(), 0);
    nr.dispose(ourState);
    nr.dispose([x, ours]);
    tf.dispose([tx, ty]);
    theirs.dispose();
    model.dispose();
  });

  it('Neurona loads a model tfjs-layers saved (embedding, LSTM, GRU, dense) and predicts the same', async () => {
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.embedding({ inputDim: 10, outputDim: 4, inputShape: [5] }),
        // (tfjs's default orthogonal initializer needs its chained ops, which its ESM build under vitest lacks)
        tfl.layers.lstm({ units: 6, returnSequences: true, recurrentInitializer: 'glorotUniform' }),
        tfl.layers.gru({ units: 5, recurrentInitializer: 'glorotUniform' }),
        tfl.layers.dense({ units: 2, activation: 'sigmoid' }),
      ],
    });
    theirs.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    // One training step, so the saved optimizer state holds Adam's moments, not only its step count.
    const tx0 = tf.tensor2d(
      [
        [1, 2, 3, 4, 5],
        [5, 4, 3, 2, 1],
      ],
      [2, 5],
      'int32',
    );
    const ty0 = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    await theirs.fit(tx0, ty0, { epochs: 1, verbose: 0 });
    tf.dispose([tx0, ty0]);
    let saved: ModelArtifacts | null = null;
    await theirs.save(
      tf.io.withSaveHandler(async (a) => {
        saved = a as ModelArtifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
      { includeOptimizer: true }, // tfjs writes the training config only with the optimizer's weights
    );
    const model = await nr.loadModel(nr.io.memory(saved!));
    const ids = [
      [1, 2, 3, 4, 5],
      [9, 0, 0, 7, 2],
    ];
    const ty = theirs.predict(tf.tensor2d(ids, [2, 5], 'int32')) as tf.Tensor;
    const x = nr.tensor2d(ids, [2, 5], 'int32');
    const ours = model.predict(x) as nr.Tensor;
    expectClose(await ours.data(), await ty.data());
    expect(model.lossFn?.lossName).toBe('binaryCrossentropy');
    expect(model.optimizer?.getConfig().learningRate).toBeCloseTo(0.01, 7);
    // Their optimizer state (step count, then m of every weight, then v of every weight) is ours after loading.
    const theirState = await theirs.optimizer.getWeights();
    const ourState = model.optimizer!.getWeights();
    expect(ourState).toHaveLength(theirState.length);
    for (const [i, w] of theirState.entries())
      expectClose(await ourState[i]!.data(), await w.tensor.data(), 0);
    nr.dispose(ourState);
    nr.dispose([x, ours]);
    tf.dispose(ty);
    theirs.dispose();
    model.dispose();
  });
});
