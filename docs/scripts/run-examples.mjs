// The guides' "Run" buttons: bundle every guide example a browser can run (it uses only core and the CPU
// backend: no Node module, no file://, no process) with esbuild into docs/public/run/, one ES module per
// example sharing one chunk of the library, plus index.json: { "<guide>-<n>": "<file>.js" }. The site's
// theme adds a Run button under those code blocks; clicking it imports the module and shows what it logs.
//
// Usage: node docs/scripts/run-examples.mjs (part of `npm run docs:assets`)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { guideBlocks } from './guide-blocks.mjs';

const docs = fileURLToPath(new URL('..', import.meta.url));
const out = join(docs, 'public', 'run');
const src = join(docs, '.vitepress', 'cache', 'run-examples');

/** Why a block cannot run in a page, or null when it can. */
function notInBrowser(code) {
  if (/from ['"]node:|['"]file:\/\/|\bprocess\.|@neurona\/core\/node/.test(code)) return 'needs Node';
  if (/@neurona\/backend-(wasm|webgpu)/.test(code)) return 'another backend';
  if (!/@neurona\/core/.test(code)) return 'not a library example';
  return null;
}

rmSync(out, { recursive: true, force: true });
rmSync(src, { recursive: true, force: true });
mkdirSync(src, { recursive: true });
const index = {};
const entryPoints = [];
for (const b of guideBlocks(join(docs, 'guide'))) {
  if (!b.run || notInBrowser(b.code)) continue;
  const key = `${b.guide}-${b.n}`;
  const file = join(src, `${key}.ts`);
  writeFileSync(file, `${b.code}\nexport {};\n`);
  entryPoints.push(file);
  index[key] = `${key}.js`;
}
await build({
  entryPoints,
  outdir: out,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  conditions: ['@neurona/source'],
  minify: true,
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
});
writeFileSync(join(out, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
console.log(`run-examples: ${entryPoints.length} examples bundled into ${out}`);
