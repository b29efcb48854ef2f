/**
 * The browser half of the smoke test: bundle an example entry with esbuild (browser platform, zero config),
 * serve it on 127.0.0.1 with tfjs's `.wasm` files under `/tfjs-wasm/`, open it in headless Chromium and
 * return what the page published on `globalThis.smoke`.
 *
 * @example
 * ```ts
 * const outcome = await runInChromium(app.dir, 'browser-cpu');
 * ```
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../test-utils/capabilities.js';
import type { SmokeOutcome } from './example/browser.js';

/** Where Debian's Chromium is. */
export const CHROMIUM = CHROMIUM_PATH;
const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.html': 'text/html',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

/** Bundle `src/<entry>.ts` of the consumer into `www/<entry>.js` (throws with esbuild's errors). */
export async function bundle(dir: string, entry: string): Promise<void> {
  await build({
    entryPoints: [join(dir, 'src', `${entry}.ts`)],
    outfile: join(dir, 'www', `${entry}.js`),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    absWorkingDir: dir,
    logLevel: 'silent',
  });
}

/** Serve the bundle `entry` and run it in Chromium; the page's outcome. */
export async function runInChromium(dir: string, entry: string): Promise<SmokeOutcome> {
  const wasmDir = join(dir, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  const page = `<!doctype html><html><head><meta charset="utf-8"><title>smoke</title>
<script type="module" src="/${entry}.js"></script></head><body></body></html>`;
  const server = createServer((req, res) => {
    const path = normalize(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.startsWith('/tfjs-wasm/')
      ? join(wasmDir, path.slice('/tfjs-wasm/'.length))
      : join(dir, 'www', path);
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    } else if (existsSync(file)) {
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS],
    headless: true,
  });
  try {
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    await tab.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await tab.waitForFunction(() => (globalThis as { smoke?: unknown }).smoke !== undefined, null, {
      timeout: 120_000,
    });
    const outcome = await tab.evaluate(() => (globalThis as { smoke?: Promise<SmokeOutcome> }).smoke);
    return outcome ?? { error: `no outcome; page errors: ${errors.join('; ')}` };
  } finally {
    await browser.close();
    server.close();
  }
}
