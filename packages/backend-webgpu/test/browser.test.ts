/**
 * The backend in a real browser: headless Chromium (Debian's `chromium`, driven by playwright-core) loads
 * the built ES modules of `@neurona/core` and this package from a page served on 127.0.0.1 (an import map
 * resolves the bare specifiers), creates the backend from `navigator.gpu`, and runs one training step of a
 * tiny CNN. The loss must be finite and go down.
 *
 * Needs `npx tsc -b packages/backend-webgpu` (the root `npm test` builds first) and Chromium with WebGPU
 * (`apt-get install chromium`); without them the test fails and says so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, requireCapability } from '../../../test-utils/capabilities.js';

const browserOk = await requireCapability('chromium', 'browser test');
const here = dirname(fileURLToPath(import.meta.url));
const ROOTS: Record<string, string> = {
  core: resolve(here, '../../core/dist'),
  webgpu: resolve(here, '../dist'),
};
const CHROMIUM = CHROMIUM_PATH;
const ARGS = [
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--headless=new',
  ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
];

/** One SGD step of a conv2d -> relu -> maxPool -> dense softmax model; the loss before and after. */
const PAGE_SCRIPT = /* js */ `
import * as nr from '@neurona/core';
import { webgpu } from '@neurona/backend-webgpu';
try {
  const backend = await webgpu();
  await nr.setBackend(backend);
  nr.seed(3);
  const L = nr.layers;
  const model = nr.sequential({
    layers: [
      L.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1] }),
      L.maxPooling2d({ poolSize: 2 }),
      L.flatten(),
      L.dense({ units: 2, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: nr.optimizers.sgd({ learningRate: 0.5 }), loss: 'sparseCategoricalCrossentropy' });
  // Class 1 images are bright in their left half, class 0 in their right half.
  const n = 8;
  const images = new Float32Array(n * 64);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 2;
    for (let p = 0; p < 64; p++) images[i * 64 + p] = (p % 8 < 4) === (i % 2 === 1) ? 1 : 0.1 * ((p * 7 + i) % 5);
  }
  const x = nr.tensor(images, [n, 8, 8, 1]);
  const y = nr.tensor(labels, [n], 'int32');
  const before = (await model.evaluate(x, y, { batchSize: n })).loss;
  await model.fit(x, y, { epochs: 1, batchSize: n, shuffle: false, verbose: 0 });
  const after = (await model.evaluate(x, y, { batchSize: n })).loss;
  let dataSync = '';
  try { x.dataSync(); } catch (e) { dataSync = String(e.message); }
  window.__result = { before, after, backend: nr.getBackend().name, dataSync };
} catch (e) {
  window.__result = { error: String(e && e.stack ? e.stack : e) };
}
`;

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>neurona webgpu</title>
<script type="importmap">
{ "imports": { "@neurona/core": "/core/index.js", "@neurona/backend-webgpu": "/webgpu/index.js" } }
</script>
<script type="module">${PAGE_SCRIPT}</script>
</head><body></body></html>`;

/** Serve the page and the two dist folders (`/core/...`, `/webgpu/...`) on 127.0.0.1. */
function serve(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      return;
    }
    const [, root, ...rest] = path.split('/');
    const base = ROOTS[root ?? ''];
    const file = base ? normalize(join(base, ...rest)) : '';
    if (!base || !file.startsWith(base) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const type = file.endsWith('.js') ? 'text/javascript' : 'application/json';
    res.writeHead(200, { 'content-type': type }).end(readFileSync(file));
  });
  return new Promise((ok) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      ok({ server, url: `http://127.0.0.1:${port}/` });
    });
  });
}

interface PageResult {
  readonly before?: number;
  readonly after?: number;
  readonly backend?: string;
  readonly dataSync?: string;
  readonly error?: string;
}

describe.runIf(browserOk)('webgpu in headless Chromium', () => {
  let browser: Browser | null = null;
  let server: Server | null = null;
  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it('trains one step on a page: the loss is finite and goes down', async () => {
    for (const [name, dir] of Object.entries(ROOTS)) {
      if (!existsSync(join(dir, 'index.js'))) {
        throw new Error(
          `browser test: ${dir}/index.js is missing (${name}); build first: npx tsc -b packages/backend-webgpu`,
        );
      }
    }
    if (!existsSync(CHROMIUM)) {
      throw new Error(`browser test: ${CHROMIUM} is missing; install Chromium (apt-get install chromium)`);
    }
    const served = await serve();
    server = served.server;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    const page = await browser.newPage();
    const logs: string[] = [];
    page.on('console', (m) => logs.push(m.text()));
    page.on('pageerror', (e) => logs.push(String(e)));
    page.on('requestfailed', (r) => logs.push(`request failed: ${r.url()}`));
    page.on('response', (r) => {
      if (r.status() >= 400) logs.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    await page.goto(served.url);
    try {
      await page.waitForFunction(() => '__result' in window, undefined, { timeout: 30_000 });
    } catch (e) {
      throw new Error(
        `browser test: the page produced no result (${(e as Error).message}); console: ${logs.join(' | ')}`,
      );
    }
    const result = (await page.evaluate(
      () => (window as unknown as { __result: unknown }).__result,
    )) as PageResult;
    expect(result.error, `page error (console: ${logs.join(' | ')})`).toBeUndefined();
    expect(result.backend).toBe('webgpu');
    expect(Number.isFinite(result.before) && Number.isFinite(result.after), JSON.stringify(result)).toBe(
      true,
    );
    expect(result.after!, 'loss after one step').toBeLessThan(result.before!);
    expect(result.dataSync, 'dataSync explains why it is absent').toMatch(/await .*data\(\)/);
  });
});
