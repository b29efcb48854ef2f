/**
 * The MNIST data set as the CLI and the web page both see it (no Node imports: the page bundles this file):
 * class names, the image side, a split of images and labels, and turning decoded IDX files into one.
 *
 * @packageDocumentation
 */
import type { IdxArray } from './idx.js';

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
 * How many examples a pair of decoded IDX files holds, the first `limit` of them when given; throws, naming
 * `name` (the labels file or URL), when the images and labels disagree on the count.
 *
 * @example
 * ```ts
 * const n = exampleCount(images, labels, 2000, 'train-labels-idx1-ubyte'); // 2000
 * ```
 */
export function exampleCount(
  images: IdxArray,
  labels: IdxArray,
  limit: number | undefined,
  name: string,
): number {
  if (images.dims[0] !== labels.dims[0]) {
    throw new Error(`data: ${images.dims[0]} images but ${labels.dims[0]} labels in ${name}`);
  }
  return Math.min(images.dims[0]!, limit ?? Number.POSITIVE_INFINITY);
}

/**
 * Images `[start, start + count)` of decoded IDX images (`[n, 28, 28]` unsigned bytes) as float32 pixels
 * scaled from 0..255 to [0, 1], row-major (ready for a `[count, 28, 28, 1]` tensor).
 *
 * @example
 * ```ts
 * const pixels = decodeImages(parseIdx(imageBytes, 'images'), 0, 100); // 78,400 values
 * ```
 */
export function decodeImages(images: IdxArray, start: number, count: number): Float32Array {
  const px = SIDE * SIDE;
  const bytes = images.data.subarray(start * px, (start + count) * px);
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i]! / 255;
  return out;
}

/**
 * Labels `[start, start + count)` of a decoded IDX labels file as int32 class ids; throws, naming `name`, at a
 * label outside 0..9.
 *
 * @example
 * ```ts
 * const ids = decodeLabels(parseIdx(labelBytes, 'labels'), 0, 100, 'labels');
 * ```
 */
export function decodeLabels(labels: IdxArray, start: number, count: number, name: string): Int32Array {
  const ids = Int32Array.from(labels.data.subarray(start, start + count));
  for (let i = 0; i < count; i++) {
    if (ids[i]! > 9) {
      throw new Error(`data: ${name} label ${start + i} is ${ids[i]}, expected a class id 0..9`);
    }
  }
  return ids;
}

/**
 * A {@link Split} from decoded IDX images (`[n, 28, 28]`) and labels (`[n]`): the first `limit` examples,
 * pixels scaled from 0..255 to [0, 1]. Errors name `name` (the labels file or URL): a count mismatch between
 * images and labels, or a label outside 0..9.
 *
 * @example
 * ```ts
 * const test = splitFromIdx(parseIdx(imageBytes, 'images'), parseIdx(labelBytes, 'labels'), 1000, 'labels');
 * ```
 */
export function splitFromIdx(
  images: IdxArray,
  labels: IdxArray,
  limit: number | undefined,
  name: string,
): Split {
  const n = exampleCount(images, labels, limit, name);
  const ids = decodeLabels(labels, 0, n, name);
  return { images: decodeImages(images, 0, n), labels: ids, n };
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
