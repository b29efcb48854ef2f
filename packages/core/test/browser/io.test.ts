/**
 * The browser IO handlers in headless Chromium: a page (an esbuild bundle of core + the CPU backend from
 * their sources, served from 127.0.0.1) saves and loads through `indexeddb://`, `localstorage://`,
 * `downloads://` and `browserFiles`, and manages the stores with list/copy/move/remove. Downloads are
 * captured by playwright and loaded back in Node through `file://` with the CPU backend.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../../src/index.js';
import { bundle, chromiumMissing, launchChromium, pageHtml, type Served, serve } from './chromium.js';

/** What the page puts on `window.t`. */
interface PageApi {
  nr: typeof nr;
  model: nr.Sequential;
  x: nr.Tensor;
  input: number[][];
  predict(m: nr.LayersModel): Promise<number[]>;
}
type W = Window & { t: PageApi; ready?: boolean; failed?: string };

const PAGE_SCRIPT = /* js */ `
import * as nr from '@neurona/core';
import { cpu } from '@neurona/backend-cpu';
try {
  await nr.setBackend(cpu());
  nr.seed(5);
  const model = nr.sequential({
    layers: [
      nr.layers.dense({ units: 4, activation: 'relu', inputShape: [3] }),
      nr.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  const input = [[0.5, -1, 2], [1, 1, 1], [-3, 0.25, 0]];
  const x = nr.tensor2d(input);
  window.t = { nr, model, x, input, predict: async (m) => Array.from(await m.predict(x).data()) };
  window.ready = true;
} catch (e) {
  window.failed = String(e && e.stack ? e.stack : e);
}
`;

const missing = chromiumMissing();

describe.skipIf(missing !== null)('browser IO handlers in headless Chromium', () => {
  let browser: Browser;
  let served: Served;
  let page: Page;
  let want: number[];
  let servedModel: nr.Sequential;
  const logs: string[] = [];

  beforeAll(async () => {
    const script = await bundle(PAGE_SCRIPT, ['@neurona/source']);
    // A model made in Node, served as /m/model.json + /m/w.bin for the http test.
    await nr.setBackend(cpu());
    nr.seed(9);
    servedModel = nr.sequential({ layers: [nr.layers.dense({ units: 3, inputShape: [3] })] });
    const mem = nr.io.memory();
    await servedModel.save(mem);
    const a = mem.artifacts!;
    const modelJson = {
      modelTopology: a.modelTopology,
      weightsManifest: [{ paths: ['w.bin'], weights: a.weightSpecs }],
    };
    served = await serve(
      new Map([
        ['/', { body: pageHtml('neurona io'), type: 'text/html' }],
        ['/page.js', { body: script, type: 'text/javascript' }],
        ['/m/model.json', { body: JSON.stringify(modelJson), type: 'application/json' }],
        ['/m/w.bin', { body: new Uint8Array(a.weightData) }],
      ]),
    );
    browser = await launchChromium();
    page = await (await browser.newContext({ acceptDownloads: true })).newPage();
    page.on('console', (m) => logs.push(m.text()));
    page.on('pageerror', (e) => logs.push(String(e)));
    await page.goto(`${served.url}/`);
    await page.waitForFunction(
      () => (window as unknown as W).ready || (window as unknown as W).failed,
      null,
      {
        timeout: 60_000,
      },
    );
    const failed = await page.evaluate(() => (window as unknown as W).failed);
    expect(failed, `page failed (console: ${logs.join(' | ')})`).toBeUndefined();
    want = await page.evaluate(() => (window as unknown as W).t.predict((window as unknown as W).t.model));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  for (const scheme of ['indexeddb', 'localstorage'] as const) {
    it(`${scheme}:// round trip: same predictions, compiled again`, async () => {
      const got = await page.evaluate(async (url) => {
        const { nr: n, model, predict } = (window as unknown as W).t;
        const saved = await model.save(url);
        const loaded = await n.loadModel(url);
        return { saved, predictions: await predict(loaded), compiled: loaded.optimizer !== undefined };
      }, `${scheme}://round-trip`);
      expect(got.saved.location).toBe(`${scheme}://round-trip`);
      expect(got.saved.weightDataBytes).toBe(4 * (3 * 4 + 4 + 4 * 2 + 2));
      expect(got.predictions).toEqual(want);
      expect(got.compiled).toBe(true);
    });
  }

  it('listModels, copyModel, moveModel and removeModel over both stores', async () => {
    const r = await page.evaluate(async () => {
      const { nr: n, model, predict } = (window as unknown as W).t;
      const { io } = n;
      const keys = async () => Object.keys(await io.listModels()).sort();
      for (const url of await keys()) await io.removeModel(url);
      const empty = await keys();
      await model.save('indexeddb://a');
      const afterSave = await io.listModels();
      await io.copyModel('indexeddb://a', 'localstorage://b');
      const afterCopy = await keys();
      const copied = await predict(await n.loadModel('localstorage://b'));
      await io.moveModel('localstorage://b', 'indexeddb://c');
      const afterMove = await keys();
      const moved = await predict(await n.loadModel('indexeddb://c'));
      const removed = await io.removeModel('indexeddb://a');
      const afterRemove = await keys();
      const err = (p: Promise<unknown>) =>
        p.then(
          () => 'no error',
          (e: Error) => e.message,
        );
      return {
        empty,
        info: afterSave['indexeddb://a'],
        isDate: afterSave['indexeddb://a']?.dateSaved instanceof Date,
        afterCopy,
        copied,
        afterMove,
        moved,
        removedBytes: removed.weightDataBytes,
        afterRemove,
        loadRemoved: await err(n.loadModel('indexeddb://a')),
        removeMissing: await err(io.removeModel('localstorage://b')),
        removeBadUrl: await err(io.removeModel('downloads://x')),
      };
    });
    expect(r.empty).toEqual([]);
    expect(r.isDate).toBe(true);
    expect(r.info?.weightDataBytes).toBe(4 * 26);
    expect(r.info?.modelTopologyType).toBe('JSON');
    expect(r.afterCopy).toEqual(['indexeddb://a', 'localstorage://b']);
    expect(r.copied).toEqual(want);
    expect(r.afterMove).toEqual(['indexeddb://a', 'indexeddb://c']);
    expect(r.moved).toEqual(want);
    expect(r.removedBytes).toBe(4 * 26);
    expect(r.afterRemove).toEqual(['indexeddb://c']);
    expect(r.loadRemoved).toMatch(/no model named 'a' in IndexedDB/);
    expect(r.removeMissing).toMatch(/no model named 'b' in localStorage/);
    expect(r.removeBadUrl).toMatch(/expected a browser-store URL.*downloads:\/\/x/);
  });

  it('localstorage:// that does not fit fails with a clear error and keeps the model saved before', async () => {
    const r = await page.evaluate(async () => {
      const { nr: n, model, predict } = (window as unknown as W).t;
      await model.save('localstorage://big');
      const huge = n.sequential({ layers: [n.layers.dense({ units: 1500, inputShape: [1500] })] });
      const err = await huge.save('localstorage://big').then(
        () => 'no error',
        (e: Error) => e.message,
      );
      const kept = await predict(await n.loadModel('localstorage://big'));
      await n.io.removeModel('localstorage://big');
      return { err, kept };
    });
    expect(r.err).toMatch(/'localstorage:\/\/big' does not fit in localStorage.*use 'indexeddb:\/\/big'/);
    expect(r.kept).toEqual(want);
  });

  it('URLs a page cannot use are errors that say what to use instead', async () => {
    const r = await page.evaluate(async () => {
      const { nr: n, model } = (window as unknown as W).t;
      const err = (p: Promise<unknown>) =>
        p.then(
          () => 'no error',
          (e: Error) => e.message,
        );
      return {
        file: await err(model.save('file://./m')),
        loadDownloads: await err(n.loadModel('downloads://m')),
        unknown: await err(n.loadModel('ftp://host/m')),
      };
    });
    expect(r.file).toMatch(/'file:\/\/' URLs need Node\.js.*'indexeddb:\/\/name'/);
    expect(r.loadDownloads).toMatch(/'downloads:\/\/' handlers cannot load/);
    expect(r.unknown).toMatch(
      /unsupported URL 'ftp:\/\/host\/m' \(supported: 'http:\/\/', 'https:\/\/', 'indexeddb:\/\/'/,
    );
  });

  it('browserFiles loads File objects built in the page (two shards), and names a missing one', async () => {
    const r = await page.evaluate(async () => {
      const { nr: n, model, predict } = (window as unknown as W).t;
      const mem = n.io.memory();
      await model.save(mem);
      const a = mem.artifacts!;
      const bytes = new Uint8Array(a.weightData);
      const json = JSON.stringify({
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: ['./w-1.bin', './w-2.bin'], weights: a.weightSpecs }],
      });
      const jsonFile = new File([json], 'model.json', { type: 'application/json' });
      const w1 = new File([bytes.slice(0, 50)], 'w-1.bin');
      const w2 = new File([bytes.slice(50)], 'w-2.bin');
      const loaded = await n.loadModel(n.io.browserFiles([jsonFile, w2, w1]));
      const missing = await n.loadModel(n.io.browserFiles([jsonFile, w1])).then(
        () => 'no error',
        (e: Error) => e.message,
      );
      return { predictions: await predict(loaded), missing };
    });
    expect(r.predictions).toEqual(want);
    expect(r.missing).toMatch(/needs the weight file 'w-2\.bin'.*'w-1\.bin'/);
  });

  it('downloads:// gives name.json + name.weights.bin, which load in Node with the same predictions', async () => {
    const downloads: Download[] = [];
    const two = new Promise<void>((ok) => {
      page.on('download', (d) => {
        downloads.push(d);
        if (downloads.length === 2) ok();
      });
    });
    const saved = await page.evaluate(() => (window as unknown as W).t.model.save('downloads://my-model'));
    await two;
    const names = downloads.map((d) => d.suggestedFilename()).sort();
    expect(names).toEqual(['my-model.json', 'my-model.weights.bin']);
    const dir = await mkdtemp(join(tmpdir(), 'neurona-downloads-'));
    try {
      for (const d of downloads) {
        const body = await readFile((await d.path())!);
        const name = d.suggestedFilename() === 'my-model.json' ? 'model.json' : d.suggestedFilename();
        await writeFile(join(dir, name), body);
      }
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
      expect(json.weightsManifest[0].paths).toEqual(['./my-model.weights.bin']);
      expect((await readFile(join(dir, 'my-model.weights.bin'))).byteLength).toBe(saved.weightDataBytes);
      const loaded = await nr.loadModel(`file://${dir}`);
      const input = await page.evaluate(() => (window as unknown as W).t.input);
      const got = Array.from(await (loaded.predict(nr.tensor2d(input)) as nr.Tensor).data());
      expect(got.length).toBe(want.length);
      for (const [i, v] of got.entries()) expect(v).toBeCloseTo(want[i]!, 5);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('loadModel over http:// in the page: weights next to model.json, headers sent, 404 named', async () => {
    served.requests.length = 0;
    const r = await page.evaluate(async () => {
      const { nr: n, x } = (window as unknown as W).t;
      const url = `${location.origin}/m/model.json`;
      const loaded = await n.loadModel(url, { requestInit: { headers: { 'x-neurona-test': 'yes' } } });
      const predictions = Array.from(await (loaded.predict(x) as nr.Tensor).data());
      const relative = await n.loadModel('/nowhere/model.json').then(
        () => 'no error',
        (e: Error) => e.message,
      );
      const notFound = await n.loadModel(n.io.http(`${location.origin}/missing/model.json`)).then(
        () => 'no error',
        (e: Error) => e.message,
      );
      return { predictions, relative, notFound };
    });
    const modelRequests = served.requests.filter((q) => q.url?.startsWith('/m/'));
    expect(modelRequests.map((q) => q.url)).toEqual(['/m/model.json', '/m/w.bin']);
    for (const q of modelRequests) expect(q.headers['x-neurona-test']).toBe('yes');
    const input = await page.evaluate(() => (window as unknown as W).t.input);
    const wantHttp = Array.from(await servedModel.predict(nr.tensor2d(input)).data());
    expect(r.predictions.length).toBe(wantHttp.length);
    for (const [i, v] of r.predictions.entries()) expect(v).toBeCloseTo(wantHttp[i]!, 5);
    expect(r.relative).toMatch(/unsupported URL '\/nowhere\/model\.json'/);
    expect(r.notFound).toContain(`GET ${served.url}/missing/model.json (model.json) answered 404`);
  });
});
