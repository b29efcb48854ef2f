/**
 * The docs site as a reader gets it: `npm run docs` builds it once, a static server serves `docs/site/` on
 * 127.0.0.1, headless Chromium opens the home page, every guide and the other top pages and fails on any console
 * error, page error or failed request (images included), and a crawl of every page finds no broken internal link
 * or image. Screenshots go to `docs/site-artifacts/` (gitignored).
 *
 * Without Chromium the browser part is skipped with the reason (and fails when `CI` is set); the link check
 * always runs.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSiteLinks } from './links.js';
import {
  artifactsDir,
  buildSite,
  CHROMIUM,
  CHROMIUM_ARGS,
  chromiumMissing,
  guidePaths,
  serveSite,
  siteDir,
} from './site.js';

let server: Server | undefined;
let origin = '';
let browser: Browser | undefined;

const missing = chromiumMissing();
if (missing && process.env.CI) throw new Error(`site test: ${missing} (required when CI is set)`);
if (missing) console.warn(`site test: browser part skipped: ${missing}`);

beforeAll(async () => {
  buildSite();
  ({ server, origin } = await serveSite());
  if (!missing)
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS], headless: true });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

/** Open `path` in a fresh page and collect every console error, page error and failed or 4xx/5xx request. */
async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(`${origin}${path}`, { waitUntil: 'networkidle' });
  // Every image decoded (an SVG that does not parse has naturalWidth 0).
  const broken = await page.$$eval('img', (imgs) =>
    imgs.filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.getAttribute('src')),
  );
  for (const src of broken) problems.push(`image did not load: ${src}`);
  return { page, problems };
}

describe.skipIf(missing !== null)('docs site in Chromium', () => {
  const pages = [
    '/',
    ...guidePaths(),
    '/backend-matrix.html',
    '/playground.html',
    '/mnist-demo.html',
    '/api/index.html',
  ];

  it.concurrent.each(pages)('%s opens with no console error or failed request', async (path) => {
    const { page, problems } = await open(path);
    try {
      expect(problems).toEqual([]);
      expect(await page.locator('h1').count(), `${path} has a heading`).toBeGreaterThan(0);
      if (path === '/' || path === '/guide/backpropagation.html') {
        mkdirSync(artifactsDir, { recursive: true });
        const name = path === '/' ? 'home' : 'guide-backpropagation';
        await page.screenshot({ path: join(artifactsDir, `${name}.png`), fullPage: path !== '/' });
      }
    } finally {
      await page.close();
    }
  });

  it('the XOR playground trains in the page: the boundary picture changes and XOR is learned', async () => {
    const { page, problems } = await open('/playground.html');
    const root = '.xor-playground';
    const pixels = () =>
      page.$eval('#xor-canvas', (c) => {
        const canvas = c as HTMLCanvasElement;
        return Array.from(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data);
      });
    try {
      await page.waitForFunction(
        (r) => Number(document.querySelector<HTMLElement>(r)?.dataset.drawn) >= 1,
        root,
      );
      expect(await page.$eval('#xor-dataset', (s) => (s as HTMLSelectElement).value)).toBe('xor');
      const before = await pixels();
      await page.click('#xor-train');
      await page.waitForFunction(
        (r) => Number(document.querySelector<HTMLElement>(r)?.dataset.epoch) >= 20,
        root,
        {
          timeout: 120_000,
        },
      );
      const during = await pixels();
      await page.waitForFunction(
        (r) => document.querySelector<HTMLElement>(r)?.dataset.running === 'false',
        root,
        {
          timeout: 120_000,
        },
      );
      const after = await pixels();
      const changed = (a: number[], b: number[]) => a.filter((v, i) => v !== b[i]).length / a.length;
      expect(changed(before, during), 'the picture moved within the first 20 epochs').toBeGreaterThan(0.05);
      expect(changed(during, after), 'and kept moving').toBeGreaterThan(0.01);
      const status = (await page.textContent('#xor-status')) ?? '';
      expect(status).toContain('epoch 100');
      // Chance level for binary cross-entropy is log 2 = 0.69; 4 tanh units learn XOR well below it.
      expect(Number(/loss ([\d.]+)/.exec(status)?.[1])).toBeLessThan(0.2);
      // The corners of the picture (away from the dots) show XOR: blue (1) at (0,1) and (1,0), orange (0) at
      // (0,0) and (1,1). Pixel (x, y) of the 320x320 canvas, y downward; colour = [r, g, b, a] at 4 (y*320 + x).
      const at = (x: number, y: number) => after.slice(4 * (y * 320 + x), 4 * (y * 320 + x) + 3);
      const blue = (c: number[]) => c[2]! > c[0]!;
      expect([at(2, 2), at(317, 317), at(2, 317), at(317, 2)].map(blue)).toEqual([true, true, false, false]);
      mkdirSync(artifactsDir, { recursive: true });
      await page.screenshot({ path: join(artifactsDir, 'playground.png') });
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('the embedded MNIST demo trains in its frame and scores the test images', async () => {
    const { page, problems } = await open('/mnist-demo.html');
    try {
      await page.frameLocator('iframe.nr-demo').locator('#train').click();
      const frame = page.frames().find((f) => f.url().includes('/demos/mnist/'))!;
      await frame.waitForFunction(
        () => ['trained', 'error'].includes(document.body.dataset.state ?? ''),
        null,
        {
          timeout: 240_000,
        },
      );
      expect(problems).toEqual([]);
      // 3,000 images, one epoch of the small CNN: far above chance (0.1) on the 1,000 test images.
      const accuracy = Number(await frame.locator('#test-accuracy').getAttribute('data-accuracy'));
      expect(accuracy).toBeGreaterThan(0.8);
      mkdirSync(artifactsDir, { recursive: true });
      await page.screenshot({ path: join(artifactsDir, 'mnist-demo.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it('a guide example runs in the page from its Run button and shows what it logs', async () => {
    const { page, problems } = await open('/guide/neuron-and-perceptron.html');
    try {
      const buttons = page.locator('.nr-run button');
      expect(await buttons.count(), 'the guide has runnable examples').toBeGreaterThan(0);
      await buttons.first().click();
      const out = page.locator('.nr-run-output').first();
      await page.waitForFunction(
        () => document.querySelector<HTMLElement>('.nr-run-output')?.dataset.state,
        null,
        {
          timeout: 60_000,
        },
      );
      expect(await out.getAttribute('data-state')).toBe('done');
      // the example logs z = x·w + b and sigmoid(z) for z = 0.1 and 0.5
      const sigmoid = (z: number) => Number((1 / (1 + Math.exp(-z))).toPrecision(6));
      const text = (await out.textContent()) ?? '';
      expect(text).toContain(`[[${sigmoid(0.1)}],[${sigmoid(0.5)}]]`);
      expect(text).toMatch(/done in [\d.]+ s/);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('the backpropagation guide shows numbers the library computed at build time', async () => {
    const { page } = await open('/guide/backpropagation.html');
    try {
      const text = await page.locator('.vp-doc').textContent();
      // The loss of the 2-2-1 example, by hand: sigmoid(0.6 + 0.4 a1 + 0.45 a2), a = sigmoid(0.3775), sigmoid(0.3925).
      const s = (z: number) => 1 / (1 + Math.exp(-z));
      const yHat = s(0.4 * s(0.3775) + 0.45 * s(0.3925) + 0.6);
      expect(text ?? '').toContain(String(Number(((yHat - 0.01) ** 2).toPrecision(6))));
    } finally {
      await page.close();
    }
  });
});

describe('docs site links', () => {
  it('no broken internal link, anchor or image in any page', () => {
    const { broken, checked, pages } = checkSiteLinks(siteDir);
    expect(broken).toEqual([]);
    // The crawl covered the guides and the API reference, not only a few pages.
    expect(pages).toBeGreaterThan(300);
    expect(checked).toBeGreaterThan(10_000);
  });
});
