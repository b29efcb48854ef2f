/**
 * `fitInWorker` with Node's `worker_threads`. The worker runs an esbuild bundle of a user's worker script
 * (`serveFitWorker` with the CPU backend, from the TypeScript sources), as a user's bundler would make it; one
 * test runs a plain script importing the published packages (needs `npx turbo run build`).
 * The oracle is `model.fit` in this thread on the CPU backend: the same model, seed and options must give the
 * same weights, history, optimizer state and random generator position; neither thread keeps a tensor.
 * The error paths are in `fit-in-worker-errors.test.ts`.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import * as nr from '../index.js';
import {
  expectClose,
  makeModel,
  maxDiff,
  ROOT,
  twin,
  useWorkerFixture,
  weightValues,
} from './testing/node-fit-worker.js';

describe('fitInWorker with node:worker_threads', () => {
  const f = useWorkerFixture();
  let worker: Worker;
  let x: nr.Tensor;
  let y: nr.Tensor;
  beforeAll(() => {
    ({ worker, x, y } = f);
  });

  it('trains to the same weights, history, optimizer state and random position as model.fit here', async () => {
    const inWorker = makeModel(7);
    const here = await twin(inWorker);
    const options = { epochs: 3, batchSize: 8, validationSplit: 0.25, shuffle: true };

    nr.seed(11);
    const expected = await here.fit(x, y, { ...options, verbose: 0 });
    const expectedWeights = await weightValues(here);
    const expectedNext = Array.from(await nr.randomUniform([4]).data());

    nr.seed(11);
    const before = nr.memory().numTensors;
    const events: nr.FitProgressEvent[] = [];
    const run = nr.fitInWorker(inWorker, x, y, {
      worker,
      backend: 'cpu',
      ...options,
      onProgress: (e) => events.push(e),
    });
    const history = await run.done;
    expect(nr.memory().numTensors).toBe(before);
    const next = Array.from(await nr.randomUniform([4]).data());

    // Same code on the same backend, same batch order and dropout masks: equal to float32 rounding (in fact
    // bit for bit; the tolerance only allows for a different summation order in the kernels).
    expect(maxDiff(await weightValues(inWorker), expectedWeights)).toBeLessThanOrEqual(1e-6);
    expect(history.epoch).toEqual(expected.epoch);
    expect(Object.keys(history.history).sort()).toEqual(Object.keys(expected.history).sort());
    for (const [k, v] of Object.entries(expected.history)) {
      expectClose(history.history[k]!, v);
    }
    expect(history.updates).toBe(expected.updates);
    expect(history.updates).toBe(3 * 4); // 30 training examples, batches of 8
    expect(inWorker.optimizer!.iterations).toBe(here.optimizer!.iterations);
    expect(next).toEqual(expectedNext); // the worker's generator position came back

    // The optimizer state came back too: one more step from each model stays equal.
    nr.seed(12);
    await here.fit(x, y, { epochs: 1, batchSize: 40, verbose: 0 });
    nr.seed(12);
    await inWorker.fit(x, y, { epochs: 1, batchSize: 40, verbose: 0 });
    expect(maxDiff(await weightValues(inWorker), await weightValues(here))).toBeLessThanOrEqual(1e-6);

    // Progress: one batchEnd per update, one epochEnd per epoch (its logs are the history's), then trainEnd.
    expect(events.filter((e) => e.kind === 'batchEnd').length).toBe(12);
    const epochEnds = events.filter((e) => e.kind === 'epochEnd');
    expect(epochEnds.map((e) => e.epoch)).toEqual([0, 1, 2]);
    epochEnds.forEach((e, i) => {
      expect(e.logs.loss).toBeCloseTo(expected.history.loss[i]!, 6);
      expect(e.logs.val_loss).toBeCloseTo(expected.history.val_loss![i]!, 6);
    });
    expect(events.at(-1)!.kind).toBe('trainEnd');
    expect(new Set(events.map((e) => e.backend))).toEqual(new Set(['cpu']));
    expect(events[0]).toMatchObject({
      kind: 'batchEnd',
      epoch: 0,
      batch: 0,
      params: { stepsPerEpoch: 4, epochs: 3 },
    });
    expect(await nr.fitWorkerMemory(worker)).toEqual({ numTensors: 0 });
    here.dispose();
    inWorker.dispose();
  });

  it('takes a functional model with name-keyed inputs, sample weights and validation data', async () => {
    nr.seed(3);
    const a = nr.input({ shape: [2], name: 'a' });
    const b = nr.input({ shape: [1], name: 'b' });
    const joined = nr.layers.concatenate().apply([a, b]);
    const out = nr.layers.dense({ units: 1 }).apply(joined);
    const m = nr.model({ inputs: [a, b], outputs: out as nr.SymbolicTensor });
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const here = await twin(m);
    const data = {
      a: nr.slice(x, [0, 0], [40, 2]),
      b: nr.slice(x, [0, 2], [40, 1]),
    };
    const target = nr.sum(x, 1, true);
    const sw = nr.linspace(0.5, 1.5, 40);
    const val = [{ a: nr.ones([4, 2]), b: nr.zeros([4, 1]) }, nr.ones([4, 1])] as const;
    const options = { epochs: 2, batchSize: 10, shuffle: false, sampleWeight: sw, validationData: val };
    const expected = await here.fit(data, target, { ...options, verbose: 0 });
    const before = nr.memory().numTensors;
    const history = await nr.fitInWorker(m, data, target, { worker, ...options }).done;
    expect(nr.memory().numTensors).toBe(before);
    expect(maxDiff(await weightValues(m), await weightValues(here))).toBeLessThanOrEqual(1e-6);
    expectClose(history.history.val_loss!, expected.history.val_loss!);
    nr.dispose([data.a, data.b, target, sw, ...Object.values(val[0]), val[1]]);
    m.dispose();
    here.dispose();
  });

  it('stop() ends training after the current batch and still brings the weights trained so far', async () => {
    const model = makeModel(8);
    const initial = await weightValues(model);
    const startIterations = model.optimizer!.iterations;
    let batches = 0;
    const run = nr.fitInWorker(model, x, y, {
      worker,
      epochs: 100_000,
      batchSize: 4,
      onProgress: (e) => {
        if (e.kind === 'batchEnd' && ++batches === 25) run.stop();
      },
    });
    const history = await run.done;
    run.stop(); // after the run: nothing to stop, no error
    // The worker may finish a few more batches before the message reaches it; nowhere near 100 000 epochs.
    expect(history.updates).toBeGreaterThanOrEqual(25);
    expect(history.updates).toBeLessThan(10 * 100);
    expect(model.optimizer!.iterations).toBe(startIterations + history.updates);
    expect(maxDiff(await weightValues(model), initial)).toBeGreaterThan(0);
    expect(await nr.fitWorkerMemory(worker)).toEqual({ numTensors: 0 });

    // stop() right away: the run ends without finishing (possibly before its first batch).
    const early = nr.fitInWorker(model, x, y, { worker, epochs: 100_000, batchSize: 4 });
    early.stop();
    const h2 = await early.done;
    expect(h2.updates).toBeLessThan(10 * 100);
    expect(model.optimizer!.iterations).toBe(startIterations + history.updates + h2.updates);
    model.dispose();
  });

  it('two runs on one worker at once: answered one after the other, each with its own events and weights', async () => {
    const a = makeModel(21);
    const b = makeModel(22);
    const [twinA, twinB] = [await twin(a), await twin(b)];
    nr.seed(30);
    const events = { a: 0, b: 0 };
    const runA = nr.fitInWorker(a, x, y, {
      worker,
      epochs: 2,
      batchSize: 8,
      onProgress: (e) => e.kind === 'batchEnd' && events.a++,
    });
    const runB = nr.fitInWorker(b, x, y, {
      worker,
      epochs: 1,
      batchSize: 20,
      onProgress: (e) => e.kind === 'batchEnd' && events.b++,
    });
    const [ha, hb] = await Promise.all([runA.done, runB.done]);
    expect([ha.updates, hb.updates]).toEqual([10, 2]);
    expect(events).toEqual({ a: 10, b: 2 });
    // Both started from the generator position at the time of the call.
    nr.seed(30);
    await twinA.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    nr.seed(30);
    await twinB.fit(x, y, { epochs: 1, batchSize: 20, verbose: 0 });
    expect(maxDiff(await weightValues(a), await weightValues(twinA))).toBeLessThanOrEqual(1e-6);
    expect(maxDiff(await weightValues(b), await weightValues(twinB))).toBeLessThanOrEqual(1e-6);
    for (const m of [a, b, twinA, twinB]) m.dispose();
  });

  it('the published packages: a plain worker script, no bundler, importing @neurona/core in Node', async () => {
    const dist = join(ROOT, 'packages', 'core', 'dist', 'index.node.js');
    if (!existsSync(dist)) throw new Error(`${dist} is missing; build first: npx turbo run build`);
    // Inside the repository, so that Node resolves the packages from its node_modules as an app's would.
    const cache = join(ROOT, 'node_modules', '.cache');
    await mkdir(cache, { recursive: true });
    const appDir = await mkdtemp(join(cache, 'neurona-fit-worker-'));
    const file = join(appDir, 'fit-worker.mjs');
    await writeFile(
      file,
      "import { serveFitWorker } from '@neurona/core';\nimport { cpu } from '@neurona/backend-cpu';\nserveFitWorker({ backends: { cpu } });\n",
    );
    // No `--conditions @neurona/source` from the test runner: the worker resolves the packages as published.
    const published = new Worker(file, { execArgv: [] });
    try {
      const model = makeModel(9);
      const here = await twin(model);
      nr.seed(5);
      await here.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
      nr.seed(5);
      await nr.fitInWorker(model, x, y, { worker: published, epochs: 2, batchSize: 16 }).done;
      expect(maxDiff(await weightValues(model), await weightValues(here))).toBeLessThanOrEqual(1e-6);
      model.dispose();
      here.dispose();
    } finally {
      await published.terminate();
      await rm(appDir, { recursive: true, force: true });
    }
  });
});
