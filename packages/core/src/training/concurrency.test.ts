/**
 * Calls that overlap a running `fit` either work correctly or throw a clear error, and never change what
 * training computes: each test trains a twin model (same initial weights, no shuffling) undisturbed and
 * compares every weight exactly.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';

const backend = cpu();
beforeAll(async () => {
  await nr.setBackend(backend);
});

function twins(): [nr.Sequential, nr.Sequential] {
  const make = () => {
    const m = nr.sequential({
      layers: [
        nr.layers.dense({ units: 6, activation: 'tanh', inputShape: [3] }),
        nr.layers.dense({ units: 1 }),
      ],
    });
    m.compile({ optimizer: nr.train.momentum(0.05, 0.9), loss: 'meanSquaredError' });
    return m;
  };
  const a = make();
  const b = make();
  const w = a.getWeights();
  b.setWeights(w);
  nr.dispose(w);
  return [a, b];
}

const data = () => {
  const x = nr.tensor2d(Array.from({ length: 32 }, (_, i) => [Math.sin(i), Math.cos(i), (i % 5) / 5]));
  const y = nr.tensor2d(Array.from({ length: 32 }, (_, i) => [Math.sin(i) * 0.5 + (i % 5) / 10]));
  return { x, y };
};

async function weightsOf(m: nr.Sequential): Promise<number[][]> {
  return Promise.all(m.weights.map(async (w) => Array.from(await w.data())));
}

const opts = { epochs: 3, batchSize: 8, shuffle: false, verbose: 0 } as const;

describe('overlapping calls during fit', () => {
  it('a second fit on the same model rejects clearly; the first trains exactly as if alone', async () => {
    const [a, b] = twins();
    const { x, y } = data();
    const first = a.fit(x, y, opts);
    await expect(a.fit(x, y, opts)).rejects.toThrow(
      /fit: model '.+' is already training \(an earlier fit\(\) on it has not finished\); await it/,
    );
    await first;
    await b.fit(x, y, opts);
    expect(await weightsOf(a)).toEqual(await weightsOf(b));
    // Once finished, the model trains again.
    await expect(a.fit(x, y, { ...opts, epochs: 1 })).resolves.toBeDefined();
    nr.dispose([x, y]);
    a.dispose();
    b.dispose();
  });

  it('predict during fit works (the current weights) and does not disturb training', async () => {
    const [a, b] = twins();
    const { x, y } = data();
    const before = nr.memory().numTensors;
    const seen: number[] = [];
    const spy = {
      onBatchEnd: async () => {
        const p = a.predict(x);
        seen.push((await p.data())[0]!);
        p.dispose();
      },
    };
    // predict from outside too, while fit awaits between batches
    const timer = setInterval(() => nr.tidy(() => a.predict(x)).dispose(), 0);
    await a.fit(x, y, { ...opts, callbacks: [spy] });
    clearInterval(timer);
    expect(nr.memory().numTensors).toBe(before);
    await b.fit(x, y, opts);
    expect(await weightsOf(a)).toEqual(await weightsOf(b));
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBeGreaterThan(1); // the predictions follow training
    nr.dispose([x, y]);
    a.dispose();
    b.dispose();
  });

  it('setBackend during fit rejects clearly and training is unaffected; after fit it works', async () => {
    const [a, b] = twins();
    const { x, y } = data();
    let attempt: Promise<unknown> | null = null;
    const cb = {
      onBatchBegin: (batch: number) => {
        if (batch === 1 && !attempt)
          attempt = nr.setBackend(cpu()).then(
            () => null,
            (e: unknown) => e,
          );
      },
    };
    await a.fit(x, y, { ...opts, callbacks: [cb] });
    const error: unknown = await (attempt as Promise<unknown> | null);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /setBackend: cannot switch the backend while fit\(\) is running/,
    );
    await b.fit(x, y, opts);
    expect(await weightsOf(a)).toEqual(await weightsOf(b));
    await expect(nr.setBackend(backend)).resolves.toBeUndefined();
    nr.dispose([x, y]);
    a.dispose();
    b.dispose();
  });

  it('a disposed model refuses to predict instead of answering with fresh weights', () => {
    const [a, b] = twins();
    const x = nr.ones([2, 3]);
    a.dispose();
    expect(() => a.predict(x)).toThrow(/predict: model '.+' has been disposed \(its weights are freed\)/);
    x.dispose();
    b.dispose();
  });
});
