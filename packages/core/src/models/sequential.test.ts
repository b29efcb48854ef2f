import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { progressBar } from '../node/index.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

const xorX = () =>
  nr.tensor2d([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]);
const xorY = () => nr.tensor2d([[0], [1], [1], [0]]);

function smallCnn(): nr.Sequential {
  return nr.sequential({
    layers: [
      nr.layers.conv2d({ filters: 8, kernelSize: 5, activation: 'relu', inputShape: [28, 28, 1] }),
      nr.layers.maxPooling2d({ poolSize: 2 }),
      nr.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
      nr.layers.maxPooling2d({ poolSize: 2 }),
      nr.layers.flatten(),
      nr.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

describe('Sequential: the course workflow', () => {
  it('learns XOR to 100% accuracy with dense tanh -> sigmoid', async () => {
    nr.seed(1);
    const model = nr.sequential({
      layers: [
        nr.layers.dense({ units: 8, activation: 'tanh', inputShape: [2] }),
        nr.layers.dense({ units: 1, activation: 'sigmoid' }),
      ],
    });
    model.compile({
      optimizer: nr.optimizers.adam({ learningRate: 0.05 }),
      loss: 'binaryCrossentropy',
      metrics: ['accuracy'],
    });
    const [x, y] = [xorX(), xorY()];
    const before = nr.memory().numTensors;
    const h = await model.fit(x, y, { epochs: 300, batchSize: 4, verbose: 0 });
    expect(nr.memory().numTensors).toBe(before);
    expect(h.history.accuracy!.at(-1)).toBe(1);
    const p = model.predict(x);
    expect(Array.from(p.dataSync()).map((v) => (v > 0.5 ? 1 : 0))).toEqual([0, 1, 1, 0]);
    const ev = await model.evaluate(x, y);
    expect(ev.accuracy).toBe(1);
    expect(ev.loss).toBeLessThan(0.1);
    nr.dispose([p, x, y]);
    expect(nr.memory().numTensors).toBe(before - 2);
    model.dispose();
  });

  it("mode 'batch' makes one update per epoch equal to a hand-written full-batch gradient step", async () => {
    // Linear neuron y = x·w + b, MSE loss L = mean((y - t)^2), so dL/dw = (2/n) Σ (y_i - t_i) x_i, dL/db = (2/n) Σ (y_i - t_i)
    const xs = [
      [1, 2],
      [3, -1],
      [0.5, 0.5],
    ];
    const ts = [1, -2, 0.25];
    const w0 = [0.1, -0.3];
    const b0 = 0.2;
    const lr = 0.1;
    const model = nr.sequential({ layers: [nr.layers.dense({ units: 1, inputShape: [2] })] });
    model.setWeights([nr.tensor2d([[w0[0]!], [w0[1]!]]), nr.tensor1d([b0])]);
    model.compile({ optimizer: nr.optimizers.sgd({ learningRate: lr }), loss: 'meanSquaredError' });
    const h = await model.fit(nr.tensor2d(xs), nr.tensor2d(ts.map((t) => [t])), {
      epochs: 1,
      mode: 'batch',
      verbose: 0,
    });
    expect(h.updates).toBe(1);
    const n = xs.length;
    const gw = [0, 0];
    let gb = 0;
    xs.forEach((x, i) => {
      const err = x[0]! * w0[0]! + x[1]! * w0[1]! + b0 - ts[i]!;
      gw[0]! += (2 / n) * err * x[0]!;
      gw[1]! += (2 / n) * err * x[1]!;
      gb += (2 / n) * err;
    });
    const [w, b] = model.getWeights();
    const wv = Array.from(w!.dataSync());
    expect(wv[0]).toBeCloseTo(w0[0]! - lr * gw[0]!, 6);
    expect(wv[1]).toBeCloseTo(w0[1]! - lr * gw[1]!, 6);
    expect(b!.dataSync()[0]).toBeCloseTo(b0 - lr * gb, 6);
    nr.dispose([w, b]);
    model.dispose();
  });

  async function trainWith(args: nr.FitArgs): Promise<{ weights: number[][]; updates: number }> {
    nr.seed(11);
    const model = nr.sequential({
      layers: [
        nr.layers.dense({ units: 3, activation: 'tanh', inputShape: [2] }),
        nr.layers.dense({ units: 1 }),
      ],
    });
    model.compile({ optimizer: nr.optimizers.sgd({ learningRate: 0.05 }), loss: 'mse' });
    nr.seed(5);
    const x = nr.randomNormal([12, 2]);
    const y = nr.randomNormal([12, 1]);
    const h = await model.fit(x, y, { epochs: 3, verbose: 0, ...args });
    const ws = model.getWeights();
    const weights = ws.map((w) => Array.from(w.dataSync()));
    nr.dispose([ws, x, y]);
    model.dispose();
    return { weights, updates: h.updates };
  }

  it("'minibatch' with batchSize = n equals 'batch'; 'stochastic' makes one update per example", async () => {
    const batch = await trainWith({ mode: 'batch' });
    const mini = await trainWith({ mode: 'minibatch', batchSize: 12 });
    const sto = await trainWith({ mode: 'stochastic' });
    const mb4 = await trainWith({ mode: 'minibatch', batchSize: 4 });
    expect(batch.updates).toBe(3);
    expect(mini.weights).toEqual(batch.weights);
    expect(sto.updates).toBe(36);
    expect(mb4.updates).toBe(9);
    expect(sto.weights).not.toEqual(batch.weights);
  });

  it('is bitwise deterministic for a fixed seed (weights, shuffling, dropout)', async () => {
    const run = async () => {
      nr.seed(42);
      const model = nr.sequential({
        layers: [
          nr.layers.dense({ units: 6, activation: 'relu', inputShape: [3] }),
          nr.layers.dropout({ rate: 0.3 }),
          nr.layers.dense({ units: 2, activation: 'softmax' }),
        ],
      });
      model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
      const x = nr.randomNormal([20, 3]);
      const y = nr.tensor1d(
        Array.from({ length: 20 }, (_, i) => i % 2),
        'int32',
      );
      await model.fit(x, y, { epochs: 2, batchSize: 5, verbose: 0 });
      const ws = model.getWeights();
      const out = ws.map((w) => Array.from(w.dataSync()));
      nr.dispose([ws, x, y]);
      model.dispose();
      return out;
    };
    expect(await run()).toEqual(await run());
  });
});

describe('Sequential: structure', () => {
  it('summarises the small MNIST CNN with Keras parameter counts (5,994)', () => {
    const model = smallCnn();
    expect(model.countParams()).toBe(5994);
    const lines: string[] = [];
    const text = model.summary((l) => lines.push(l));
    expect(text).toContain('Total params: 5,994');
    expect(text).toContain('(None, 24, 24, 8)');
    expect(text).toContain('(None, 4, 4, 16)');
    expect(text).toMatch(/dense\S* \(Dense\)\s+\(None, 10\)\s+2,570/);
    expect(lines.length).toBeGreaterThan(10);
    model.dispose();
  });

  it('gives clear errors before training starts', async () => {
    const model = nr.sequential({
      layers: [nr.layers.dense({ units: 2, activation: 'softmax', inputShape: [3] })],
    });
    const x = nr.zeros([4, 3]);
    await expect(model.fit(x, nr.zeros([4, 2]))).rejects.toThrow(/call compile/);
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    await expect(model.fit(nr.zeros([4, 5]), nr.zeros([4, 2]))).rejects.toThrow(
      /expected x of shape \[null, 3\], got \[4, 5\]/,
    );
    await expect(model.fit(x, nr.zeros([3, 2]))).rejects.toThrow(/x has 4 examples but y has 3 labels/);
    await expect(model.fit(x, nr.zeros([4, 3]))).rejects.toThrow(
      /targets of shape \[4, 3\] do not match the model's output \[null, 2\]/,
    );
    await expect(model.fit(nr.tensor2d([[1, Number.NaN, 0]]), nr.zeros([1, 2]))).rejects.toThrow(
      /x contains NaN at flat index 1 \(example 0\)/,
    );
    expect(() => model.compile({ optimizer: 'sgd', loss: 'nope' })).toThrow(/unknown loss "nope"/);
    expect(() => model.compile({ optimizer: 'nadam', loss: 'mse' })).toThrow(/unknown optimizer 'nadam'/);
    model.dispose();
  });

  it('supports validation, early stopping with restored weights, and callbacks', async () => {
    nr.seed(3);
    const model = nr.sequential({ layers: [nr.layers.dense({ units: 1, inputShape: [1] })] });
    model.compile({ optimizer: nr.optimizers.sgd({ learningRate: 0.1 }), loss: 'mse' });
    const x = nr.tensor2d([[0], [1], [2], [3], [4]]);
    const y = nr.tensor2d([[1], [3], [5], [7], [9]]);
    const events: string[] = [];
    const stopper = nr.callbacks.earlyStopping({ monitor: 'loss', patience: 0, restoreBestWeights: true });
    const h = await model.fit(x, y, {
      epochs: 30,
      batchSize: 5,
      shuffle: false,
      validationSplit: 0.2,
      verbose: 0,
      callbacks: [
        stopper,
        { onTrainBegin: () => void events.push('begin'), onEpochEnd: (e) => void events.push(`epoch${e}`) },
      ],
    });
    expect(events[0]).toBe('begin');
    expect(h.history.val_loss!.length).toBe(h.epoch.length);
    expect(h.history.loss!.length).toBe(h.epoch.length);
    nr.dispose([x, y]);
    model.dispose();
  });

  it('draws a progress bar with loss, metrics, samples/s and ETA', async () => {
    let out = '';
    const stream = new Writable({
      write(chunk, _enc, cb) {
        out += chunk.toString();
        cb();
      },
    });
    const model = nr.sequential({
      layers: [nr.layers.dense({ units: 1, activation: 'sigmoid', inputShape: [2] })],
    });
    model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const [x, y] = [xorX(), xorY()];
    await model.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0, callbacks: [progressBar({ stream })] });
    expect(out).toMatch(/Epoch 2\/2/);
    expect(out).toMatch(/loss \d/);
    expect(out).toMatch(/accuracy \d/);
    expect(out).toMatch(/samples\/s/);
    expect(out).toMatch(/ETA/);
    nr.dispose([x, y]);
    model.dispose();
  });
});

describe('Sequential: save and load', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'neurona-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips the CNN through file:// with identical predictions', async () => {
    nr.seed(9);
    const model = smallCnn();
    const x = nr.randomUniform([3, 28, 28, 1]);
    const p1 = model.predict(x);
    const result = await model.save(`file://${dir}/cnn`);
    expect(result.weightDataBytes).toBe(5994 * 4);
    const json = JSON.parse(await readFile(join(dir, 'cnn', 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.modelTopology.class_name).toBe('Sequential');
    expect(json.modelTopology.config.layers[0].class_name).toBe('Conv2D');
    expect(json.modelTopology.config.layers[0].config.batch_input_shape).toEqual([null, 28, 28, 1]);
    expect(json.weightsManifest[0].weights).toHaveLength(6);
    const loaded = await nr.loadModel(`file://${dir}/cnn`);
    expect(loaded).toBeInstanceOf(nr.Sequential);
    const p2 = loaded.predict(x) as nr.Tensor;
    expect(Array.from(p2.dataSync())).toEqual(Array.from(p1.dataSync()));
    expect(loaded.countParams()).toBe(5994);
    nr.dispose([x, p1, p2]);
    model.dispose();
    loaded.dispose();
  });

  it('round-trips every layer kind through memory', async () => {
    nr.seed(4);
    const model = nr.sequential({
      layers: [
        nr.layers.embedding({ inputDim: 12, outputDim: 4, inputShape: [5] }),
        nr.layers.lstm({ units: 6, returnSequences: true }),
        nr.layers.gru({ units: 5, returnSequences: true }),
        nr.layers.simpleRNN({ units: 4 }),
        nr.layers.batchNormalization(),
        nr.layers.layerNormalization(),
        nr.layers.dense({
          units: 8,
          activation: 'relu',
          kernelRegularizer: nr.regularizers.l2({ l2: 0.01 }),
        }),
        nr.layers.dropout({ rate: 0.2 }),
        nr.layers.reshape({ targetShape: [2, 2, 2] }),
        nr.layers.averagePooling2d({ poolSize: 1 }),
        nr.layers.globalMaxPooling2d(),
        nr.layers.activation({ activation: 'softmax' }),
      ],
    });
    const x = nr.tensor2d([
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10],
    ]);
    const p1 = model.predict(x);
    const h = nr.io.memory();
    await model.save(h);
    const loaded = await nr.loadModel(h);
    expect(loaded).toBeInstanceOf(nr.Sequential);
    const p2 = loaded.predict(x) as nr.Tensor;
    expect(Array.from(p2.dataSync())).toEqual(Array.from(p1.dataSync()));
    nr.dispose([x, p1, p2]);
    model.dispose();
    loaded.dispose();
  });

  it('rejects unknown layer classes and mismatched weights without leaking', async () => {
    const model = nr.sequential({ layers: [nr.layers.dense({ units: 2, inputShape: [3] })] });
    const h = nr.io.memory();
    await model.save(h);
    const before = nr.memory().numTensors;
    const bad = structuredClone(h.artifacts!);
    (bad.modelTopology.config as { layers: { class_name: string }[] }).layers[0]!.class_name = 'Mystery';
    await expect(nr.loadModel(nr.io.memory(bad))).rejects.toThrow(/unknown layer class 'Mystery'/);
    const wrong = structuredClone(h.artifacts!);
    wrong.weightSpecs[0]!.shape = [4, 2];
    wrong.weightData = new ArrayBuffer(wrong.weightData.byteLength + 8); // as many bytes as the manifest says
    await expect(nr.loadModel(nr.io.memory(wrong))).rejects.toThrow(
      /weight '.*kernel' has shape \[4, 2\] in the file, but the layer modelTopology describes expects \[3, 2\]/,
    );
    expect(nr.memory().numTensors).toBe(before);
    model.dispose();
  });
});
