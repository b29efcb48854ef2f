/**
 * Helpers of the site test: build the VitePress site once, serve `docs/site/` on 127.0.0.1, list its pages,
 * and find Chromium.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../test-utils/capabilities.js';

/** The repository root and the built site. */
export const repo = fileURLToPath(new URL('../../', import.meta.url));
export const siteDir = join(repo, 'docs', 'site');
/** Where the screenshots go (gitignored). */
export const artifactsDir = join(repo, 'docs', 'site-artifacts');

/** Debian's Chromium, and the flags every browser test of the repository uses. */
export const CHROMIUM = CHROMIUM_PATH;
export { CHROMIUM_ARGS };

/** `npm run docs`: pictures, API reference, then `vitepress build` into `docs/site/`. Throws with the output. */
export function buildSite(): void {
  try {
    execFileSync('npm', ['run', 'docs'], { cwd: repo, stdio: 'pipe', encoding: 'utf8', timeout: 600_000 });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`npm run docs failed: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
};

/** A static server over `docs/site/` on 127.0.0.1 (a free port); `/dir/` serves `/dir/index.html`. */
export async function serveSite(): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(siteDir, path));
    if (!file.startsWith(resolve(siteDir))) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** The site paths of the guides (`/guide/<name>.html`), from the Markdown files of `docs/guide/`. */
export function guidePaths(): string[] {
  return readdirSync(join(repo, 'docs', 'guide'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `/guide/${f.replace(/\.md$/, '.html')}`);
}

/** Why the browser part cannot run here, or null when Chromium is installed. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM)
    ? null
    : `${CHROMIUM} is missing: install it with \`apt-get install chromium\` to run the site's browser test`;
}
