import * as nr from '@neurona/core';
import { afterAll, describe, expect, it } from 'vitest';
import { fastRuntime } from '../src/fast/runtime.js';
import { cpu } from '../src/index.js';
import { expectMatch, operand, randomData, rng, take } from './compare.js';

describe('cpu options', () => {
  it('validates its options with clear errors', () => {
    expect(() => cpu({ threads: 0 })).toThrow("cpu: option 'threads' must be an integer >= 1, got 0");
    expect(() => cpu({ threads: 1.5 })).toThrow("cpu: option 'threads' must be an integer >= 1, got 1.5");
    expect(() => cpu({ parallelThreshold: -1 })).toThrow(
      "cpu: option 'parallelThreshold' must be a number >= 0, got -1",
    );
    expect(() => cpu({ fast: 'yes' as unknown as boolean })).toThrow(
      "cpu: option 'fast' must be a boolean, got yes",
    );
  });

  it('reports what it runs on', () => {
    expect(cpu({ fast: false }).features).toEqual({
      kernels: 'reference',
      threads: 1,
      parallelThreshold: 524288,
      workers: 'none',
    });
    const f = cpu({ threads: 2, parallelThreshold: 10 }).features;
    expect(['simd', 'relaxed-simd']).toContain(f.kernels);
    expect(f).toMatchObject({ threads: 2, parallelThreshold: 10, workers: 'worker_threads' });
    expect(cpu({ threads: 1 }).features.workers).toBe('none');
  });
});

describe('fast backend memory', () => {
  it('keeps float32 data in WebAssembly memory and returns blocks to the pool on dispose', () => {
    const rt = fastRuntime()!;
    const be = cpu({ threads: 1 });
    const before = rt.heap.stats().inUse;
    const x = operand(be, new Float32Array(1000).fill(2), [1000]);
    const y = be.kernels.unary('sqrt', x, { shape: [1000], dtype: 'float32' });
    expect(be.stats()).toEqual({ handles: 2, bytes: 8000 });
    expect(rt.heap.stats().inUse).toBeGreaterThanOrEqual(before + 8000);
    expect(be.readSync(y)[999]).toBeCloseTo(Math.SQRT2, 6);
    be.dispose(x.handle);
    be.dispose(y);
    expect(be.stats()).toEqual({ handles: 0, bytes: 0 });
    expect(rt.heap.stats().inUse).toBe(before);
    expect(() => be.dispose(y)).toThrow('cpu: unknown or already disposed handle');
  });

  it('feeds outputs of reference kernels (JavaScript arrays) into fast kernels', () => {
    const be = cpu({ threads: 1 });
    const ref = cpu({ fast: false });
    const r = rng(40);
    const table = randomData(r, 30);
    const run = (b: typeof be) => {
      const t = operand(b, table, [10, 3]);
      const idx = operand(b, Int32Array.from([4, 0, 9, 4]), [4], 'int32');
      const g = b.kernels.gather(t, idx, 0, { shape: [4, 3], dtype: 'float32' }); // reference kernel
      const w = operand(b, Float32Array.from([1, 2, 3, 4, 5, 6]), [1, 3, 2]);
      const y = b.kernels.matmul({ handle: g, shape: [1, 4, 3], dtype: 'float32' }, w, false, false, {
        shape: [1, 4, 2],
        dtype: 'float32',
      });
      const out = take(b, y);
      for (const h of [t.handle, idx.handle, g, w.handle]) b.dispose(h);
      return out;
    };
    expectMatch(run(be), run(ref), 'gather then matmul');
  });

  it('trains a small CNN to the same loss on the reference, fast and threaded kernels', async () => {
    const losses: number[] = [];
    for (const be of [cpu({ fast: false }), cpu({ threads: 1 }), cpu({ threads: 2, parallelThreshold: 0 })]) {
      await nr.setBackend(be);
      nr.seed(7);
      const model = nr.sequential({
        layers: [
          nr.layers.conv2d({ inputShape: [10, 10, 1], filters: 4, kernelSize: 3, activation: 'relu' }),
          nr.layers.maxPooling2d({ poolSize: 2 }),
          nr.layers.flatten(),
          nr.layers.dense({ units: 3, activation: 'softmax' }),
        ],
      });
      model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
      const r = rng(41);
      const x = nr.tensor(randomData(r, 32 * 100), [32, 10, 10, 1]);
      const y = nr.tensor(
        Float32Array.from({ length: 32 }, (_, i) => i % 3),
        [32],
      );
      const h = await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, shuffle: false });
      losses.push(h.history.loss!.at(-1) as number);
      nr.dispose([x, y]);
      model.dispose?.();
    }
    expect(losses[1]).toBeCloseTo(losses[0]!, 4);
    expect(losses[2]).toBeCloseTo(losses[0]!, 4);
  });
});

describe('worker pool', () => {
  const be = cpu({ threads: 2, parallelThreshold: 0 });
  afterAll(() => be.shutdown());

  it('splits large jobs over worker threads, with the same result as one thread', async () => {
    const rt = fastRuntime()!;
    const one = cpu({ threads: 1 });
    const r = rng(42);
    const a = randomData(r, 200 * 300);
    const product = (b: typeof be) => {
      const x = operand(b, a, [1, 200, 300]);
      const out = take(b, b.kernels.matmul(x, x, false, true, { shape: [1, 200, 200], dtype: 'float32' }));
      b.dispose(x.handle);
      return out;
    };
    const single = product(one);
    // Workers start asynchronously: repeat until one has taken part (every run must match bit for bit).
    let helped = false;
    for (let i = 0; i < 200 && !helped; i++) {
      expect(product(be)).toEqual(single);
      helped = rt.workers > 0 && rt.lastCallerTasks < 8;
      if (!helped) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(helped).toBe(true);
  });

  it('shutdown stops the workers, and the next parallel job starts them again', () => {
    const rt = fastRuntime()!;
    be.shutdown();
    expect(rt.workers).toBe(0);
    const x = operand(be, new Float32Array(64 * 64).fill(1), [1, 64, 64]);
    const y = take(be, be.kernels.matmul(x, x, false, false, { shape: [1, 64, 64], dtype: 'float32' }));
    expect(y[0]).toBe(64);
    expect(rt.workers).toBe(1);
    be.dispose(x.handle);
  });
});
