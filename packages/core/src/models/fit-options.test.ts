import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

/** A linear neuron y = x·w + b with known weights, trained by plain SGD on MSE. */
function neuron(w: [number, number], b: number, lr: number): nr.Sequential {
  const model = nr.sequential({ layers: [nr.layers.dense({ units: 1, inputShape: [2] })] });
  model.setWeights([nr.tensor2d([[w[0]], [w[1]]]), nr.tensor1d([b])]);
  model.compile({ optimizer: nr.optimizers.sgd({ learningRate: lr }), loss: 'meanSquaredError' });
  return model;
}

const xs = [
  [1, 2],
  [3, -1],
  [0.5, 0.5],
];
const ts = [1, -2, 0.25];

/** One full-batch step by hand: L = (1/n) Σ s_i (y_i - t_i)², so dL/dw = (2/n) Σ s_i (y_i - t_i) x_i. */
function handStep(w: [number, number], b: number, lr: number, s: number[]): number[] {
  const n = xs.length;
  const g = [0, 0, 0];
  xs.forEach((x, i) => {
    const err = x[0]! * w[0] + x[1]! * w[1] + b - ts[i]!;
    g[0]! += (2 / n) * s[i]! * err * x[0]!;
    g[1]! += (2 / n) * s[i]! * err * x[1]!;
    g[2]! += (2 / n) * s[i]! * err;
  });
  return [w[0] - lr * g[0]!, w[1] - lr * g[1]!, b - lr * g[2]!];
}

async function weightsAfter(
  model: nr.Sequential,
  args: nr.FitArgs,
  y = nr.tensor2d(ts.map((t) => [t])),
): Promise<number[]> {
  const x = nr.tensor2d(xs);
  await model.fit(x, y, { epochs: 1, mode: 'batch', verbose: 0, ...args });
  const ws = model.getWeights();
  const out = ws.flatMap((w) => Array.from(w.dataSync()));
  nr.dispose([ws, x, y]);
  model.dispose();
  return out;
}

describe('fit options', () => {
  it('weights the loss per example with sampleWeight', async () => {
    const s = [2, 0, 0.5];
    const got = await weightsAfter(neuron([0.1, -0.3], 0.2, 0.1), { sampleWeight: nr.tensor1d(s) });
    for (const [i, v] of handStep([0.1, -0.3], 0.2, 0.1, s).entries()) expect(got[i]).toBeCloseTo(v, 6);
  });

  it('weights the loss per class with classWeight (binary labels)', async () => {
    // labels 1, 0, 1 with classWeight {0: 3, 1: 0.5} act as sample weights [0.5, 3, 0.5]
    const labels = [1, 0, 1];
    const model = nr.sequential({ layers: [nr.layers.dense({ units: 1, inputShape: [2] })] });
    model.setWeights([nr.tensor2d([[0.1], [-0.3]]), nr.tensor1d([0.2])]);
    model.compile({ optimizer: nr.optimizers.sgd({ learningRate: 0.1 }), loss: 'meanSquaredError' });
    const got = await weightsAfter(
      model,
      { classWeight: { 0: 3, 1: 0.5 } },
      nr.tensor2d(labels.map((t) => [t])),
    );
    const saved = ts.splice(0, 3, ...labels);
    const want = handStep([0.1, -0.3], 0.2, 0.1, [0.5, 3, 0.5]);
    ts.splice(0, 3, ...saved);
    for (const [i, v] of want.entries()) expect(got[i]).toBeCloseTo(v, 6);
  });

  it('schedules the learning rate per epoch and reports it', async () => {
    const model = neuron([0, 0], 0, 0.1);
    const x = nr.tensor2d(xs);
    const y = nr.tensor2d(ts.map((t) => [t]));
    const seen: number[] = [];
    const h = await model.fit(x, y, {
      epochs: 3,
      mode: 'batch',
      verbose: 0,
      callbacks: [
        nr.callbacks.learningRateScheduler((epoch) => 0.1 / (epoch + 1)),
        { onEpochBegin: () => void seen.push(model.optimizer!.learningRate) },
      ],
    });
    expect(seen).toEqual([0.1, 0.05, 0.1 / 3]);
    expect(h.history.lr).toEqual([0.1, 0.05, 0.1 / 3]);
    nr.dispose([x, y]);
    model.dispose();
  });

  it('stops on a NaN loss with terminateOnNaN', async () => {
    const model = neuron([1, 1], 0, 1e30);
    const x = nr.tensor2d(xs);
    const y = nr.tensor2d(ts.map((t) => [t]));
    const stop = nr.callbacks.terminateOnNaN();
    const h = await model.fit(x, y, {
      epochs: 50,
      mode: 'stochastic',
      shuffle: false,
      verbose: 0,
      callbacks: [stop],
    });
    expect(stop.terminatedAtBatch).toBeGreaterThanOrEqual(0);
    expect(h.updates).toBeLessThan(150);
    nr.dispose([x, y]);
    model.dispose();
  });

  it('starts at initialEpoch and records epochs from there', async () => {
    const model = neuron([0, 0], 0, 0.01);
    const x = nr.tensor2d(xs);
    const y = nr.tensor2d(ts.map((t) => [t]));
    const h = await model.fit(x, y, { epochs: 5, initialEpoch: 3, mode: 'batch', verbose: 0 });
    expect(h.epoch).toEqual([3, 4]);
    expect(h.updates).toBe(2);
    nr.dispose([x, y]);
    model.dispose();
  });

  it('yields to the event loop between batches', async () => {
    const model = neuron([0, 0], 0, 0.01);
    const x = nr.tensor2d(xs);
    const y = nr.tensor2d(ts.map((t) => [t]));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const running = model.fit(x, y, { epochs: 40, mode: 'stochastic', verbose: 0 });
    await running;
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
    nr.dispose([x, y]);
    model.dispose();
  });

  it('rejects bad options with clear errors', async () => {
    const model = neuron([0, 0], 0, 0.01);
    const x = nr.tensor2d(xs);
    const y = nr.tensor2d(ts.map((t) => [t]));
    await expect(model.fit(x, y, { mode: 'batch', batchSize: 2 })).rejects.toThrow(
      /mode 'batch' uses the whole training set \(3 examples\)/,
    );
    await expect(model.fit(x, y, { validationSplit: 1.5 })).rejects.toThrow(
      /'validationSplit' must be a number in \[0, 0.9\].*got 1.5/,
    );
    await expect(model.fit(x, y, { sampleWeight: nr.tensor1d([1, 2]) })).rejects.toThrow(
      /sampleWeight must have shape \[3\]/,
    );
    // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong mode
    await expect(model.fit(x, y, { mode: 'online' as any })).rejects.toThrow(
      /'mode' must be one of 'batch', 'stochastic', 'minibatch', got 'online'/,
    );
    nr.dispose([x, y]);
    model.dispose();
  });

  it('trains many-to-many models on sparse labels of shape [n, time]', async () => {
    nr.seed(2);
    const model = nr.sequential({
      layers: [
        nr.layers.embedding({ inputDim: 5, outputDim: 4, inputShape: [6] }),
        nr.layers.simpleRNN({ units: 8, returnSequences: true }),
        nr.layers.dense({ units: 5, activation: 'softmax' }),
      ],
    });
    model.compile({
      optimizer: nr.optimizers.adam({ learningRate: 0.05 }),
      loss: 'sparseCategoricalCrossentropy',
      metrics: ['accuracy'],
    });
    // Task: output the input token at every position.
    const seqs = Array.from({ length: 16 }, (_, i) => Array.from({ length: 6 }, (_, t) => (i + t) % 5));
    const x = nr.tensor2d(seqs);
    const y = nr.tensor2d(seqs, undefined, 'int32');
    const h = await model.fit(x, y, { epochs: 30, batchSize: 8, verbose: 0 });
    expect(h.history.loss!.at(-1)!).toBeLessThan(h.history.loss![0]! / 4);
    expect(h.history.accuracy!.at(-1)).toBe(1);
    await expect(model.fit(x, nr.zeros([16, 5], 'int32'))).rejects.toThrow(
      /expects integer class labels of shape \[null, 6\]/,
    );
    nr.dispose([x, y]);
    model.dispose();
  });
});
