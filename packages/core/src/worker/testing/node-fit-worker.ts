/**
 * Shared by the Node tests of `fitInWorker` (test-only; excluded from the build): a user's worker script and
 * its esbuild bundle, a seeded model and its twin (the in-thread oracle), weight comparisons, and a fixture
 * that starts one worker and makes the data for a test file.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, expect } from 'vitest';
import { cpu } from '../../../../backend-cpu/src/index.js';
import * as nr from '../../index.js';

/** The repository root (esbuild resolves the packages from there). */
export const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));

/** A custom layer both threads know: the identity here; in the worker it throws on its 5th training call. */
export class Tripwire extends nr.Layer {
  static override readonly className = 'Tripwire';
  override call(inputs: nr.Tensor): nr.Tensor {
    return nr.mul(inputs, 1);
  }
}
nr.registerLayer(Tripwire);

/** The user's worker script: the CPU backend, a factory that throws, and a Tripwire that snaps. */
export const WORKER = /* js */ `
import * as nr from '@neurona/core';
import { cpu } from '@neurona/backend-cpu';
export class Tripwire extends nr.Layer {
  static className = 'Tripwire';
  calls = 0;
  call(inputs, options = {}) {
    if (options.training && ++this.calls === 5) tripwireSnapped();
    return nr.mul(inputs, 1);
  }
}
function tripwireSnapped() {
  throw new Error('Tripwire: snapped on training call 5');
}
nr.registerLayer(Tripwire);
nr.serveFitWorker({
  backends: {
    cpu,
    broken: function brokenDeviceFactory() { throw new Error('broken: no such device'); },
  },
});
`;

export async function bundleWorker(dir: string, name: string, source: string): Promise<string> {
  const out = await esbuild.build({
    stdin: { contents: source, resolveDir: ROOT, loader: 'js', sourcefile: `${name}.js` },
    bundle: true,
    platform: 'node',
    format: 'esm',
    conditions: ['@neurona/source'],
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    write: false,
    logLevel: 'silent',
  });
  const file = join(dir, `${name}.mjs`);
  await writeFile(file, out.outputFiles[0]!.text);
  return file;
}

/** A seeded model with dropout (so the worker must continue our random sequence) and Adam. */
export function makeModel(seed: number): nr.Sequential {
  nr.seed(seed);
  const model = nr.sequential({
    layers: [
      nr.layers.dense({ units: 6, activation: 'relu', inputShape: [3] }),
      nr.layers.dropout({ rate: 0.3 }),
      nr.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
  model.compile({
    optimizer: nr.optimizers.adam({ learningRate: 0.05 }),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return model;
}

/** A second model with the same topology, weights and compile config (through the saved format). */
export async function twin(model: nr.LayersModel): Promise<nr.LayersModel> {
  const h = nr.io.memory();
  await model.save(h, { includeOptimizer: true });
  return nr.loadModel(h);
}

export async function weightValues(model: nr.LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.weights.map(async (w) => (await w.data()) as Float32Array));
}

export function maxDiff(a: Float32Array[], b: Float32Array[]): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  a.forEach((w, i) => {
    expect(w.length).toBe(b[i]!.length);
    for (let k = 0; k < w.length; k++) m = Math.max(m, Math.abs(w[k]! - b[i]![k]!));
  });
  return m;
}

export function expectClose(got: readonly number[], want: readonly number[]): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 6);
}

/** What {@link useWorkerFixture} makes before a file's tests (filled in by its `beforeAll`). */
export interface WorkerFixture {
  dir: string;
  worker: Worker;
  x: nr.Tensor;
  y: nr.Tensor;
}

/**
 * Before the tests: the CPU backend, a temporary folder, one worker running the bundled {@link WORKER}, and
 * 40 seeded examples of a learnable rule (class 1 when x0 + x1 > x2). After them, everything is freed.
 */
export function useWorkerFixture(): WorkerFixture {
  const f = {} as WorkerFixture;
  beforeAll(async () => {
    await nr.setBackend(cpu());
    f.dir = await mkdtemp(join(tmpdir(), 'neurona-fit-worker-'));
    f.worker = new Worker(await bundleWorker(f.dir, 'fit-worker', WORKER));
    nr.seed(100);
    f.x = nr.randomNormal([40, 3]);
    const xs = (await f.x.data()) as Float32Array;
    const labels = Array.from({ length: 40 }, (_, i) =>
      xs[3 * i]! + xs[3 * i + 1]! > xs[3 * i + 2]! ? 1 : 0,
    );
    f.y = nr.tensor2d(labels.map((c) => (c ? [0, 1] : [1, 0])));
  }, 120_000);
  afterAll(async () => {
    f.x?.dispose();
    f.y?.dispose();
    await f.worker?.terminate();
    if (f.dir) await rm(f.dir, { recursive: true, force: true });
  });
  return f;
}
