/**
 * Shared by the demo apps' page tests: build and serve an app's web page (scripts/web-demo.mjs), open it in
 * headless Chromium, collect console errors and failed requests, and watch requestAnimationFrame while the page
 * is in a given state (the main thread must keep painting while a worker trains).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { buildWebDemo, serveWebDemo, type WebDemoApp } from '../scripts/web-demo.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './capabilities.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A demo page open in Chromium, what it logged as errors, and where its build is. */
export interface DemoPage {
  readonly browser: Browser;
  readonly page: Page;
  /** The server's base URL. */
  readonly url: string;
  /** The app's build folder (`apps/<app>/dist-web`), where screenshots go. */
  readonly outDir: string;
  /** Console errors, uncaught exceptions and HTTP errors seen so far. */
  readonly errors: string[];
  /** Open another page of the same browser on the demo (e.g. to check what survives a reload). */
  open(query?: string): Promise<Page>;
  close(): Promise<void>;
}

/** The page bundles the packages' `dist` (as a user's bundler would): fail clearly when it is not built. */
function requireBuild(): void {
  for (const p of ['core', 'backend-cpu', 'backend-wasm', 'backend-webgpu']) {
    const f = join(ROOT, 'packages', p, 'dist', 'index.js');
    if (!existsSync(f)) throw new Error(`demo page test: ${f} is missing; build first: npx turbo run build`);
  }
}

/**
 * Build `app`'s page, serve it on 127.0.0.1 and open `?query` in headless Chromium.
 *
 * @example
 * ```ts
 * const demo = await openDemo('mnist-cnn', 'backend=cpu');
 * ```
 */
export async function openDemo(app: WebDemoApp, query = ''): Promise<DemoPage> {
  requireBuild();
  const outDir = await buildWebDemo(app);
  const server = await serveWebDemo(app);
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
    headless: true,
  });
  const errors: string[] = [];
  // One context: the pages share storage (IndexedDB), as tabs of one browser profile do.
  const context = await browser.newContext({ viewport: { width: 1100, height: 1400 } });
  const open = async (q = query): Promise<Page> => {
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.stack ?? e.message}`));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
    page.on('response', (r) => {
      if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    await page.goto(`${server.url}${q ? `?${q}` : ''}`);
    return page;
  };
  const page = await open();
  return {
    browser,
    page,
    url: server.url,
    outDir,
    errors,
    open,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * Start recording the gaps between animation frames while `document.body.dataset.state === state`; read them
 * with {@link frameGaps}.
 *
 * @example
 * ```ts
 * await watchFrames(page, 'training');
 * ```
 */
export async function watchFrames(page: Page, state: string): Promise<void> {
  await page.evaluate((watched) => {
    const w = window as unknown as { __frameGaps: number[] };
    w.__frameGaps = [];
    let last: number | null = null;
    const tick = (t: number): void => {
      if (document.body.dataset.state === watched) {
        if (last !== null) w.__frameGaps.push(t - last);
        last = t;
      } else {
        last = null;
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }, state);
}

/**
 * The frame gaps (ms) recorded since {@link watchFrames}.
 *
 * @example
 * ```ts
 * expect(Math.max(...(await frameGaps(page)))).toBeLessThan(200);
 * ```
 */
export function frameGaps(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { __frameGaps: number[] }).__frameGaps);
}
