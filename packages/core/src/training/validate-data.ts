/**
 * Host-side checks of the data given to `fit` and `evaluate` that are cheap next to training: non-finite
 * values in validation data and in evaluate's inputs, and label ranges for the losses that need them
 * (binary labels in [0, 1], categorical labels that are distributions). Each tensor is read at most once per
 * loss: a tensor found valid is remembered (tensors are immutable; variables are never remembered).
 */
import { type Tensor, Variable } from '../engine/tensor.js';
import { checkFinite } from './data.js';

/** Label tensors already found valid, with the loss they were checked for. */
const checkedLabels = new WeakMap<Tensor, string>();

/** How far a categorical row may sum from 1 (float32 one-hot or softened labels are well within it). */
const SUM_TOLERANCE = 1e-3;

/**
 * @internal For a binary or categorical cross-entropy, check on the host that `y` holds valid labels:
 * binary labels in [0, 1]; categorical rows (the last axis) non-negative and summing to 1. Other losses
 * are not checked (sparse labels have their own check).
 *
 * @example
 * ```ts
 * await checkLabels(y, 'categoricalCrossentropy', 'fit: y');
 * ```
 */
export async function checkLabels(y: Tensor, lossName: string, what: string): Promise<void> {
  const key = lossName.replace(/_/g, '').toLowerCase();
  const binary = key === 'binarycrossentropy';
  const categorical = key === 'categoricalcrossentropy';
  if ((!binary && !categorical) || y.size === 0 || checkedLabels.get(y) === lossName) return;
  const d = await y.data();
  const shape = `[${y.shape.join(', ')}]`;
  if (binary) {
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      if (!(v >= 0 && v <= 1)) {
        throw new Error(
          `${what}: loss '${lossName}' expects labels in [0, 1], got ${v} at flat index ${i} of y ${shape}`,
        );
      }
    }
  } else {
    const k = y.shape[y.rank - 1] ?? 1;
    for (let row = 0; row * k < d.length; row++) {
      let s = 0;
      for (let j = 0; j < k; j++) {
        const v = d[row * k + j]!;
        if (!(v >= 0)) {
          throw new Error(
            `${what}: loss '${lossName}' expects each label row to be a probability distribution, got ${v} at row ${row}, class ${j} of y ${shape} (negative or not a number)`,
          );
        }
        s += v;
      }
      if (Math.abs(s - 1) > SUM_TOLERANCE) {
        throw new Error(
          `${what}: loss '${lossName}' expects each label row to be a probability distribution (one-hot, summing to 1), but row ${row} of y ${shape} sums to ${Number(s.toPrecision(6))}; for class ids use 'sparseCategoricalCrossentropy'`,
        );
      }
    }
  }
  if (!(y instanceof Variable)) checkedLabels.set(y, lossName);
}

/**
 * @internal The data checks of `fit` beyond its own: finite validation data, and valid labels for the loss
 * (training and validation labels).
 *
 * @example
 * ```ts
 * await checkFitData(y, [xv, yv], 'binaryCrossentropy');
 * ```
 */
export async function checkFitData(
  y: Tensor,
  validationData: readonly Tensor[] | undefined,
  lossName: string,
): Promise<void> {
  await checkLabels(y, lossName, 'fit: y');
  if (!validationData) return;
  const [xv, yv] = validationData as [Tensor, Tensor];
  await checkFinite(xv, 'fit: validationData x');
  await checkFinite(yv, 'fit: validationData y');
  await checkLabels(yv, lossName, 'fit: validationData y');
}

/**
 * @internal The data checks of `evaluate`: finite inputs and labels, and valid labels for the loss.
 *
 * @example
 * ```ts
 * await checkEvaluateData(x, y, 'meanSquaredError');
 * ```
 */
export async function checkEvaluateData(x: Tensor, y: Tensor, lossName: string): Promise<void> {
  await checkFinite(x, 'evaluate: x');
  if (!/sparse/i.test(lossName)) await checkFinite(y, 'evaluate: y');
  await checkLabels(y, lossName, 'evaluate: y');
}
