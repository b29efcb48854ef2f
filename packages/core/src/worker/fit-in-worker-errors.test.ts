/**
 * `fitInWorker`'s error paths with Node's `worker_threads`: arguments refused before anything is sent, errors
 * thrown in the worker (an unknown backend, a backend factory that throws, a layer that throws mid-training),
 * a worker that exits or whose script fails. Each rejects `done` with the worker's message (and its stack),
 * leaves the caller's model as it was, and leaves no tensor in either thread.
 */
import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import * as nr from '../index.js';
import {
  bundleWorker,
  makeModel,
  maxDiff,
  Tripwire,
  useWorkerFixture,
  WORKER,
  weightValues,
} from './testing/node-fit-worker.js';

describe('fitInWorker errors with node:worker_threads', () => {
  const f = useWorkerFixture();
  let dir: string;
  let worker: Worker;
  let x: nr.Tensor;
  let y: nr.Tensor;
  beforeAll(() => {
    ({ dir, worker, x, y } = f);
  });

  it('rejects done with the worker error when the backend name is not one of the worker’s', async () => {
    const model = makeModel(1);
    const before = nr.memory().numTensors;
    const run = nr.fitInWorker(model, x, y, { worker, backend: 'nope' });
    await expect(run.done).rejects.toThrow(
      "fitInWorker: backend 'nope' is not one of this worker's backends (cpu, broken)",
    );
    expect(nr.memory().numTensors).toBe(before);
    // The factory that throws: its message and the worker's stack (naming the factory) come back.
    const err = await nr.fitInWorker(model, x, y, { worker, backend: 'broken' }).done.catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('broken: no such device');
    expect((err as Error).stack).toContain('brokenDeviceFactory');
    expect(await nr.fitWorkerMemory(worker)).toEqual({ numTensors: 0 });
    model.dispose();
  });

  it('rejects an uncompiled model, a custom loss and callbacks before sending anything', async () => {
    const plain = nr.sequential({ layers: [nr.layers.dense({ units: 2, inputShape: [3] })] });
    await expect(nr.fitInWorker(plain, x, y, { worker }).done).rejects.toThrow(
      /fitInWorker: Sequential '.*' is not compiled; call model\.compile/,
    );
    plain.compile({
      optimizer: 'sgd',
      loss: (t: nr.Tensor, p: nr.Tensor) => nr.mean(nr.abs(nr.sub(t, p)), -1),
    });
    await expect(nr.fitInWorker(plain, x, y, { worker }).done).rejects.toThrow(
      /custom function, which cannot be sent to a worker/,
    );
    plain.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const withCallbacks = { worker, callbacks: [] } as unknown as nr.FitInWorkerOptions;
    await expect(nr.fitInWorker(plain, x, y, withCallbacks).done).rejects.toThrow(
      /options\.callbacks cannot run in a worker/,
    );
    await expect(nr.fitInWorker(plain, x, y, { worker: {} as never }).done).rejects.toThrow(
      /options\.worker must be a Worker/,
    );
    // A second run on a model that is training is refused, as a second fit is.
    const first = nr.fitInWorker(plain, x, y, { worker, epochs: 2 });
    await expect(nr.fitInWorker(plain, x, y, { worker }).done).rejects.toThrow(/already training/);
    await first.done;
    plain.dispose();
  });

  it('(the oracle for the next test) a layer that throws during fit here leaves no tensor behind', async () => {
    class Snap extends nr.Layer {
      static override readonly className = 'Snap';
      calls = 0;
      override call(inputs: nr.Tensor, options: nr.CallOptions = {}): nr.Tensor {
        if (options.training && ++this.calls === 2) throw new Error('Snap: snapped');
        return nr.mul(inputs, 1);
      }
    }
    const model = nr.sequential({
      layers: [nr.layers.dense({ units: 3, inputShape: [3] }), new Snap({}), nr.layers.dense({ units: 2 })],
    });
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const before = nr.memory().numTensors;
    await expect(model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 })).rejects.toThrow('Snap: snapped');
    expect(nr.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('an error thrown while training in the worker rejects done with its message and stack; nothing leaks', async () => {
    nr.seed(4);
    const model = nr.sequential({
      layers: [
        nr.layers.dense({ units: 3, inputShape: [3] }),
        new Tripwire({}),
        nr.layers.dense({ units: 2 }),
      ],
    });
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    const initial = await weightValues(model);
    const before = nr.memory().numTensors;
    const err = await nr
      .fitInWorker(model, x, y, { worker, epochs: 5, batchSize: 8 })
      .done.catch((e: Error) => e);
    expect((err as Error).message).toBe('Tripwire: snapped on training call 5');
    expect((err as Error).stack).toContain('tripwireSnapped');
    expect(nr.memory().numTensors).toBe(before);
    expect(maxDiff(await weightValues(model), initial)).toBe(0); // a failed run leaves the model as it was
    expect(await nr.fitWorkerMemory(worker)).toEqual({ numTensors: 0 });
    // The worker still serves: a run of 4 batches (the tripwire snaps on the 5th) trains.
    const h = await nr.fitInWorker(model, x, y, { worker, epochs: 1, batchSize: 10 }).done;
    expect(h.updates).toBe(4);
    expect(maxDiff(await weightValues(model), initial)).toBeGreaterThan(0);
    model.dispose();
  });

  it('a worker that exits during a run rejects done; the model keeps its weights', async () => {
    const doomed = new Worker(await bundleWorker(dir, 'doomed-worker', WORKER));
    const model = makeModel(6);
    const initial = await weightValues(model);
    const run = nr.fitInWorker(model, x, y, {
      worker: doomed,
      epochs: 100_000,
      onProgress: (e) => {
        if (e.kind === 'batchEnd' && e.batch === 0) void doomed.terminate();
      },
    });
    await expect(run.done).rejects.toThrow(
      /^fitInWorker: the worker failed: the worker exited \(code 1\) before answering$/,
    );
    expect(maxDiff(await weightValues(model), initial)).toBe(0);
    // The model is free to train again.
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    model.dispose();
  });

  it('a worker whose script throws rejects done with that error', async () => {
    const file = await bundleWorker(
      dir,
      'bad-worker',
      "throw new Error('the worker script failed at load');",
    );
    const bad = new Worker(file);
    const model = makeModel(2);
    const before = nr.memory().numTensors;
    const err = await nr.fitInWorker(model, x, y, { worker: bad }).done.catch((e: Error) => e);
    expect((err as Error).message).toBe('fitInWorker: the worker failed: the worker script failed at load');
    expect(nr.memory().numTensors).toBe(before);
    await bad.terminate();
    model.dispose();
  });
});
