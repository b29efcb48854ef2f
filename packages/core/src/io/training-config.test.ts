import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';

let dir = '';
beforeAll(async () => {
  await nr.setBackend(cpu({ fast: false }));
  dir = await mkdtemp(join(tmpdir(), 'neurona-training-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function classifier(): nr.Sequential {
  return nr.sequential({
    layers: [
      nr.layers.dense({ units: 5, activation: 'relu', inputShape: [3] }),
      nr.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
}

const data = () => ({
  x: nr.tensor2d([
    [0.1, 0.2, 0.3],
    [1, -1, 0.5],
    [-0.3, 0.8, 0.2],
    [0.9, 0.1, -0.6],
  ]),
  y: nr.tensor1d([0, 2, 1, 2], 'int32'),
});

describe('saving and loading the training config', () => {
  it('a compiled model comes back compiled: same loss, metrics, optimizer and schedule, and trains the same', async () => {
    nr.seed(5);
    const model = classifier();
    const lr = nr.optimizers.exponentialDecay({ initialLearningRate: 0.05, decaySteps: 2, decayRate: 0.5 });
    model.compile({
      optimizer: nr.optimizers.adam({ learningRate: lr, beta1: 0.8, clipNorm: 2 }),
      loss: 'sparseCategoricalCrossentropy',
      metrics: ['accuracy'],
    });
    await model.save(`file://${dir}/compiled`);
    const json = JSON.parse(await readFile(join(dir, 'compiled', 'model.json'), 'utf8'));
    expect(json.trainingConfig.loss).toBe('sparse_categorical_crossentropy');
    expect(json.trainingConfig.metrics).toEqual(['accuracy']);
    expect(json.trainingConfig.optimizer_config.class_name).toBe('Adam');
    expect(json.trainingConfig.optimizer_config.config).toMatchObject({ beta1: 0.8, clipNorm: 2 });

    const loaded = await nr.loadModel(`file://${dir}/compiled`);
    expect(loaded.optimizer?.getConfig()).toEqual(model.optimizer?.getConfig());
    expect(loaded.lossFn?.lossName).toBe('sparseCategoricalCrossentropy');
    expect(loaded.metricList.map((m) => m.name)).toEqual(['accuracy']);

    // Both start from the same weights with fresh optimizer state, so three steps agree bitwise.
    const { x, y } = data();
    const h1 = await model.fit(x, y, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
    const h2 = await loaded.fit(x, y, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
    expect(h2.history.loss).toEqual(h1.history.loss);
    expect(h2.history.accuracy).toEqual(h1.history.accuracy);
    nr.dispose([x, y]);
    model.dispose();
    loaded.dispose();
  });

  it('an uncompiled model, or one with a custom loss, is saved without a training config and loads uncompiled', async () => {
    const plain = classifier();
    const h = nr.io.memory();
    await plain.save(h);
    expect(h.artifacts!.trainingConfig).toBeUndefined();
    const custom = classifier();
    custom.compile({
      optimizer: 'sgd',
      loss: function myLoss(t: nr.Tensor, p: nr.Tensor) {
        return nr.mean(nr.abs(nr.sub(t, p)), -1);
      },
    });
    const h2 = nr.io.memory();
    await custom.save(h2);
    expect(h2.artifacts!.trainingConfig).toBeUndefined();
    const loaded = await nr.loadModel(h2);
    expect(loaded.optimizer).toBeNull();
    plain.dispose();
    custom.dispose();
    loaded.dispose();
  });

  it('a bad training config fails the load, names the field, and leaves nothing allocated', async () => {
    const model = classifier();
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const h = nr.io.memory();
    await model.save(h);
    const before = nr.memory().numTensors;
    const cases: [{ [k: string]: nr.io.JsonValue }, RegExp][] = [
      [{ loss: 'mystery' }, /trainingConfig\.loss: .*mystery/],
      [{ loss: 3 }, /trainingConfig\.loss must be a loss name, got 3/],
      [{ metrics: ['accuracy', 7] }, /trainingConfig\.metrics must be an array of metric names/],
      [{ metrics: ['nonsense'] }, /trainingConfig: .*unknown metric "nonsense"/],
      [{ optimizer_config: { class_name: 'Nadamax' } }, /optimizer_config: .*unknown optimizer 'Nadamax'/],
      [{ optimizer_config: 'adam' }, /optimizer_config must be \{ class_name, config \}/],
    ];
    for (const [change, message] of cases) {
      const bad = structuredClone(h.artifacts!);
      Object.assign(bad.trainingConfig!, change);
      await expect(nr.loadModel(nr.io.memory(bad))).rejects.toThrow(message);
      expect(nr.memory().numTensors).toBe(before);
    }
    model.dispose();
  });

  it('with includeOptimizer, a loaded model resumes training exactly where the saved one stopped', async () => {
    nr.seed(8);
    const model = classifier();
    model.compile({
      optimizer: nr.optimizers.adam({ learningRate: 0.02 }),
      loss: 'sparseCategoricalCrossentropy',
    });
    const { x, y } = data();
    await model.fit(x, y, { epochs: 3, batchSize: 2, shuffle: false, verbose: 0 });
    await model.save(`file://${dir}/resume`, { includeOptimizer: true });
    const json = JSON.parse(await readFile(join(dir, 'resume', 'model.json'), 'utf8'));
    const optSpecs = json.weightsManifest[0].weights.filter(
      (w: { group?: string }) => w.group === 'optimizer',
    );
    // iter + m and v for each of the 4 weights
    expect(optSpecs.map((w: { name: string }) => w.name)[0]).toBe('iter');
    expect(optSpecs).toHaveLength(1 + 2 * 4);
    const loaded = await nr.loadModel(`file://${dir}/resume`);
    expect(loaded.optimizer?.iterations).toBe(6);
    const h1 = await model.fit(x, y, { epochs: 2, batchSize: 2, shuffle: false, verbose: 0 });
    const h2 = await loaded.fit(x, y, { epochs: 2, batchSize: 2, shuffle: false, verbose: 0 });
    expect(h2.history.loss).toEqual(h1.history.loss);
    // Without the optimizer state the moments restart, and the path differs.
    await model.save(`file://${dir}/no-state`);
    const fresh = await nr.loadModel(`file://${dir}/no-state`);
    const h3 = await fresh.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 });
    const h4 = await model.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 });
    expect(h3.history.loss[0]).not.toBe(h4.history.loss[0]);
    nr.dispose([x, y]);
    for (const m of [model, loaded, fresh]) m.dispose();
  });

  it('includeOptimizer needs a compiled model; optimizer state that does not fit fails the load and frees everything', async () => {
    const plain = classifier();
    await expect(plain.save(nr.io.memory(), { includeOptimizer: true })).rejects.toThrow(
      /includeOptimizer needs a compiled model/,
    );
    const model = classifier();
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const h = nr.io.memory();
    await model.save(h, { includeOptimizer: true });
    const bad = structuredClone(h.artifacts!);
    bad.trainingConfig!.optimizer_config = { class_name: 'SGD', config: { learningRate: 0.1, momentum: 0 } };
    const before = nr.memory().numTensors;
    await expect(nr.loadModel(nr.io.memory(bad))).rejects.toThrow(
      /loadModel: weightsManifest: the saved optimizer state \(the weights of group 'optimizer'\) does not fit the optimizer trainingConfig describes: .*expected 1 weights/,
    );
    expect(nr.memory().numTensors).toBe(before);
    plain.dispose();
    model.dispose();
  });
});
