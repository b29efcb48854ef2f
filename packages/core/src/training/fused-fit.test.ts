import { describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';

/** The CPU backend as a device that can only read asynchronously (as WebGPU). */
function asyncOnly(): nr.Backend {
  const { readSync: _dropped, ...base } = cpu();
  return { ...base, name: 'cpu-async' };
}

function classifier(): nr.Sequential {
  nr.seed(5);
  const model = nr.sequential({
    layers: [
      nr.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }),
      nr.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  model.compile({
    optimizer: nr.optimizers.adam({ learningRate: 0.05 }),
    loss: 'sparseCategoricalCrossentropy',
  });
  return model;
}

const X = Array.from({ length: 12 }, (_, i) => [i % 3, (i * 7) % 5, 1, i / 12]);
const Y = Array.from({ length: 12 }, (_, i) => i % 3);

for (const [label, make] of [
  ['CPU', () => cpu()],
  ['an async-only backend', asyncOnly],
] as const) {
  describe(`fit with the fused optimizer and sparse cross-entropy (${label})`, () => {
    it('learns, and leaves the live-tensor count and bytes as they were', async () => {
      await nr.setBackend(make());
      const model = classifier();
      const x = nr.tensor(X);
      const y = nr.tensor(Y, [12], 'int32');
      await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 }); // creates the optimizer slots
      const before = nr.memory();
      const copies = nr.engine().copiesOnWrite;
      const h = await model.fit(x, y, { epochs: 40, batchSize: 4, verbose: 0 });
      expect(nr.memory()).toEqual(before);
      // Every update ran in place: no variable's storage was shared at update time.
      expect(nr.engine().copiesOnWrite).toBe(copies);
      expect(h.history.loss!.at(-1)!).toBeLessThan(h.history.loss![0]! / 2);
      nr.dispose([x, y]);
      model.dispose();
    });

    it('rejects a bad label naming the loss and the label, before training', async () => {
      await nr.setBackend(make());
      const model = classifier();
      const x = nr.tensor(X);
      const read = async () => {
        const ws = model.getWeights();
        const out = await Promise.all(ws.map(async (w) => Array.from(await w.data())));
        nr.dispose(ws);
        return out;
      };
      const weights = await read();
      for (const [bad, at] of [
        [3, 5],
        [-1, 0],
        [1.5, 11],
      ] as const) {
        const labels = [...Y];
        labels[at] = bad;
        const y = nr.tensor(labels, [12], 'float32');
        await expect(model.fit(x, y, { epochs: 1, verbose: 0 })).rejects.toThrow(
          `fit: y: loss 'sparseCategoricalCrossentropy' got label ${bad} at flat index ${at} (example ${at}) of y [12]; expected a class index in [0, 3)`,
        );
        await expect(model.evaluate(x, y)).rejects.toThrow(
          `evaluate: y: loss 'sparseCategoricalCrossentropy' got label ${bad}`,
        );
        y.dispose();
      }
      // Nothing was trained.
      expect(await read()).toEqual(weights);
      x.dispose();
      model.dispose();
    });

    it('finds a non-finite input with a cheap device check, and its position with a read', async () => {
      await nr.setBackend(make());
      const model = classifier();
      const values = X.map((r) => [...r]);
      values[7]![2] = Number.POSITIVE_INFINITY;
      const x = nr.tensor(values);
      const y = nr.tensor(Y, [12], 'int32');
      await expect(model.fit(x, y, { verbose: 0 })).rejects.toThrow(
        'fit: x contains Infinity at flat index 30 (example 7); clean the data before training',
      );
      // Finite values whose float32 sum overflows are still accepted.
      const big = nr.tensor(X.map((r, i) => [i % 2 ? 3e38 : 2e38, ...r.slice(1)]));
      await model.fit(big, y, { epochs: 1, verbose: 0 });
      nr.dispose([x, y, big]);
      model.dispose();
    });
  });
}
