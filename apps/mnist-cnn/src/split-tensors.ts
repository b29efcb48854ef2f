/**
 * A split of decoded IDX files straight into tensors (no Node imports: the CLI and the web page share it).
 *
 * @packageDocumentation
 */
import * as nr from '@neurona/core';
import { decodeImages, decodeLabels, SIDE } from './dataset.js';
import type { IdxArray } from './idx.js';

/**
 * One split as tensors: images `x` `[n, 28, 28, 1]` float32 in [0, 1] and class ids `y` `[n]` int32. The
 * caller owns (and disposes) both.
 *
 * @example
 * ```ts
 * const { x, y, n } = idxTensors(images, labels, 0, 1000, 'labels');
 * ```
 */
export interface SplitTensors {
  readonly x: nr.Tensor;
  readonly y: nr.Tensor;
  readonly n: number;
}

/**
 * Examples `[start, start + count)` of decoded IDX images and labels as tensors, with no JavaScript copy of
 * the pixels left behind: they are decoded into one float32 array that goes straight to the backend's
 * upload and is garbage once this returns, so a data set is held once, by the backend, while it trains.
 * A label outside 0..9 throws (naming `name`) before any tensor is made.
 *
 * @example
 * ```ts
 * const fit = idxTensors(raw.images, raw.labels, 0, 55000, raw.name);
 * try {
 *   await model.fit(fit.x, fit.y, { epochs: 1 });
 * } finally {
 *   nr.dispose([fit.x, fit.y]);
 * }
 * ```
 */
export function idxTensors(
  images: IdxArray,
  labels: IdxArray,
  start: number,
  count: number,
  name: string,
): SplitTensors {
  const y = nr.tensor(decodeLabels(labels, start, count, name), [count], 'int32');
  try {
    return { x: nr.tensor(decodeImages(images, start, count), [count, SIDE, SIDE, 1]), y, n: count };
  } catch (e) {
    y.dispose();
    throw e;
  }
}
