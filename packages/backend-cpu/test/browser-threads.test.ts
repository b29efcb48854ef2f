/**
 * The worker pool in a browser: the same page script (an esbuild bundle of core + this backend from their
 * sources) is served twice from 127.0.0.1, once with the COOP/COEP headers that make a page cross-origin
 * isolated and once without. Isolated, a two-thread backend reports Web Workers and its workers start on the
 * shared memory; not isolated, it falls back to one thread without an error. Either way a matmul, a conv2d
 * and a few training steps give the same numbers as a one-thread backend in the same page.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bundle,
  chromiumMissing,
  launchChromium,
  pageHtml,
  type Served,
  serve,
} from '../../core/test/browser/chromium.js';

const PAGE_SCRIPT = /* js */ `
import * as nr from '@neurona/core';
import { cpu } from '@neurona/backend-cpu';
import { fastRuntime } from './packages/backend-cpu/src/fast/runtime.ts';

const values = (n, k) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + k) * 0.5);

async function work(be) {
  await nr.setBackend(be);
  const a = nr.tensor(values(96 * 128, 1), [96, 128]);
  const b = nr.tensor(values(128 * 80, 2), [128, 80]);
  const x = nr.tensor(values(2 * 16 * 16 * 8, 3), [2, 16, 16, 8]);
  const f = nr.tensor(values(3 * 3 * 8 * 16, 4), [3, 3, 8, 16]);
  const matmul = Array.from(await nr.matMul(a, b).data());
  const conv = Array.from(await nr.conv2d(x, f, 1, 'same').data());
  nr.seed(3);
  const model = nr.sequential({
    layers: [
      nr.layers.dense({ units: 64, activation: 'relu', inputShape: [128] }),
      nr.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
  model.compile({ optimizer: nr.optimizers.sgd({ learningRate: 0.1 }), loss: 'binaryCrossentropy' });
  const labels = nr.tensor(Float32Array.from({ length: 96 }, (_, i) => i % 2), [96, 1]);
  const h = await model.fit(a, labels, { epochs: 3, batchSize: 32, shuffle: false, verbose: 0 });
  return { matmul, conv, losses: h.history.loss, features: be.features };
}

try {
  const one = await work(cpu({ threads: 1 }));
  const be2 = cpu({ threads: 2, parallelThreshold: 0 });
  await work(be2); // starts the workers
  const rt = fastRuntime();
  const until = performance.now() + 20000;
  while (be2.features.workers !== 'none' && rt.readyWorkers < 1 && performance.now() < until) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const two = await work(be2);
  window.__result = {
    isolated: self.crossOriginIsolated === true,
    defaults: cpu().features,
    workers: rt.workers,
    readyWorkers: rt.readyWorkers,
    one,
    two,
  };
} catch (e) {
  window.__result = { error: String(e && e.stack ? e.stack : e) };
}
`;

interface Run {
  matmul: number[];
  conv: number[];
  losses: number[];
  features: { threads: number; workers: string };
}
interface PageResult {
  error?: string;
  isolated: boolean;
  defaults: { threads: number; workers: string };
  workers: number;
  readyWorkers: number;
  one: Run;
  two: Run;
}

const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const missing = chromiumMissing();

describe.skipIf(missing !== null)('CPU worker pool in headless Chromium', () => {
  let browser: Browser;
  let served: Served;
  beforeAll(async () => {
    const script = await bundle(PAGE_SCRIPT, ['@neurona/source']);
    served = await serve(
      new Map([
        ['/isolated/', { body: pageHtml('isolated', 'page.js'), type: 'text/html', headers: ISOLATION }],
        ['/isolated/page.js', { body: script, type: 'text/javascript', headers: ISOLATION }],
        ['/plain/', { body: pageHtml('plain', 'page.js'), type: 'text/html' }],
        ['/plain/page.js', { body: script, type: 'text/javascript' }],
      ]),
    );
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  async function open(path: string): Promise<PageResult> {
    const page = await browser.newPage();
    const logs: string[] = [];
    page.on('console', (m) => logs.push(m.text()));
    page.on('pageerror', (e) => logs.push(String(e)));
    await page.goto(`${served.url}${path}`);
    await page.waitForFunction(() => '__result' in window, null, { timeout: 120_000 });
    const r = (await page.evaluate(
      () => (window as unknown as { __result: unknown }).__result,
    )) as PageResult;
    expect(r.error, `page error (console: ${logs.join(' | ')})`).toBeUndefined();
    await page.close();
    return r;
  }

  function sameNumbers(r: PageResult): void {
    expect(r.two.matmul).toEqual(r.one.matmul);
    expect(r.two.conv).toEqual(r.one.conv);
    expect(r.two.losses).toEqual(r.one.losses);
    expect(r.one.losses.length).toBe(3);
    expect(r.one.losses[2]!).toBeLessThan(r.one.losses[0]!);
  }

  it('cross-origin isolated (COOP/COEP): Web Workers on shared memory, same numbers as one thread', async () => {
    const r = await open('/isolated/');
    expect(r.isolated).toBe(true);
    expect(r.one.features).toMatchObject({ threads: 1, workers: 'none' });
    expect(r.two.features).toMatchObject({ threads: 2, workers: 'web-workers' });
    expect(r.workers).toBe(1);
    expect(r.readyWorkers, 'the worker started on the shared memory').toBe(1);
    sameNumbers(r);
  }, 180_000);

  it('not isolated: one thread, no error, no workers, same numbers', async () => {
    const r = await open('/plain/');
    expect(r.isolated).toBe(false);
    expect(r.defaults).toMatchObject({ threads: 1, workers: 'none' });
    expect(r.two.features).toMatchObject({ threads: 1, workers: 'none' });
    expect(r.workers).toBe(0);
    sameNumbers(r);
  }, 180_000);
});
