/**
 * Shared by the browser tests: find Chromium (skip with the reason and install command when it is missing,
 * fail under `CI`), launch it headless with the flags of the brief, serve pages on 127.0.0.1, and bundle a
 * page script with esbuild.
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../../../test-utils/capabilities.js';

/** Debian's Chromium. */
export const CHROMIUM = CHROMIUM_PATH;

/** The repository root (where `node_modules` is), for resolving bare imports of bundled page scripts. */
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * Why the browser tests cannot run here (`null` when they can). Under `CI` a missing Chromium is an
 * error, not a skip.
 */
export function chromiumMissing(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const reason = `${CHROMIUM} is missing; install Chromium (apt-get install chromium)`;
  if (process.env.CI) throw new Error(`browser test: ${reason} (CI is set: not skipping)`);
  console.warn(`skipping the browser tests: ${reason}`);
  return reason;
}

/** Headless Chromium with the flags every browser test uses. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS], headless: true });
}

/** One response of {@link serve}: a body, its content type and extra headers. */
export interface Route {
  readonly body: string | Uint8Array;
  readonly type?: string;
  readonly headers?: Record<string, string>;
}

/** A server on 127.0.0.1 and its base URL (`http://127.0.0.1:port`), plus every request it answered. */
export interface Served {
  readonly server: Server;
  readonly url: string;
  readonly requests: IncomingMessage[];
  close(): Promise<void>;
}

/** Serve `routes` (path -> response) on 127.0.0.1; anything else is a 404. */
export function serve(routes: Map<string, Route> | ((path: string) => Route | undefined)): Promise<Served> {
  const requests: IncomingMessage[] = [];
  const lookup = typeof routes === 'function' ? routes : (p: string) => routes.get(p);
  const server = createServer((req, res) => {
    requests.push(req);
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    const route = lookup(path);
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no ${path}`);
      return;
    }
    res
      .writeHead(200, { 'content-type': route.type ?? 'application/octet-stream', ...route.headers })
      .end(route.body);
  });
  return new Promise((ok) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      ok({
        server,
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

/**
 * Bundle `source` (an ES module) for the browser with esbuild, resolving bare imports from the repository.
 * `conditions` adds export conditions (e.g. `'@neurona/source'` to bundle TypeScript sources without a
 * build); without it, esbuild's defaults pick each package's published browser entry.
 */
export async function bundle(source: string, conditions: string[] = []): Promise<string> {
  return (await bundleWithInputs(source, conditions)).code;
}

/** {@link bundle}, also returning the files that went into the bundle (paths relative to the repository). */
export async function bundleWithInputs(
  source: string,
  conditions: string[] = [],
): Promise<{ code: string; inputs: string[] }> {
  const out = await esbuild.build({
    stdin: { contents: source, resolveDir: ROOT, loader: 'js', sourcefile: 'page.js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    metafile: true,
    ...(conditions.length > 0 ? { conditions } : {}),
  });
  return { code: out.outputFiles[0]!.text, inputs: Object.keys(out.metafile.inputs) };
}

/** An HTML page that runs `script` as a module. */
export const pageHtml = (title: string, scriptPath = '/page.js'): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>` +
  `<script type="module" src="${scriptPath}"></script></head><body></body></html>`;
