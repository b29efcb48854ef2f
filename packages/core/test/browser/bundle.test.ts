/**
 * What a user's bundler makes of the published packages. `import * as nr from '@neurona/core'` plus each
 * backend is bundled for the browser with esbuild's defaults (no externals, no stubs, no conditions: each
 * package's `dist`, as npm installs it) and with Vite's; no Node-only file gets in. Each esbuild bundle then
 * trains XOR in headless Chromium: the loss goes down, the predictions are probabilities, and `verbose: 1`
 * prints epoch lines to the console instead of a terminal bar. WebGPU runs where Chromium's adapter starts
 * (skipped with the reason otherwise, failing under `CI`).
 *
 * Needs the packages built (`npx turbo run build`; the root `npm test` builds first).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bundleWithInputs,
  chromiumMissing,
  launchChromium,
  pageHtml,
  ROOT,
  type Route,
  type Served,
  serve,
} from './chromium.js';

const BACKENDS = {
  cpu: "import { cpu } from '@neurona/backend-cpu';\nconst make = async () => cpu();",
  wasm: "import { wasm } from '@neurona/backend-wasm';\nconst make = () => wasm({ wasmPaths: '/wasm/' });",
  webgpu: `import { webgpu } from '@neurona/backend-webgpu';
const make = async () => {
  const adapter = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
  if (!adapter) return null;
  return webgpu({ adapter });
};`,
} as const;
type BackendName = keyof typeof BACKENDS;

const xorScript = (backend: BackendName): string => /* js */ `
import * as nr from '@neurona/core';
${BACKENDS[backend]}
try {
  const be = await make();
  if (!be) {
    window.__result = { noAdapter: 'navigator.gpu.requestAdapter() gave no adapter (navigator.gpu ' + (navigator.gpu ? 'exists' : 'is missing') + ')' };
  } else {
    await nr.setBackend(be);
    nr.seed(1);
    const x = nr.tensor2d([[0, 0], [0, 1], [1, 0], [1, 1]]);
    const y = nr.tensor2d([[0], [1], [1], [0]]);
    const model = nr.sequential({
      layers: [
        nr.layers.dense({ units: 8, activation: 'tanh', inputShape: [2] }),
        nr.layers.dense({ units: 1, activation: 'sigmoid' }),
      ],
    });
    model.compile({ optimizer: nr.optimizers.adam({ learningRate: 0.1 }), loss: 'binaryCrossentropy' });
    const h = await model.fit(x, y, { epochs: 40, batchSize: 4, verbose: 0 });
    const logged = [];
    const log = console.log;
    console.log = (...a) => { logged.push(a.join(' ')); log(...a); };
    try {
      await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 1 });
    } finally {
      console.log = log;
    }
    const predictions = Array.from(await model.predict(x).data());
    window.__result = { backend: nr.getBackend().name, losses: h.history.loss, predictions, logged };
  }
} catch (e) {
  window.__result = { error: String(e && e.stack ? e.stack : e) };
}
`;

/** A Node app: trains one epoch with the terminal progress bar, saves to `file://dir/m` and loads it back. */
const nodeScript = (dir: string): string => /* js */ `
import * as nr from '@neurona/core';
import { cpu } from '@neurona/backend-cpu';
try {
  await nr.setBackend(cpu());
  const model = nr.sequential({ layers: [nr.layers.dense({ units: 2, inputShape: [2] }), nr.layers.dense({ units: 1 })] });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  await model.fit(nr.tensor2d([[0, 1], [1, 0]]), nr.tensor2d([[1], [0]]), { epochs: 1, verbose: 1 });
  await model.save(${JSON.stringify(`file://${dir}/m`)});
  const loaded = await nr.loadModel(${JSON.stringify(`file://${dir}/m`)});
  console.log('loaded ' + loaded.layers.length + ' layers');
} catch (e) {
  console.error(e);
  process.exit(1);
}
`;

/** Files that must never be in a browser bundle: Node-only code and packages. */
const NODE_ONLY = [
  /cli-progress/,
  /node_modules\/webgpu\//,
  /\/dist\/node\//,
  /index\.node\.js$/,
  /device-node/,
];

const run = promisify(execFile);

const DIST = ['core', 'backend-cpu', 'backend-wasm', 'backend-webgpu'].map((p) =>
  resolve(ROOT, 'packages', p, 'dist', 'index.js'),
);

function requireBuild(): void {
  for (const f of DIST) {
    if (!existsSync(f)) throw new Error(`bundle test: ${f} is missing; build first: npx turbo run build`);
  }
}

describe('bundling the published packages for the browser', () => {
  const bundles = new Map<BackendName, string>();

  for (const backend of Object.keys(BACKENDS) as BackendName[]) {
    it(`esbuild defaults: core + backend-${backend}, no Node-only file`, async () => {
      requireBuild();
      const { code, inputs } = await bundleWithInputs(xorScript(backend));
      const nodeOnly = inputs.filter((f) => NODE_ONLY.some((re) => re.test(f)));
      expect(nodeOnly).toEqual([]);
      expect(inputs).toContain('packages/core/dist/index.js');
      expect(inputs).toContain(`packages/backend-${backend}/dist/index.js`);
      bundles.set(backend, code);
    });
  }

  it('Vite defaults: one app importing core and all three backends builds, without Node-only files', async () => {
    requireBuild();
    const { build } = await import('vite');
    const cache = join(ROOT, 'node_modules', '.cache');
    const root = await mkdtemp(join(existsSync(cache) ? cache : ROOT, 'neurona-vite-'));
    try {
      await writeFile(join(root, 'index.html'), pageHtml('vite app', './main.js'));
      await writeFile(
        join(root, 'main.js'),
        "import * as nr from '@neurona/core';\nimport { cpu } from '@neurona/backend-cpu';\n" +
          "import { wasm } from '@neurona/backend-wasm';\nimport { webgpu } from '@neurona/backend-webgpu';\n" +
          'console.log(nr.io.listModels, cpu, wasm, webgpu);\n',
      );
      const out = await build({ root, configFile: false, logLevel: 'error', build: { outDir: 'out' } });
      const outputs = (Array.isArray(out) ? out : [out]).flatMap((o) => ('output' in o ? o.output : []));
      const modules = outputs.flatMap((o) => ('modules' in o ? Object.keys(o.modules) : []));
      expect(modules.some((m) => m.includes('/packages/core/dist/'))).toBe(true);
      expect(modules.filter((m) => NODE_ONLY.some((re) => re.test(m)))).toEqual([]);
      const assets = await readdir(join(root, 'out', 'assets'));
      expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 240_000);

  it('esbuild defaults: an app that only loads a model keeps the model classes it deserialises', async () => {
    requireBuild();
    // The model classes register themselves when their modules run (package.json `sideEffects`): an app
    // that never names nr.sequential / nr.model must still load a Sequential and a functional model.
    const { cpu } = await import('../../../backend-cpu/src/index.js');
    const src = await import('../../src/index.js');
    await src.setBackend(cpu());
    src.seed(2);
    const seq = src.sequential({ layers: [src.layers.dense({ units: 2, inputShape: [2] })] });
    const inp = src.input({ shape: [2] });
    const fun = src.model({ inputs: inp, outputs: src.layers.dense({ units: 1 }).apply(inp) as never });
    const saved = [];
    for (const m of [seq, fun]) {
      const h = src.io.memory();
      await m.save(h);
      const a = h.artifacts!;
      const want = Array.from(await (m.predict(src.ones([1, 2])) as InstanceType<typeof src.Tensor>).data());
      saved.push({
        topology: a.modelTopology,
        specs: a.weightSpecs,
        b64: Buffer.from(a.weightData).toString('base64'),
        want,
      });
      m.dispose();
    }
    const app = /* js */ `
import * as nr from '@neurona/core';
import { cpu } from '@neurona/backend-cpu';
await nr.setBackend(cpu());
for (const s of ${JSON.stringify(saved)}) {
  const weightData = Uint8Array.from(atob(s.b64), (c) => c.charCodeAt(0)).buffer;
  const m = await nr.loadModel(nr.io.memory({ modelTopology: s.topology, weightSpecs: s.specs, weightData }));
  const got = Array.from(await m.predict(nr.ones([1, 2])).data());
  console.log(JSON.stringify({ className: m.className, got, want: s.want }));
}`;
    const { code } = await bundleWithInputs(app);
    const dir = await mkdtemp(join(tmpdir(), 'neurona-load-only-'));
    try {
      await writeFile(join(dir, 'app.mjs'), code);
      const { stdout } = await run(process.execPath, [join(dir, 'app.mjs')]);
      const lines = stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { className: string; got: number[]; want: number[] });
      expect(lines.map((l) => l.className)).toEqual(['Sequential', 'Model']);
      for (const l of lines) expect(l.got).toEqual(l.want);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('esbuild for Node: the bundle keeps the Node entry (file:// and the progress bar registered)', async () => {
    requireBuild();
    const dir = await mkdtemp(join(tmpdir(), 'neurona-node-bundle-'));
    try {
      const out = await esbuild.build({
        stdin: { contents: nodeScript(dir), resolveDir: ROOT, loader: 'js' },
        bundle: true,
        platform: 'node',
        format: 'esm',
        // The usual recipe for ESM bundles in Node: CommonJS dependencies (cli-progress) get a require().
        banner: {
          js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        },
        write: false,
        logLevel: 'silent',
      });
      await writeFile(join(dir, 'app.mjs'), out.outputFiles[0]!.text);
      const { stdout } = await run(process.execPath, [join(dir, 'app.mjs')]);
      expect(stdout).toContain('Epoch 1/1 [====');
      expect(stdout).toContain('loaded 2 layers');
      expect(existsSync(join(dir, 'm', 'model.json'))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  const missing = chromiumMissing();
  describe.skipIf(missing !== null)('each esbuild bundle trains XOR in headless Chromium', () => {
    let browser: Browser;
    let served: Served;
    beforeAll(async () => {
      const wasmDir = join(ROOT, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
      const wasmFiles = new Map<string, Uint8Array>();
      for (const f of await readdir(wasmDir)) {
        if (f.endsWith('.wasm')) wasmFiles.set(`/wasm/${f}`, await readFile(join(wasmDir, f)));
      }
      served = await serve((path): Route | undefined => {
        const m = /^\/(cpu|wasm|webgpu)\/(page\.js)?$/.exec(path);
        if (m) {
          const code = bundles.get(m[1] as BackendName);
          if (!code) return undefined;
          return m[2]
            ? { body: code, type: 'text/javascript' }
            : { body: pageHtml(`bundle ${m[1]}`, 'page.js'), type: 'text/html' };
        }
        const wasm = wasmFiles.get(path);
        return wasm ? { body: wasm, type: 'application/wasm' } : undefined;
      });
      browser = await launchChromium();
    }, 120_000);
    afterAll(async () => {
      await browser?.close();
      await served?.close();
    });

    for (const backend of Object.keys(BACKENDS) as BackendName[]) {
      it(`${backend}: the loss goes down and predict gives probabilities`, async (ctx) => {
        expect(bundles.has(backend), 'the esbuild test above made the bundle').toBe(true);
        const page = await browser.newPage();
        const logs: string[] = [];
        page.on('console', (m) => logs.push(m.text()));
        page.on('pageerror', (e) => logs.push(String(e)));
        page.on('response', (r) => {
          if (r.status() >= 400) logs.push(`HTTP ${r.status()}: ${r.url()}`);
        });
        await page.goto(`${served.url}/${backend}/`);
        await page.waitForFunction(() => '__result' in window, null, { timeout: 120_000 });
        const r = (await page.evaluate(() => (window as unknown as { __result: unknown }).__result)) as {
          error?: string;
          noAdapter?: string;
          backend?: string;
          losses?: number[];
          predictions?: number[];
          logged?: string[];
        };
        await page.close();
        if (r.noAdapter) {
          const why = `webgpu in Chromium: ${r.noAdapter}; needs Chromium with --enable-unsafe-webgpu and a Vulkan driver (apt-get install chromium libvulkan1)`;
          if (process.env.CI) throw new Error(`${why} (CI is set: not skipping)`);
          console.warn(`skipping: ${why}`);
          ctx.skip();
        }
        expect(r.error, `page error (console: ${logs.join(' | ')})`).toBeUndefined();
        expect(r.backend).toBe(backend);
        const losses = r.losses!;
        expect(losses.length).toBe(40);
        expect(losses.every(Number.isFinite)).toBe(true);
        expect(losses[39]!, `losses ${losses.map((l) => l.toFixed(3)).join(' ')}`).toBeLessThan(
          losses[0]! * 0.5,
        );
        expect(r.predictions!.length).toBe(4);
        for (const p of r.predictions!) expect(p >= 0 && p <= 1, String(p)).toBe(true);
        expect(r.predictions!.map(Math.round), 'XOR learned').toEqual([0, 1, 1, 0]);
        expect(
          r.logged!.some((l) => /^Epoch 1\/1 loss=\d/.test(l)),
          r.logged!.join(' | '),
        ).toBe(true);
      }, 180_000);
    }
  });
});
