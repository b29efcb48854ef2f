// Functional and nested models move between Neurona and tfjs-layers 4.22 (the second opinion): each trains,
// saves, loads in tfjs with the same predictions, and comes back; tfjs-built graphs load in Neurona.
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

function randomData(shape: number[], seed: number): Float32Array {
  const rng = new nr.Rng(seed);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform() * 2 - 1;
  return data;
}

const asList = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** Neurona's and tfjs's predictions on the same random inputs agree to 1e-5 (every output). */
async function samePredictions(
  ours: nr.LayersModel,
  theirs: tfl.LayersModel,
  shapes: number[][],
): Promise<void> {
  const datas = shapes.map((s, i) => randomData(s, 100 + i));
  const xs = datas.map((d, i) => nr.tensor(d, shapes[i]!));
  const txs = datas.map((d, i) => tf.tensor(d, shapes[i]!));
  const before = nr.memory().numTensors;
  const ys = asList(ours.predict(xs));
  expect(nr.memory().numTensors).toBe(before + ys.length);
  const tys = asList(theirs.predict(txs.length === 1 ? txs[0]! : txs) as tf.Tensor | tf.Tensor[]);
  expect(ys).toHaveLength(tys.length);
  for (const [i, y] of ys.entries()) {
    expect(y.shape).toEqual(tys[i]!.shape);
    expectClose(await y.data(), await tys[i]!.data());
  }
  nr.dispose([...xs, ...ys]);
  tf.dispose([...txs, ...tys]);
}

async function saveTfjs(m: tfl.LayersModel): Promise<ModelArtifacts> {
  let saved: ModelArtifacts | null = null;
  await m.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a as ModelArtifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

/** Train, then: tfjs loads what we saved, we load it back, and we load what tfjs re-saves; all predict the same. */
async function roundTrip(
  model: nr.LayersModel,
  x: nr.ModelData,
  y: nr.ModelData,
  shapes: number[][],
): Promise<void> {
  const before = nr.memory().numTensors;
  const h = await model.fit(x, y, { epochs: 30, batchSize: 8, verbose: 0 });
  expect(nr.memory().numTensors).toBe(before);
  const loss = h.history.loss!;
  expect(loss.at(-1)!).toBeLessThan(loss[0]! * 0.8);
  const mem = nr.io.memory();
  await model.save(mem);
  expect(mem.artifacts!.modelTopology.class_name).toBe(model.className);
  const theirs = await tfl.loadLayersModel(tf.io.fromMemory(mem.artifacts as tf.io.ModelArtifacts));
  await samePredictions(model, theirs, shapes);
  const back = await nr.loadModel(nr.io.memory(await saveTfjs(theirs)));
  expect(back.className).toBe(model.className);
  expect(back.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
  await samePredictions(back, theirs, shapes);
  const again = await nr.loadModel(mem);
  await samePredictions(again, theirs, shapes);
  back.dispose();
  again.dispose();
  theirs.dispose();
}

describe('functional models <-> tfjs-layers 4.22', () => {
  it('a ResNet-style block with add: trains, saves, loads in tfjs, comes back', async () => {
    nr.seed(1);
    const x = nr.input({ shape: [6], name: 'features' });
    const h = nr.layers
      .dense({ units: 6, activation: 'relu' })
      .apply(nr.layers.dense({ units: 8, activation: 'relu' }).apply(x));
    const sum = nr.layers.add().apply([x, h]);
    const out = nr.layers.dense({ units: 3, activation: 'softmax' }).apply(sum);
    const model = nr.model({ inputs: x, outputs: out, name: 'resblock' });
    model.compile({
      optimizer: nr.optimizers.adam({ learningRate: 0.02 }),
      loss: 'sparseCategoricalCrossentropy',
    });
    const xs = nr.tensor(randomData([32, 6], 7), [32, 6]);
    const ys = nr.tidy(() => nr.cast(nr.argMax(nr.slice(xs, [0, 0], [32, 3]), 1), 'int32'));
    await roundTrip(model, xs, ys, [[5, 6]]);
    nr.dispose([xs, ys]);
    model.dispose();
  });

  it('a two-input model with concatenate', async () => {
    nr.seed(2);
    const a = nr.input({ shape: [4], name: 'left' });
    const b = nr.input({ shape: [3], name: 'right' });
    const ha = nr.layers.dense({ units: 5, activation: 'tanh' }).apply(a);
    const joined = nr.layers.concatenate({ axis: -1 }).apply([ha, b]);
    const out = nr.layers.dense({ units: 1 }).apply(joined);
    const model = nr.model({ inputs: [a, b], outputs: out });
    model.compile({ optimizer: nr.optimizers.adam({ learningRate: 0.02 }), loss: 'meanSquaredError' });
    const xa = nr.tensor(randomData([32, 4], 8), [32, 4]);
    const xb = nr.tensor(randomData([32, 3], 9), [32, 3]);
    const target = nr.tidy(() => nr.reshape(nr.add(nr.sum(xa, 1), nr.sum(xb, 1)), [32, 1]));
    await roundTrip(model, { left: xa, right: xb }, target, [
      [5, 4],
      [5, 3],
    ]);
    nr.dispose([xa, xb, target]);
    model.dispose();
  });

  it('a two-output model with two losses', async () => {
    nr.seed(3);
    const x = nr.input({ shape: [5] });
    const trunk = nr.layers.dense({ units: 8, activation: 'relu' }).apply(x);
    const cls = nr.layers.dense({ units: 2, activation: 'softmax', name: 'cls' }).apply(trunk);
    const reg = nr.layers.dense({ units: 1, name: 'reg' }).apply(trunk);
    const model = nr.model({ inputs: x, outputs: [cls, reg] });
    model.compile({
      optimizer: nr.optimizers.adam({ learningRate: 0.02 }),
      loss: ['categoricalCrossentropy', 'meanSquaredError'],
      lossWeights: { cls: 1, reg: 0.5 },
    });
    const xs = nr.tensor(randomData([32, 5], 10), [32, 5]);
    const labels = nr.tidy(() => nr.oneHot(nr.cast(nr.greater(nr.sum(xs, 1), 0), 'int32'), 2));
    const target = nr.tidy(() => nr.reshape(nr.mean(xs, 1), [32, 1]));
    await roundTrip(model, xs, [labels, target], [[5, 5]]);
    nr.dispose([xs, labels, target]);
    model.dispose();
  });

  it('loads a tfjs graph with a shared layer, several outputs and a nested model', async () => {
    const a = tfl.input({ shape: [4], name: 'ta' });
    const b = tfl.input({ shape: [4], name: 'tb' });
    const innerIn = tfl.input({ shape: [4] });
    const innerOut = tfl.layers.dense({ units: 3, activation: 'relu' }).apply(innerIn) as tfl.SymbolicTensor;
    const inner = tfl.model({ inputs: innerIn, outputs: innerOut, name: 'inner' });
    const shared = tfl.layers.dense({ units: 3, activation: 'tanh', name: 'shared_t' });
    const sa = shared.apply(a) as tfl.SymbolicTensor;
    const sb = shared.apply(b) as tfl.SymbolicTensor;
    const merged = tfl.layers
      .multiply()
      .apply([sa, sb, inner.apply(a) as tfl.SymbolicTensor]) as tfl.SymbolicTensor;
    const outs = [
      tfl.layers.dense({ units: 2, name: 'o1' }).apply(merged) as tfl.SymbolicTensor,
      tfl.layers.dot({ axes: 1, normalize: true }).apply([sa, sb]) as tfl.SymbolicTensor,
    ];
    const theirs = tfl.model({ inputs: [a, b], outputs: outs });
    const ours = await nr.loadModel(nr.io.memory(await saveTfjs(theirs)));
    expect(ours).toBeInstanceOf(nr.LayersModel);
    expect(ours.getLayer('shared_t').inboundNodes).toHaveLength(2);
    await samePredictions(ours, theirs, [
      [3, 4],
      [3, 4],
    ]);
    // Saved by Neurona, loaded by tfjs again.
    const mem = nr.io.memory();
    await ours.save(mem);
    const again = await tfl.loadLayersModel(tf.io.fromMemory(mem.artifacts as tf.io.ModelArtifacts));
    await samePredictions(ours, again, [
      [3, 4],
      [3, 4],
    ]);
    ours.dispose();
    theirs.dispose();
    again.dispose();
  });
});
