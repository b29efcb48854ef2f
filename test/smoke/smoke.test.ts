/**
 * The tarball smoke test: what a user gets from `npm install`. Packs every public package once, installs
 * core and the three backends from the tarballs into a fresh folder outside the workspace, then
 * - checks what the tarballs hold (dist, README, LICENSE; the WebAssembly bytes of backend-cpu once);
 * - type-checks the example (`example/`) with TypeScript 5.9 (the repo's) and 7 (installed in the folder),
 *   `skipLibCheck: false`, `nodenext` and `bundler`, with and without `@types/node`;
 * - compiles it and runs, per backend, XOR training, prediction, a `file://` save and load in Node;
 * - loads the packages from CommonJS (`require(esm)`, or the ESM-only message);
 * - bundles the example with esbuild and runs it in Chromium (cpu, wasm; webgpu where an adapter starts).
 *
 * Needs npm's cache to hold the registry dependencies (tfjs, webgpu, typescript 7, @types/node), Chromium at
 * /usr/bin/chromium for the browser part, and a WebGPU adapter for the webgpu runs (skipped with the reason
 * when missing, failing when `CI` is set).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundle, CHROMIUM, runInChromium } from './browser-page.js';
import { type Consumer, createConsumer, ROOT, run } from './consumer.js';
import type { XorResult } from './example/xor.js';
import { writeConfigs, writeEmitConfig } from './typecheck.js';

const PUBLIC = ['@neurona/core', '@neurona/backend-cpu', '@neurona/backend-wasm', '@neurona/backend-webgpu'];
const TSC59 = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

let app: Consumer;
beforeAll(() => {
  app = createConsumer();
  writeEmitConfig(app.dir);
  run(process.execPath, [TSC59, '-p', 'tsconfig.emit.json'], app.dir);
});

/** Skip (printing why and what to install) when a capability is missing; fail instead under CI. */
function capability(ok: boolean, reason: string): boolean {
  if (ok) return true;
  if (process.env.CI) throw new Error(`smoke: ${reason} (CI is set, so this fails instead of skipping)`);
  console.warn(`smoke: skipped: ${reason}`);
  return false;
}

/** Whether the installed backend finds a WebGPU adapter in Node (Dawn; it picks SwiftShader itself). */
function nodeAdapter(): boolean {
  const probe = "import { webgpu } from '@neurona/backend-webgpu'; await webgpu(); process.exit(0);";
  try {
    run(process.execPath, ['--input-type=module', '-e', probe], app.dir);
    return true;
  } catch {
    return false;
  }
}

/** Every file under `dir`, relative paths. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((f) =>
    statSync(join(dir, f)).isDirectory() ? filesUnder(join(dir, f), `${prefix}${f}/`) : [`${prefix}${f}`],
  );
}

describe('tarballs', () => {
  it('pack every public package with dist, README and LICENSE only', () => {
    expect(app.packed.map((p) => p.name).sort()).toEqual([...PUBLIC].sort());
    for (const p of app.packed) {
      const odd = p.files.filter(
        (f) => !/^(dist\/.+\.(js|d\.ts|cjs)|README\.md|LICENSE|package\.json)$/.test(f),
      );
      expect(odd, p.name).toEqual([]);
      expect(p.files, p.name).toContain('dist/index.js');
      expect(p.files, p.name).toContain('dist/index.d.ts');
      expect(
        p.files.filter((f) => /test|harness|\.map$|tsbuildinfo/.test(f)),
        p.name,
      ).toEqual([]);
      expect(readFileSync(join(app.dir, 'node_modules', p.name, 'LICENSE'), 'utf8')).toContain(
        'Copyright (c) 2026 the Neurona authors',
      );
    }
  });

  it('ship the WebAssembly bytes of backend-cpu once', () => {
    const pkg = join(app.dir, 'node_modules', '@neurona', 'backend-cpu');
    const generated = readFileSync(join(pkg, 'dist', 'fast', 'wasm-bytes.generated.js'), 'utf8');
    const probe = /WASM_SIMD = '([A-Za-z0-9+/]{200})/.exec(generated)?.[1];
    expect(probe).toBeDefined();
    const copies = filesUnder(pkg).filter((f) => readFileSync(join(pkg, f), 'utf8').includes(probe!));
    expect(copies).toEqual(['dist/fast/wasm-bytes.generated.js']);
  });

  it('make webgpu (Dawn) an optional peer of backend-webgpu', () => {
    const pkg = JSON.parse(
      readFileSync(join(app.dir, 'node_modules/@neurona/backend-webgpu/package.json'), 'utf8'),
    );
    expect(pkg.dependencies?.webgpu).toBeUndefined();
    expect(pkg.optionalDependencies?.webgpu).toBeUndefined();
    expect(pkg.peerDependencies.webgpu).toBeDefined();
    expect(pkg.peerDependenciesMeta.webgpu.optional).toBe(true);
  });
});

describe('declarations in a consumer project', () => {
  it('type-check with TypeScript 5.9 (nodenext, bundler; with and without @types/node)', () => {
    for (const config of writeConfigs(app.dir, '', { webgpu: true })) {
      run(process.execPath, [TSC59, '-p', config], app.dir);
    }
  });

  it('type-check with TypeScript 7 for core, cpu and wasm', () => {
    const tsc7 = join(app.dir, 'node_modules', '.bin', 'tsc');
    expect(run(tsc7, ['--version'], app.dir)).toContain('Version 7.');
    for (const config of writeConfigs(app.dir, '.ts7', { webgpu: false })) run(tsc7, ['-p', config], app.dir);
  });

  // TypeScript >= 6 declares WebGPU in its lib.dom, which clashes with @webgpu/types (which our declarations
  // reference for TypeScript 5): the package's `types@>=6` declarations leave the reference out.
  it('type-check backend-webgpu with TypeScript 7 (its lib.dom declares WebGPU)', () => {
    const tsc7 = join(app.dir, 'node_modules', '.bin', 'tsc');
    for (const config of writeConfigs(app.dir, '.ts7-gpu', { webgpu: true }))
      run(tsc7, ['-p', config], app.dir);
  });
});

describe('the example in Node, from the tarballs', () => {
  const checkXor = (r: XorResult, backend: string) => {
    expect(r.backend).toBe(backend);
    expect(r.lastLoss).toBeLessThan(r.firstLoss);
    expect(r.predicted.map((v) => Math.round(v))).toEqual([0, 1, 1, 0]);
    expect(r.reloaded.length).toBe(4);
    for (const [i, v] of r.reloaded.entries()) expect(v).toBeCloseTo(r.predicted[i]!, 5);
    expect(r.leaked).toBe(0);
  };

  for (const backend of ['cpu', 'wasm', 'webgpu']) {
    it(`trains XOR, saves to file:// and loads it back on ${backend}`, (ctx) => {
      if (
        backend === 'webgpu' &&
        !capability(
          nodeAdapter(),
          'Dawn finds no WebGPU adapter (apt-get install chromium-common libvulkan1)',
        )
      ) {
        ctx.skip();
      }
      const folder = join(app.dir, `model-${backend}`);
      const out = run(process.execPath, ['dist/node.js', backend, folder], app.dir);
      checkXor(JSON.parse(out.trim().split('\n').at(-1)!) as XorResult, backend);
      expect(existsSync(join(folder, 'model.json'))).toBe(true);
    });
  }

  it('loads from CommonJS through require(esm), or says the packages are ESM only', () => {
    const script =
      "const nr = require('@neurona/core'); const { cpu } = require('@neurona/backend-cpu'); console.log(typeof nr.sequential, typeof cpu);";
    expect(run(process.execPath, ['-e', script], app.dir).trim()).toBe('function function');
    let message = '';
    try {
      run(process.execPath, ['--no-experimental-require-module', '-e', script], app.dir);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('@neurona/core is ESM only');
  });
});

describe('the example bundled for the browser (esbuild, Chromium)', () => {
  for (const backend of ['cpu', 'wasm', 'webgpu']) {
    it(`trains XOR and round-trips the model through nr.io.memory() on ${backend}`, async (ctx) => {
      if (!capability(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (apt-get install chromium)`))
        ctx.skip();
      await bundle(app.dir, `browser-${backend}`);
      const outcome = await runInChromium(app.dir, `browser-${backend}`);
      if (backend === 'webgpu' && outcome.error?.includes('no GPU adapter')) {
        if (!capability(false, `Chromium has no WebGPU adapter: ${outcome.error}`)) ctx.skip();
      }
      expect(outcome.error).toBeUndefined();
      expect(outcome.result!.predicted.map((v) => Math.round(v))).toEqual([0, 1, 1, 0]);
      for (const [i, v] of outcome.result!.reloaded.entries())
        expect(v).toBeCloseTo(outcome.result!.predicted[i]!, 5);
      expect(outcome.result!.leaked).toBe(0);
    });
  }
});
