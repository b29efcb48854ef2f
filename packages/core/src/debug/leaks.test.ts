import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';

/** A custom layer that keeps one tensor per call and never frees it: the classic cache leak. */
class Leaky extends nr.Layer {
  static override readonly className = 'Leaky';
  readonly kept: nr.Tensor[] = [];
  override call(inputs: nr.Tensor | nr.Tensor[]): nr.Tensor {
    const x = inputs as nr.Tensor;
    this.kept.push(nr.keep(nr.square(x)));
    return nr.relu(x);
  }
}

/** Host data: `n` examples of `shape`, values in [-1, 1). */
function data(n: number, shape: number[], seed: number): nr.Tensor {
  const size = n * shape.reduce((a, b) => a * b, 1);
  return nr.tensor(
    Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.7 + seed)),
    [n, ...shape],
  );
}

const ids = (n: number, t: number, vocab: number): nr.Tensor =>
  nr.tensor(
    Float32Array.from({ length: n * t }, (_, i) => (i * 7) % vocab),
    [n, t],
  );
const labels = (n: number, classes: number): nr.Tensor =>
  nr.tensor(
    Float32Array.from({ length: n }, (_, i) => i % classes),
    [n],
  );

describe('nr.debug({ leaks: true })', () => {
  beforeAll(async () => {
    await nr.setBackend(cpu());
  });

  afterEach(() => {
    nr.debug({ leaks: false, nonFinite: false });
  });

  it('names the custom layer (and op) that leaks one tensor per call, on the first step', async () => {
    nr.seed(1);
    const leaky = new Leaky();
    const model = nr.sequential({
      layers: [nr.layers.dense({ units: 4, inputShape: [3] }), leaky, nr.layers.dense({ units: 1 })],
    });
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const x = data(8, [3], 0);
    const y = data(8, [1], 1);
    const count = nr.memory().numTensors;
    nr.debug({ leaks: true });
    const err = await model.fit(x, y, { epochs: 3, batchSize: 4, verbose: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(nr.LeakError);
    const e = err as nr.LeakError;
    expect(e.step).toBe(1);
    expect(e.extra).toBe(1);
    expect(e.leaks).toEqual([
      {
        site: {
          owner: { kind: 'layer', name: leaky.name, className: 'Leaky' },
          backward: false,
          op: 'square',
        },
        count: 1,
        shapes: [[4, 4]],
      },
    ]);
    expect(e.message).toBe(
      `nr.debug leaks: step 1 left 1 extra tensor alive (beyond the model's weights, the optimizer's state and the step's result): 1 created by layer Leaky '${leaky.name}' (forward), op 'square' ([4, 4]). Dispose them, or create them inside tidy() without keep()`,
    );
    // The guard stopped training at once; the only tensor left over is the one the layer kept.
    expect(leaky.kept).toHaveLength(1);
    expect(model.optimizer!.iterations).toBe(1);
    expect(nr.memory().numTensors).toBe(count + 1);
    nr.dispose(leaky.kept);
    model.dispose();
    x.dispose();
    y.dispose();
  });

  it('without the guard the same layer trains and leaks one tensor per step (what the guard catches)', async () => {
    const leaky = new Leaky();
    const model = nr.sequential({ layers: [nr.layers.dense({ units: 2, inputShape: [3] }), leaky] });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = data(8, [3], 2);
    const y = data(8, [2], 3);
    const count = nr.memory().numTensors;
    await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    expect(nr.memory().numTensors - count).toBe(4);
    nr.dispose(leaky.kept);
    model.dispose();
    x.dispose();
    y.dispose();
  });

  const kinds: [
    string,
    () => { model: nr.LayersModel; x: nr.Tensor | nr.Tensor[]; y: nr.Tensor | nr.Tensor[] },
  ][] = [
    [
      'dense',
      () => {
        const model = nr.sequential({
          layers: [
            nr.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }),
            nr.layers.batchNormalization(),
            nr.layers.dropout({ rate: 0.3 }),
            nr.layers.dense({ units: 3, activation: 'softmax' }),
          ],
        });
        model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
        return { model, x: data(12, [4], 0), y: labels(12, 3) };
      },
    ],
    [
      'conv',
      () => {
        const model = nr.sequential({
          layers: [
            nr.layers.conv2d({
              filters: 3,
              kernelSize: 3,
              padding: 'same',
              activation: 'relu',
              inputShape: [6, 6, 1],
            }),
            nr.layers.maxPooling2d({ poolSize: 2 }),
            nr.layers.separableConv2d({ filters: 2, kernelSize: 2 }),
            nr.layers.globalAveragePooling2d(),
            nr.layers.dense({ units: 2, activation: 'softmax' }),
          ],
        });
        model.compile({
          optimizer: nr.optimizers.rmsprop({ learningRate: 0.01 }),
          loss: 'categoricalCrossentropy',
        });
        const y = nr.oneHot(
          nr.tensor(
            Int32Array.from({ length: 6 }, (_, i) => i % 2),
            [6],
            'int32',
          ),
          2,
        );
        return { model, x: data(6, [6, 6, 1], 1), y };
      },
    ],
    [
      'recurrent',
      () => {
        const model = nr.sequential({
          layers: [
            nr.layers.embedding({ inputDim: 10, outputDim: 4, inputShape: [5], maskZero: true }),
            nr.layers.lstm({ units: 4, returnSequences: true }),
            nr.layers.bidirectional({ layer: nr.layers.gru({ units: 3, returnSequences: true }) }),
            nr.layers.simpleRNN({ units: 3 }),
            nr.layers.dense({ units: 1, activation: 'sigmoid' }),
          ],
        });
        model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
        const y = nr.tensor(
          Float32Array.from({ length: 6 }, (_, i) => i % 2),
          [6, 1],
        );
        return { model, x: ids(6, 5, 10), y };
      },
    ],
    [
      'functional',
      () => {
        const a = nr.input({ shape: [4], name: 'a' });
        const b = nr.input({ shape: [3], name: 'b' });
        const ha = nr.layers.dense({ units: 4, activation: 'tanh' }).apply(a);
        const hb = nr.layers.dense({ units: 4 }).apply(b);
        const sum = nr.layers.add().apply([ha, hb]);
        const joined = nr.layers.concatenate().apply([sum, a]);
        const cls = nr.layers.dense({ units: 2, activation: 'softmax', name: 'cls' }).apply(joined);
        const value = nr.layers
          .dense({ units: 1, name: 'value' })
          .apply(nr.layers.layerNormalization().apply(sum));
        const model = nr.model({ inputs: [a, b], outputs: [cls, value] });
        model.compile({
          optimizer: 'adam',
          loss: { cls: 'sparseCategoricalCrossentropy', value: 'mse' },
          metrics: { cls: ['accuracy'], value: [] },
        });
        return { model, x: [data(8, [4], 4), data(8, [3], 5)], y: [labels(8, 2), data(8, [1], 6)] };
      },
    ],
  ];

  for (const [kind, make] of kinds) {
    it(`built-in layers pass a few steps of a ${kind} model with both guards on`, async () => {
      nr.seed(7);
      const { model, x, y } = make();
      const count = nr.memory().numTensors;
      nr.debug({ leaks: true, nonFinite: true });
      const h = await model.fit(x, y, { epochs: 2, batchSize: 3, verbose: 0 });
      expect(model.optimizer!.iterations).toBeGreaterThanOrEqual(4);
      expect((h.history.loss as number[]).every(Number.isFinite)).toBe(true);
      expect(nr.memory().numTensors).toBe(count);
      nr.debug({ leaks: false, nonFinite: false });
      model.dispose();
      nr.dispose([x, y].flat());
    });
  }

  it('a step that throws frees what it made (no tensors left on the gradient tape)', async () => {
    class Boom extends nr.Layer {
      static override readonly className = 'Boom';
      calls = 0;
      override call(inputs: nr.Tensor | nr.Tensor[]): nr.Tensor {
        if (++this.calls === 3) throw new Error('boom on call 3');
        return nr.mul(inputs as nr.Tensor, 2);
      }
    }
    const model = nr.sequential({
      layers: [nr.layers.dense({ units: 2, inputShape: [2] }), new Boom(), nr.layers.dense({ units: 1 })],
    });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = data(4, [2], 8);
    const y = data(4, [1], 9);
    const count = nr.memory().numTensors;
    await expect(model.fit(x, y, { epochs: 5, batchSize: 4, verbose: 0 })).rejects.toThrow('boom on call 3');
    expect(nr.memory().numTensors).toBe(count);
    model.dispose();
    x.dispose();
    y.dispose();
  });
});
