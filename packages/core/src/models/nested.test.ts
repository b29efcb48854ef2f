// Models used as layers (Teachable-Machine-shaped: a Sequential holding a functional trunk and a head), and
// freezing with `trainable = false`. tfjs-layers 4.22 is the second opinion for the saved form.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await nr.setBackend(cpu({ fast: false }));
});

async function values(t: nr.Tensor | tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

function expectClose(a: number[], b: number[], tol = 1e-5): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++)
    expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i]!)));
}

/** A small image trunk (conv, batch norm, relu) as a functional model, then a Sequential like TM exports. */
function tmShaped(): { model: nr.Sequential; trunk: nr.Sequential; head: nr.Sequential } {
  const img = nr.input({ shape: [6, 6, 2], name: 'image' });
  let h = nr.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'conv' }).apply(img);
  h = nr.layers.batchNormalization({ name: 'bn' }).apply(h);
  h = nr.layers.activation({ activation: 'relu', name: 'relu' }).apply(h);
  const base = nr.model({ inputs: img, outputs: h, name: 'base' });
  const trunk = nr.sequential({
    layers: [base, nr.layers.globalAveragePooling2d({ name: 'gap' })],
    name: 'trunk',
  });
  const head = nr.sequential({
    layers: [
      nr.layers.dense({ units: 5, activation: 'relu', name: 'h1' }),
      nr.layers.dense({ units: 3, activation: 'softmax', name: 'h2' }),
    ],
    name: 'head',
  });
  const model = nr.sequential({ layers: [trunk, head], name: 'tm' });
  return { model, trunk, head };
}

describe('nested models', () => {
  it('a Sequential of a functional trunk and a head predicts as its parts, saves for tfjs and comes back', async () => {
    nr.seed(4);
    const { model, trunk, head } = tmShaped();
    expect(model.outputShape).toEqual([null, 3]);
    expect(model.countParams()).toBe(4 * 3 * 3 * 2 + 4 + 4 * 4 + (4 * 5 + 5) + (5 * 3 + 3));
    const x = nr.randomUniform([3, 6, 6, 2], -1, 1);
    const y = model.predict(x);
    const parts = nr.tidy(() => head.apply(trunk.apply(x)));
    expectClose(await values(y), await values(parts), 1e-6);
    const mem = nr.io.memory();
    await model.save(mem);
    const theirs = await tfl.loadLayersModel(tf.io.fromMemory(mem.artifacts as tf.io.ModelArtifacts));
    const tx = tf.tensor(await values(x), [3, 6, 6, 2]);
    const ty = theirs.predict(tx) as tf.Tensor;
    expectClose(await values(y), await values(ty));
    // And tfjs's save of it loads in Neurona, nested classes included.
    let saved: nr.io.ModelArtifacts | null = null;
    await theirs.save(
      tf.io.withSaveHandler(async (a) => {
        saved = a as nr.io.ModelArtifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const back = await nr.loadModel(nr.io.memory(saved!));
    expect(back).toBeInstanceOf(nr.Sequential);
    expect(back.layers.map((l) => l.className)).toEqual(['Sequential', 'Sequential']);
    expect((back.layers[0] as nr.Sequential).layers[0]).toBeInstanceOf(nr.LayersModel);
    const y2 = back.predict(x) as nr.Tensor;
    expectClose(await values(y2), await values(ty));
    nr.dispose([x, y, parts, y2]);
    tf.dispose([tx, ty]);
    theirs.dispose();
    back.dispose();
    model.dispose();
  });

  it('trainable = false on a nested model freezes it in fit (batch norm statistics too); only the head trains', async () => {
    nr.seed(5);
    const { model, trunk, head } = tmShaped();
    trunk.trainable = false;
    expect(trunk.layers.every((l) => !l.trainable)).toBe(true);
    expect(model.trainableWeights.map((w) => w.name)).toEqual(head.weights.map((w) => w.name));
    expect(model.nonTrainableWeights).toHaveLength(trunk.weights.length);
    model.compile({
      optimizer: nr.optimizers.adam({ learningRate: 0.05 }),
      loss: 'sparseCategoricalCrossentropy',
    });
    const x = nr.randomUniform([16, 6, 6, 2], -1, 1);
    const y = nr.tensor1d(
      Array.from({ length: 16 }, (_, i) => i % 3),
      'int32',
    );
    const trunkBefore = await Promise.all(trunk.weights.map(values));
    const headBefore = await Promise.all(head.weights.map(values));
    const before = nr.memory().numTensors;
    const h = await model.fit(x, y, { epochs: 20, batchSize: 8, verbose: 0 });
    await model.evaluate(x, y);
    nr.dispose(model.predict(x));
    expect(nr.memory().numTensors).toBe(before);
    expect(h.history.loss!.at(-1)!).toBeLessThan(h.history.loss![0]!);
    const trunkAfter = await Promise.all(trunk.weights.map(values));
    expect(trunkAfter).toEqual(trunkBefore); // kernel, gamma, beta and the moving mean / variance
    const headAfter = await Promise.all(head.weights.map(values));
    expect(headAfter.some((w, i) => w.some((v, j) => v !== headBefore[i]![j]))).toBe(true);
    // Adam holds its step count and two slots per trainable weight: the head's four only.
    const state = model.optimizer!.getWeights();
    expect(state).toHaveLength(1 + 2 * head.weights.length);
    nr.dispose(state);
    nr.dispose([x, y]);
    model.dispose();
  });

  it('a functional model applied to symbolic tensors inside another graph, and summary shows connections', async () => {
    nr.seed(6);
    const i = nr.input({ shape: [3] });
    const block = nr.model({
      inputs: i,
      outputs: nr.layers.dense({ units: 3, activation: 'tanh', name: 'inner_d' }).apply(i),
      name: 'block',
    });
    const x = nr.input({ shape: [3], name: 'x' });
    const once = block.apply(x);
    const twice = block.apply(once); // shared: two nodes besides its own node 0
    const out = nr.layers.add({ name: 'skip' }).apply([x, twice]);
    const outer = nr.model({ inputs: x, outputs: out, name: 'outer' });
    expect(block.inboundNodes).toHaveLength(3);
    const data = nr.randomUniform([4, 3], -1, 1);
    const got = outer.predict(data);
    const want = nr.tidy(() => nr.add(data, block.apply(block.apply(data))));
    expectClose(await values(got), await values(want), 1e-6);
    const text = outer.summary(() => {});
    expect(text).toMatch(/skip \(Add\)\s+\(None, 3\)\s+0\s+x\[0\]\[0\], block\[2\]\[0\]/);
    expect(text).toMatch(/block \(Model\)\s+\(None, 3\)\s+12\s+x\[0\]\[0\], block\[1\]\[0\]/);
    // Saved node indices count the model's own node 0, as tfjs does: tfjs loads it and agrees.
    const mem = nr.io.memory();
    await outer.save(mem);
    const theirs = await tfl.loadLayersModel(tf.io.fromMemory(mem.artifacts as tf.io.ModelArtifacts));
    const ty = theirs.predict(tf.tensor(await values(data), [4, 3])) as tf.Tensor;
    expectClose(await values(got), await values(ty));
    nr.dispose([data, got, want]);
    tf.dispose(ty);
    theirs.dispose();
    outer.dispose();
  });
});
