import { describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';

/** The CPU backend as a device that can only read asynchronously (as WebGPU, whose gather cannot check ids). */
function asyncOnly(): nr.Backend {
  const { readSync: _dropped, ...base } = cpu({ fast: false });
  return { ...base, name: 'cpu-async' };
}

function model(): nr.Sequential {
  nr.seed(3);
  const m = nr.sequential({
    layers: [
      nr.layers.embedding({ inputDim: 5, outputDim: 2, inputShape: [3], name: 'ids' }),
      nr.layers.flatten(),
      nr.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
  m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
  return m;
}

for (const [label, make] of [
  ['CPU', () => cpu({ fast: false })],
  ['an async-only backend', asyncOnly],
] as const) {
  describe(`Embedding ids are checked before training and evaluation (${label})`, () => {
    it('an id outside [0, inputDim) fails fit, evaluate and validation, naming the layer and the id; nothing changes', async () => {
      await nr.setBackend(make());
      const m = model();
      const good = nr.tensor2d(
        [
          [0, 1, 4],
          [3, 2, 1],
        ],
        [2, 3],
        'int32',
      );
      const bad = nr.tensor2d(
        [
          [0, 1, 4],
          [3, 7, 1],
        ],
        [2, 3],
        'int32',
      );
      const y = nr.tensor1d([0, 1], 'int32');
      const before = m.getWeights();
      const live = nr.memory().numTensors;
      await expect(m.fit(bad, y, { verbose: 0 })).rejects.toThrow(
        "fit: x: Embedding 'ids' got id 7 at flat index 4 (example 1) of x [2, 3]; expected an id in [0, 5)",
      );
      await expect(m.fit(good, y, { verbose: 0, validationData: [bad, y] })).rejects.toThrow(
        /fit: validationData x: Embedding 'ids' got id 7/,
      );
      await expect(m.evaluate(bad, y)).rejects.toThrow(/evaluate: x: Embedding 'ids' got id 7/);
      expect(nr.memory().numTensors).toBe(live);
      const after = m.getWeights();
      for (const [i, w] of after.entries()) expect(await w.data()).toEqual(await before[i]!.data());
      // Negative and non-finite ids are caught too; valid ids train.
      const neg = nr.tensor2d([[0, -1, 2]], [1, 3]);
      const y0 = nr.tensor1d([0], 'int32');
      await expect(m.fit(neg, y0, { verbose: 0 })).rejects.toThrow(/got id -1 at flat index 1/);
      const h = await m.fit(good, y, { epochs: 2, verbose: 0 });
      expect(h.history.loss).toHaveLength(2);
      nr.dispose([good, bad, y, neg, y0, ...before, ...after]);
      m.dispose();
    });
  });
}
