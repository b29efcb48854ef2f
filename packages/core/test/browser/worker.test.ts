/**
 * `fitInWorker` in headless Chromium: a page (an esbuild bundle of core + the CPU backend from their sources,
 * served from 127.0.0.1) trains in a module Web Worker whose script (another esbuild bundle, as a user's
 * bundler would make it) calls `serveFitWorker` with the cpu, wasm and webgpu backends. The oracle is
 * `model.fit` in the page on the CPU backend. The same page is also served cross-origin isolated
 * (COOP/COEP headers) to check what the docs say: only then does the worker's CPU backend get its threads.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as nr from '../../src/index.js';
import {
  bundle,
  chromiumMissing,
  launchChromium,
  pageHtml,
  ROOT,
  type Route,
  type Served,
  serve,
} from './chromium.js';

/** What the page puts on `window.t`. */
interface PageApi {
  nr: typeof nr;
  worker: Worker;
  /** `cpu().features` as the worker's backend factory reported them. */
  features: { workers: string; threads: number }[];
  isolated: boolean;
  makeModel(seed: number, extra?: nr.Layer): nr.Sequential;
  twin(m: nr.LayersModel): Promise<nr.LayersModel>;
  weights(m: nr.LayersModel): Promise<number[]>;
  data(): { x: nr.Tensor; y: nr.Tensor };
}
type W = Window & { t: PageApi; ready?: boolean; failed?: string };

const PAGE_SCRIPT = /* js */ `
import * as nr from '@neurona/core';
import { cpu } from '@neurona/backend-cpu';
class Tripwire extends nr.Layer {
  static className = 'Tripwire';
  call(inputs) { return nr.mul(inputs, 1); }
}
nr.registerLayer(Tripwire);
try {
  await nr.setBackend(cpu());
  const worker = new Worker(new URL('./fit-worker.js', import.meta.url), { type: 'module' });
  const features = [];
  worker.addEventListener('message', (e) => { if (e.data && e.data.features) features.push(e.data.features); });
  nr.seed(100);
  const x = nr.randomNormal([40, 3]);
  const xs = await x.data();
  const y = nr.tensor2d(Array.from({ length: 40 }, (_, i) => (xs[3 * i] + xs[3 * i + 1] > xs[3 * i + 2] ? [0, 1] : [1, 0])));
  window.t = {
    nr, worker, features, isolated: self.crossOriginIsolated, Tripwire,
    makeModel(seed, extra) {
      nr.seed(seed);
      const model = nr.sequential({ layers: [
        nr.layers.dense({ units: 6, activation: 'relu', inputShape: [3] }),
        ...(extra ? [extra] : [nr.layers.dropout({ rate: 0.3 })]),
        nr.layers.dense({ units: 2, activation: 'softmax' }),
      ] });
      model.compile({ optimizer: nr.optimizers.adam({ learningRate: 0.05 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      return model;
    },
    async twin(m) { const h = nr.io.memory(); await m.save(h, { includeOptimizer: true }); return nr.loadModel(h); },
    async weights(m) { const out = []; for (const w of m.weights) out.push(...(await w.data())); return out; },
    data: () => ({ x, y }),
  };
  window.ready = true;
} catch (e) {
  window.failed = String(e && e.stack ? e.stack : e);
}
`;

const WORKER_SCRIPT = /* js */ `
import * as nr from '@neurona/core';
import { cpu } from '@neurona/backend-cpu';
import { wasm } from '@neurona/backend-wasm';
import { webgpu } from '@neurona/backend-webgpu';
class Tripwire extends nr.Layer {
  static className = 'Tripwire';
  calls = 0;
  call(inputs, options = {}) {
    if (options.training && ++this.calls === 5) tripwireSnapped();
    return nr.mul(inputs, 1);
  }
}
function tripwireSnapped() { throw new Error('Tripwire: snapped on training call 5'); }
nr.registerLayer(Tripwire);
nr.serveFitWorker({
  backends: {
    cpu: () => { const b = cpu(); self.postMessage({ features: b.features }); return b; },
    wasm: (options) => wasm(options),
    webgpu: async () => {
      const adapter = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
      if (!adapter) throw new Error('no WebGPU adapter in the worker');
      return webgpu({ adapter });
    },
  },
});
`;

const missing = chromiumMissing();

describe.skipIf(missing !== null)('fitInWorker in a Web Worker in headless Chromium', () => {
  let browser: Browser;
  let served: Served;
  const pages: Record<'plain' | 'isolated', Page> = {} as never;
  const logs: string[] = [];

  beforeAll(async () => {
    const [page, worker] = await Promise.all([
      bundle(PAGE_SCRIPT, ['@neurona/source']),
      bundle(WORKER_SCRIPT, ['@neurona/source']),
    ]);
    const bad = "throw new Error('the worker script failed at load');";
    const wasmDir = join(ROOT, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
    const wasmFiles = new Map<string, Uint8Array>();
    for (const f of await readdir(wasmDir)) {
      if (f.endsWith('.wasm')) wasmFiles.set(f, await readFile(join(wasmDir, f)));
    }
    const isolation = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    };
    served = await serve((path): Route | undefined => {
      const m = /^\/(plain|isolated)\/(.*)$/.exec(path);
      if (!m) return undefined;
      const headers = m[1] === 'isolated' ? isolation : {};
      const file = m[2]!;
      if (file === '') return { body: pageHtml('fitInWorker', 'page.js'), type: 'text/html', headers };
      if (file === 'page.js') return { body: page, type: 'text/javascript', headers };
      if (file === 'fit-worker.js') return { body: worker, type: 'text/javascript', headers };
      if (file === 'bad-worker.js') return { body: bad, type: 'text/javascript', headers };
      // The training worker's script without the isolation headers, for the isolated page.
      if (file === 'worker-without-coep.js') return { body: worker, type: 'text/javascript' };
      const w = file.startsWith('wasm/') ? wasmFiles.get(file.slice(5)) : undefined;
      return w ? { body: w, type: 'application/wasm', headers } : undefined;
    });
    browser = await launchChromium();
    for (const kind of ['plain', 'isolated'] as const) {
      const p = await browser.newPage();
      p.on('console', (msg) => logs.push(`${kind}: ${msg.text()}`));
      p.on('pageerror', (e) => logs.push(`${kind}: ${String(e)}`));
      await p.goto(`${served.url}/${kind}/`);
      await p.waitForFunction(() => (window as unknown as W).ready || (window as unknown as W).failed, null, {
        timeout: 60_000,
      });
      const failed = await p.evaluate(() => (window as unknown as W).failed);
      expect(failed, `page failed (console: ${logs.join(' | ')})`).toBeUndefined();
      pages[kind] = p;
    }
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it('trains to the same weights and history as model.fit in the page, streams progress, leaks nothing', async () => {
    const r = await pages.plain.evaluate(async () => {
      const { nr: n, worker, makeModel, twin, weights, data } = (window as unknown as W).t;
      const { x, y } = data();
      const inWorker = makeModel(7);
      const here = await twin(inWorker);
      const options = { epochs: 3, batchSize: 8, validationSplit: 0.25 };
      n.seed(11);
      const expected = await here.fit(x, y, { ...options, verbose: 0 });
      n.seed(11);
      const before = n.memory().numTensors;
      const kinds: string[] = [];
      const history = await n.fitInWorker(inWorker, x, y, {
        worker,
        backend: 'cpu',
        ...options,
        onProgress: (e) => kinds.push(e.kind),
      }).done;
      const out = {
        got: await weights(inWorker),
        want: await weights(here),
        history: history.history,
        expected: expected.history,
        updates: history.updates,
        kinds,
        leaked: n.memory().numTensors - before,
        workerTensors: (await n.fitWorkerMemory(worker)).numTensors,
      };
      inWorker.dispose();
      here.dispose();
      return out;
    });
    expect(r.got.length).toBe(r.want.length);
    let diff = 0;
    r.got.forEach((g, i) => {
      diff = Math.max(diff, Math.abs(g - r.want[i]!));
    });
    expect(diff).toBeLessThanOrEqual(1e-6);
    for (const k of ['loss', 'accuracy', 'val_loss', 'val_accuracy']) {
      expect(r.history[k]!.length).toBe(3);
      for (let i = 0; i < 3; i++) expect(r.history[k]![i]).toBeCloseTo(r.expected[k]![i]!, 6);
    }
    expect(r.updates).toBe(12);
    expect(r.kinds.filter((k) => k === 'batchEnd').length).toBe(12);
    expect(r.kinds.filter((k) => k === 'epochEnd').length).toBe(3);
    expect(r.kinds.at(-1)).toBe('trainEnd');
    expect(r.leaked).toBe(0);
    expect(r.workerTensors).toBe(0);
  }, 120_000);

  it('stop() ends a long run early with the weights trained so far', async () => {
    const r = await pages.plain.evaluate(async () => {
      const { nr: n, worker, makeModel, weights, data } = (window as unknown as W).t;
      const { x, y } = data();
      const model = makeModel(8);
      const initial = await weights(model);
      let batches = 0;
      const run = n.fitInWorker(model, x, y, {
        worker,
        epochs: 100_000,
        batchSize: 4,
        onProgress: (e) => {
          if (e.kind === 'batchEnd' && ++batches === 25) run.stop();
        },
      });
      const h = await run.done;
      const now = await weights(model);
      const out = {
        updates: h.updates,
        iterations: model.optimizer!.iterations,
        changed: now.some((v, i) => v !== initial[i]),
      };
      model.dispose();
      return out;
    });
    expect(r.updates).toBeGreaterThanOrEqual(25);
    expect(r.updates).toBeLessThan(1000);
    expect(r.iterations).toBe(r.updates);
    expect(r.changed).toBe(true);
  }, 120_000);

  it('errors in the worker reject done with its message and stack: unknown backend, a throwing layer, a script that fails', async () => {
    const r = await pages.plain.evaluate(async () => {
      const t = (window as unknown as W).t;
      const { nr: n, worker, makeModel, weights, data } = t;
      const { x, y } = data();
      const catchIt = (p: Promise<unknown>) =>
        p.then(
          () => null,
          (e: Error) => ({ message: e.message, stack: String(e.stack) }),
        );
      const before = n.memory().numTensors;
      const model = makeModel(1);
      const unknown = await catchIt(n.fitInWorker(model, x, y, { worker, backend: 'tpu' }).done);
      const Tripwire = (t as unknown as { Tripwire: new (a: object) => nr.Layer }).Tripwire;
      const tripped = makeModel(2, new Tripwire({}));
      const initial = await weights(tripped);
      const snapped = await catchIt(n.fitInWorker(tripped, x, y, { worker, epochs: 2, batchSize: 8 }).done);
      const unchanged = (await weights(tripped)).every((v, i) => v === initial[i]);
      const bad = new Worker(new URL('./bad-worker.js', location.href), { type: 'module' });
      const failed = await catchIt(n.fitInWorker(model, x, y, { worker: bad }).done);
      bad.terminate();
      const plain = n.sequential({ layers: [n.layers.dense({ units: 2, inputShape: [3] })] });
      const uncompiled = await catchIt(n.fitInWorker(plain, x, y, { worker }).done);
      model.dispose();
      tripped.dispose();
      plain.dispose();
      return {
        unknown,
        snapped,
        unchanged,
        failed,
        uncompiled,
        leaked: n.memory().numTensors - before,
        workerTensors: (await n.fitWorkerMemory(worker)).numTensors,
      };
    });
    expect(r.unknown!.message).toBe(
      "fitInWorker: backend 'tpu' is not one of this worker's backends (cpu, wasm, webgpu); the worker script names them in serveFitWorker({ backends })",
    );
    expect(r.snapped!.message).toBe('Tripwire: snapped on training call 5');
    expect(r.snapped!.stack).toContain('tripwireSnapped');
    expect(r.unchanged).toBe(true);
    expect(r.failed!.message).toMatch(/^fitInWorker: the worker failed: .*the worker script failed at load/);
    expect(r.uncompiled!.message).toMatch(/is not compiled/);
    expect(r.leaked).toBe(0);
    expect(r.workerTensors).toBe(0);
  }, 120_000);

  for (const backend of ['wasm', 'webgpu'] as const) {
    it(`trains on ${backend} in the worker, following the CPU loss trajectory`, async (ctx) => {
      const r = await pages.plain.evaluate(async (name) => {
        const { nr: n, worker, makeModel, twin, data } = (window as unknown as W).t;
        const { x, y } = data();
        const inWorker = makeModel(5);
        const here = await twin(inWorker);
        const options = { epochs: 4, batchSize: 8, shuffle: false };
        n.seed(21); // the same dropout masks in both runs
        const expected = await here.fit(x, y, { ...options, verbose: 0 });
        n.seed(21);
        const backendOptions =
          name === 'wasm' ? { wasmPaths: new URL('./wasm/', location.href).href } : undefined;
        try {
          const used = new Set<string>();
          const h = await n.fitInWorker(inWorker, x, y, {
            worker,
            backend: name,
            backendOptions,
            ...options,
            onProgress: (e) => used.add(e.backend),
          }).done;
          return { loss: h.history.loss, expected: expected.history.loss, used: [...used] };
        } catch (e) {
          return { error: (e as Error).message };
        } finally {
          inWorker.dispose();
          here.dispose();
        }
      }, backend);
      if (backend === 'webgpu' && r.error === 'no WebGPU adapter in the worker') {
        const why =
          'webgpu in a Chromium worker: no adapter; needs Chromium with --enable-unsafe-webgpu and a Vulkan driver (apt-get install chromium libvulkan1)';
        if (process.env.CI) throw new Error(`${why} (CI is set: not skipping)`);
        console.warn(`skipping: ${why}`);
        ctx.skip();
      }
      expect(r.error, `console: ${logs.join(' | ')}`).toBeUndefined();
      expect(r.used).toEqual([backend]); // the events say which backend the worker trained on
      expect(r.loss!.length).toBe(4);
      // Other kernels, other summation order: float32 rounding differences only (about 1e-7 here).
      for (let i = 0; i < 4; i++) expect(Math.abs(r.loss![i]! - r.expected![i]!)).toBeLessThan(1e-5);
    }, 180_000);
  }

  it('under COOP/COEP the worker is cross-origin isolated and its CPU backend gets threads; without, one thread', async () => {
    const train = (p: Page) =>
      p.evaluate(async () => {
        const { nr: n, worker, makeModel, data, features, isolated } = (window as unknown as W).t;
        const { x, y } = data();
        const model = makeModel(3);
        const h = await n.fitInWorker(model, x, y, { worker, backend: 'cpu', epochs: 1 }).done;
        model.dispose();
        return { isolated, features: features[0], updates: h.updates };
      });
    const plain = await train(pages.plain);
    const isolated = await train(pages.isolated);
    expect(plain.isolated).toBe(false);
    expect(plain.features!.workers).toBe('none');
    expect(isolated.isolated).toBe(true);
    expect(isolated.features!.workers).toBe('web-workers');
    expect(isolated.features!.threads).toBeGreaterThan(1);
    expect(isolated.updates).toBe(plain.updates);
    // In an isolated page a worker script must carry COEP too: without it the browser refuses to start it.
    const refused = await pages.isolated.evaluate(async () => {
      const { nr: n, makeModel, data } = (window as unknown as W).t;
      const { x, y } = data();
      const model = makeModel(3);
      const worker = new Worker(new URL('./worker-without-coep.js', location.href), { type: 'module' });
      const message = await n.fitInWorker(model, x, y, { worker }).done.then(
        () => 'trained',
        (e: Error) => e.message,
      );
      worker.terminate();
      model.dispose();
      return message;
    });
    expect(refused).toMatch(
      /^fitInWorker: the worker failed: its script did not start .*Cross-Origin-Embedder-Policy/,
    );
  }, 120_000);
});
