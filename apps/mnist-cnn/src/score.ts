/**
 * Scoring a model on a split (no Node imports: the CLI and the web page share it).
 *
 * @packageDocumentation
 */
import * as nr from '@neurona/core';
import { SIDE, type Split } from './dataset.js';
import { accuracyOf, type ConfusionMatrix, confusionMatrix, scorePredictions } from './report.js';

/**
 * Options of {@link scoreSplit}.
 *
 * @example
 * ```ts
 * const o: ScoreOptions = { batchSize: 256, pause: () => new Promise((r) => setTimeout(r, 0)) };
 * ```
 */
export interface ScoreOptions {
  /** Images per `predict` call (default 256). */
  readonly batchSize?: number;
  /** Awaited between batches, e.g. to let a page paint while it scores; default: none. */
  readonly pause?: () => Promise<void>;
}

/**
 * Class probabilities of `split` batch by batch, then the confusion matrix, accuracy and mean cross-entropy.
 *
 * @example
 * ```ts
 * const { accuracy, confusion } = await scoreSplit(model, test);
 * ```
 */
export async function scoreSplit(
  model: nr.LayersModel,
  split: Split,
  options: ScoreOptions = {},
): Promise<{ accuracy: number; loss: number; confusion: ConfusionMatrix }> {
  const batchSize = options.batchSize ?? 256;
  const px = SIDE * SIDE;
  const values = new Float32Array(split.n * 10);
  for (let start = 0; start < split.n; start += batchSize) {
    const n = Math.min(batchSize, split.n - start);
    const probs = nr.tidy(() =>
      model.predict(nr.tensor(split.images.subarray(start * px, (start + n) * px), [n, SIDE, SIDE, 1])),
    ) as nr.Tensor;
    try {
      values.set((await probs.data()) as Float32Array, start * 10);
    } finally {
      probs.dispose();
    }
    await options.pause?.();
  }
  const { predicted, loss } = scorePredictions(values, split.labels, 10);
  const confusion = confusionMatrix(split.labels, predicted, 10);
  return { accuracy: accuracyOf(confusion), loss, confusion };
}
