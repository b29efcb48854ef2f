import { shapesEqual, Tensor } from '../engine/tensor.js';
import { clipByValue, softplus } from '../ops/activations.js';
import { add, div, minimum, mul, sub } from '../ops/binary.js';
import { oneHot } from '../ops/movement.js';
import { mean, sum } from '../ops/reduce.js';
import { broadcastTo, cast, reshape } from '../ops/shape.js';
import { logSoftmax } from '../ops/softmax.js';
import { sparseSoftmaxCrossEntropy } from '../ops/sparse-xent.js';
import { abs, log, neg, square } from '../ops/unary.js';
import { convert, fmt, op } from '../ops/util.js';

/**
 * A loss: maps `(yTrue, yPred)` to PER-EXAMPLE losses of shape `[batch]` (the mean over every non-batch
 * axis). The model applies sample weights and the batch mean. Probability-space cross-entropies carry
 * `logitsVersion`, the same loss taking logits, so a model can fuse a final softmax/sigmoid into it.
 *
 * @example
 * ```ts
 * const loss: nr.losses.LossFn = nr.losses.meanSquaredError();
 * loss(nr.tensor2d([[1, 2]]), nr.tensor2d([[1, 4]])); // [2]
 * ```
 */
export type LossFn = ((yTrue: Tensor, yPred: Tensor) => Tensor) & {
  readonly lossName: string;
  readonly logitsVersion?: (yTrue: Tensor, logits: Tensor) => Tensor;
};

/**
 * A user loss: any function of `(yTrue, yPred)` returning per-example losses `[batch]`, per-element
 * losses `[batch, ...]` (averaged per example) or a scalar.
 *
 * @example
 * ```ts
 * const f: nr.losses.LossFunction = (t, p) => nr.mean(nr.abs(nr.sub(t, p)), -1);
 * ```
 */
export type LossFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** Probabilities are clipped to `[EPSILON, 1 - EPSILON]` before taking logs, as Keras does. */
const EPSILON = 1e-7;

type Body = (yTrue: Tensor, yPred: Tensor) => Tensor;

function makeLoss(name: string, body: Body, logitsVersion?: Body): LossFn {
  const fn = (yTrue: Tensor, yPred: Tensor): Tensor =>
    op(name, () => body(convert(yTrue, name, 'yTrue'), convert(yPred, name, 'yPred')));
  if (!logitsVersion) return Object.assign(fn, { lossName: name });
  const fused = (yTrue: Tensor, logits: Tensor): Tensor =>
    op(name, () => logitsVersion(convert(yTrue, name, 'yTrue'), convert(logits, name, 'logits')));
  return Object.assign(fn, { lossName: name, logitsVersion: fused });
}

function toFloat(x: Tensor): Tensor {
  return x.dtype === 'float32' ? x : cast(x, 'float32');
}

/** @internal Mean over every axis but the first: `[batch, ...]` to `[batch]` (float32). */
export function perExample(x: Tensor): Tensor {
  const f = toFloat(x);
  if (f.rank <= 1) return f;
  return mean(f, f.shape.map((_, i) => i).slice(1));
}

/**
 * @internal Check `yTrue` against `yPred` (same shape; a trailing 1 may be added or dropped, as Keras
 * does) and return `yTrue` as float32 with exactly `yPred`'s shape.
 */
export function alignTargets(name: string, yTrue: Tensor, yPred: Tensor, hint = ''): Tensor {
  if (yPred.rank === 0) throw new Error(`${name}: yPred must have a batch axis, got a scalar`);
  if (yTrue.dtype === 'bool') yTrue = cast(yTrue, 'float32');
  if (shapesEqual(yTrue.shape, yPred.shape)) return toFloat(yTrue);
  const dropsOne = (a: Tensor, b: Tensor) =>
    a.rank === b.rank + 1 && a.shape[a.rank - 1] === 1 && shapesEqual(a.shape.slice(0, -1), b.shape);
  if (dropsOne(yTrue, yPred) || dropsOne(yPred, yTrue)) return toFloat(reshape(yTrue, yPred.shape));
  throw new Error(
    `${name}: yTrue ${fmt(yTrue.shape)} and yPred ${fmt(yPred.shape)} must have the same shape${hint}`,
  );
}

/**
 * @internal Integer class labels for `yPred` `[...lead, classes]`: `yTrue` must be `lead` or `[...lead, 1]`,
 * int32 or float holding whole numbers in `[0, classes)` (checked when the backend reads synchronously).
 * Returns int32 of shape `lead`.
 */
export function sparseLabels(name: string, yTrue: Tensor, yPred: Tensor): Tensor {
  if (yPred.rank < 2) {
    throw new Error(`${name}: yPred must have shape [batch, ..., classes], got ${fmt(yPred.shape)}`);
  }
  const lead = yPred.shape.slice(0, -1);
  const classes = yPred.shape[yPred.rank - 1]!;
  if (!shapesEqual(yTrue.shape, lead) && !shapesEqual(yTrue.shape, [...lead, 1])) {
    const hint = shapesEqual(yTrue.shape, yPred.shape) ? ' (for one-hot labels use categorical losses)' : '';
    throw new Error(
      `${name}: yTrue ${fmt(yTrue.shape)} must hold class indices of shape ${fmt(lead)} or ${fmt([...lead, 1])} for yPred ${fmt(yPred.shape)}${hint}`,
    );
  }
  if (yTrue.dtype === 'bool')
    throw new Error(`${name}: yTrue must hold int32 or float class indices, got bool`);
  const backend = yTrue.storage.backend;
  if (backend.readSync && yTrue.size > 0) {
    const data = backend.readSync(yTrue.storage.handle);
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (!Number.isInteger(v) || v < 0 || v >= classes) {
        throw new Error(
          `${name}: label ${v} (flat position ${i} of yTrue ${fmt(yTrue.shape)}) is not a class index in [0, ${classes}) for yPred ${fmt(yPred.shape)}`,
        );
      }
    }
  }
  return reshape(yTrue.dtype === 'int32' ? yTrue : cast(yTrue, 'int32'), lead);
}

/**
 * @internal Turn what a user loss/metric function returned into per-example values `[batch]`: a scalar is
 * repeated for every example, `[batch, ...]` is averaged per example.
 */
export function perExampleValues(name: string, out: unknown, yPred: Tensor): Tensor {
  if (!(out instanceof Tensor)) {
    throw new Error(`${name}: the function must return a Tensor, got ${out === null ? 'null' : typeof out}`);
  }
  const batch = yPred.rank > 0 ? yPred.shape[0]! : 1;
  if (out.rank === 0) return broadcastTo(toFloat(out), [batch]);
  if (out.shape[0] === batch) return perExample(out);
  throw new Error(
    `${name}: the function returned shape ${fmt(out.shape)}; expected per-example values [${batch}, ...] or a scalar for yPred ${fmt(yPred.shape)}`,
  );
}

function checkUnit(name: string, arg: string, v: number): void {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
    throw new Error(`${name}: ${arg} must be a number in [0, 1], got ${v}`);
  }
}

function needsClasses(name: string, yPred: Tensor): void {
  if (yPred.rank < 2) {
    throw new Error(`${name}: yPred must have shape [batch, ..., classes], got ${fmt(yPred.shape)}`);
  }
}

/**
 * Mean squared error per example: `mean((yPred - yTrue)²)` over the non-batch axes.
 *
 * @example
 * ```ts
 * nr.losses.meanSquaredError()(nr.tensor2d([[0, 0]]), nr.tensor2d([[1, 3]])); // [5]
 * ```
 */
export function meanSquaredError(): LossFn {
  const name = 'meanSquaredError';
  return makeLoss(name, (t, p) => perExample(square(sub(p, alignTargets(name, t, p)))));
}

/**
 * Mean absolute error per example: `mean(|yPred - yTrue|)` over the non-batch axes.
 *
 * @example
 * ```ts
 * nr.losses.meanAbsoluteError()(nr.tensor2d([[0, 0]]), nr.tensor2d([[1, -3]])); // [2]
 * ```
 */
export function meanAbsoluteError(): LossFn {
  const name = 'meanAbsoluteError';
  return makeLoss(name, (t, p) => perExample(abs(sub(p, alignTargets(name, t, p)))));
}

/**
 * Huber loss per example: with `e = |yPred - yTrue|`, `0.5·e²` where `e <= delta`, else
 * `delta·(e - 0.5·delta)`; averaged over the non-batch axes.
 *
 * @example
 * ```ts
 * nr.losses.huber({ delta: 1 })(nr.tensor2d([[0, 0]]), nr.tensor2d([[0.5, 3]])); // [(0.125 + 2.5) / 2]
 * ```
 */
export function huber(config: { delta?: number } = {}): LossFn {
  const name = 'huber';
  const delta = config.delta ?? 1;
  if (typeof delta !== 'number' || !(delta > 0) || !Number.isFinite(delta)) {
    throw new Error(`huber: delta must be a finite number > 0, got ${delta}`);
  }
  return makeLoss(name, (t, p) => {
    const err = abs(sub(p, alignTargets(name, t, p)));
    // q = min(e, delta): 0.5·q² + delta·(e - q) is both branches at once, with a continuous gradient.
    const q = minimum(err, delta);
    return perExample(add(mul(square(q), 0.5), mul(sub(err, q), delta)));
  });
}

/** Cross-entropy options shared by the binary and categorical losses. */
interface CrossentropyConfig {
  /** yPred holds logits (unnormalised scores) instead of probabilities. */
  fromLogits?: boolean;
  /** Move the targets towards uniform: binary `z·(1-s) + s/2`, categorical `y·(1-s) + s/classes`. */
  labelSmoothing?: number;
}

/**
 * Binary cross-entropy per example, averaged over the non-batch axes. From logits `x` it is computed
 * stably as `max(x, 0) - x·z + log(1 + e^-|x|)`; from probabilities `p` (clipped to `[1e-7, 1 - 1e-7]`) as
 * `-(z·log(p + 1e-7) + (1 - z)·log(1 - p + 1e-7))`, as Keras does.
 *
 * @example
 * ```ts
 * nr.losses.binaryCrossentropy()(nr.tensor2d([[1], [0]]), nr.tensor2d([[0.8], [0.4]])); // [0.223, 0.511]
 * nr.losses.binaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1 });
 * ```
 */
export function binaryCrossentropy(config: CrossentropyConfig = {}): LossFn {
  const name = 'binaryCrossentropy';
  const smoothing = config.labelSmoothing ?? 0;
  checkUnit(name, 'labelSmoothing', smoothing);
  const targets = (t: Tensor, p: Tensor): Tensor => {
    const z = alignTargets(name, t, p);
    return smoothing === 0 ? z : add(mul(z, 1 - smoothing), 0.5 * smoothing);
  };
  const fromLogits: Body = (t, x) => {
    const z = targets(t, x);
    return perExample(sub(softplus(x), mul(x, z)));
  };
  const fromProbs: Body = (t, pRaw) => {
    const z = targets(t, pRaw);
    const p = clipByValue(toFloat(pRaw), EPSILON, 1 - EPSILON);
    const pos = mul(z, log(add(p, EPSILON)));
    const negative = mul(sub(1, z), log(add(sub(1, p), EPSILON)));
    return perExample(neg(add(pos, negative)));
  };
  return config.fromLogits ? makeLoss(name, fromLogits) : makeLoss(name, fromProbs, fromLogits);
}

/**
 * Categorical cross-entropy per example for one-hot (or soft) targets over the last axis:
 * `-Σ y·log(p)`, averaged over any other non-batch axes. Logits go through `logSoftmax`; probabilities
 * are renormalised to sum to 1 and clipped to `[1e-7, 1 - 1e-7]`, as Keras does.
 *
 * @example
 * ```ts
 * nr.losses.categoricalCrossentropy()(nr.tensor2d([[0, 1]]), nr.tensor2d([[0.25, 0.75]])); // [0.288]
 * nr.losses.categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 });
 * ```
 */
export function categoricalCrossentropy(config: CrossentropyConfig = {}): LossFn {
  const name = 'categoricalCrossentropy';
  const smoothing = config.labelSmoothing ?? 0;
  checkUnit(name, 'labelSmoothing', smoothing);
  const hint = ' (for integer class labels use sparseCategoricalCrossentropy)';
  const targets = (t: Tensor, p: Tensor): Tensor => {
    needsClasses(name, p);
    const y = alignTargets(name, t, p, hint);
    const k = p.shape[p.rank - 1]!;
    return smoothing === 0 ? y : add(mul(y, 1 - smoothing), smoothing / k);
  };
  const fromLogits: Body = (t, x) => {
    const y = targets(t, x);
    return perExample(neg(sum(mul(y, logSoftmax(x)), -1)));
  };
  const fromProbs: Body = (t, p) => {
    const y = targets(t, p);
    return perExample(neg(sum(mul(y, logProbs(p)), -1)));
  };
  return config.fromLogits ? makeLoss(name, fromLogits) : makeLoss(name, fromProbs, fromLogits);
}

/** log of probabilities renormalised over the last axis and clipped to [EPSILON, 1 - EPSILON]. */
function logProbs(pRaw: Tensor): Tensor {
  const p = toFloat(pRaw);
  return log(clipByValue(div(p, sum(p, -1, true)), EPSILON, 1 - EPSILON));
}

/**
 * Categorical cross-entropy per example with integer class labels: `yTrue` holds class indices (int32 or
 * whole floats) of shape `[batch]` or `[batch, 1]` for `yPred` `[batch, classes]` (more generally
 * `yPred.shape[:-1]`, with an optional trailing 1).
 *
 * @example
 * ```ts
 * const labels = nr.tensor([1, 0], [2], 'int32');
 * nr.losses.sparseCategoricalCrossentropy()(labels, nr.tensor2d([[0.25, 0.75], [0.5, 0.5]])); // [0.288, 0.693]
 * ```
 */
export function sparseCategoricalCrossentropy(config: { fromLogits?: boolean } = {}): LossFn {
  const name = 'sparseCategoricalCrossentropy';
  const picked = (t: Tensor, p: Tensor, logP: (x: Tensor) => Tensor): Tensor => {
    const labels = sparseLabels(name, t, p);
    const hot = oneHot(labels, p.shape[p.rank - 1]!);
    return perExample(neg(sum(mul(hot, logP(p)), -1)));
  };
  // From logits: one fused kernel (forward and backward) on backends that have it.
  const fromLogits: Body = (t, x) => perExample(sparseSoftmaxCrossEntropy(sparseLabels(name, t, x), x));
  const fromProbs: Body = (t, p) => picked(t, p, logProbs);
  return config.fromLogits ? makeLoss(name, fromLogits) : makeLoss(name, fromProbs, fromLogits);
}

const FACTORIES: ReadonlyArray<readonly [readonly string[], () => LossFn]> = [
  [['meanSquaredError', 'mse', 'mean_squared_error'], meanSquaredError],
  [['meanAbsoluteError', 'mae', 'mean_absolute_error'], meanAbsoluteError],
  [['huber'], () => huber()],
  [['binaryCrossentropy', 'binary_crossentropy'], () => binaryCrossentropy()],
  [['categoricalCrossentropy', 'categorical_crossentropy'], () => categoricalCrossentropy()],
  [
    ['sparseCategoricalCrossentropy', 'sparse_categorical_crossentropy'],
    () => sparseCategoricalCrossentropy(),
  ],
];

/** @internal Case- and underscore-insensitive key: 'mean_squared_error' and 'MeanSquaredError' match. */
export function nameKey(name: string): string {
  return name.replace(/_/g, '').toLowerCase();
}

/**
 * Resolve a loss: a name (`'mse'`, `'categorical_crossentropy'`, `'sparseCategoricalCrossentropy'`, ...;
 * snake or camel case), a {@link LossFn}, or a plain function `(yTrue, yPred) => Tensor` (wrapped so it
 * returns per-example losses; named after the function, or `'custom'`).
 *
 * @example
 * ```ts
 * const loss = nr.losses.getLoss('sparse_categorical_crossentropy');
 * loss.lossName; // 'sparseCategoricalCrossentropy'
 * ```
 */
export function getLoss(nameOrFn: string | LossFn | LossFunction): LossFn {
  if (typeof nameOrFn === 'function') {
    if (typeof (nameOrFn as Partial<LossFn>).lossName === 'string') return nameOrFn as LossFn;
    const user = nameOrFn;
    const name = user.name || 'custom';
    const fn = (yTrue: Tensor, yPred: Tensor): Tensor =>
      op(name, () => perExampleValues(name, user(yTrue, yPred), convert(yPred, name, 'yPred')));
    return Object.assign(fn, { lossName: name });
  }
  if (typeof nameOrFn === 'string') {
    const key = nameKey(nameOrFn);
    const hit = FACTORIES.find(([names]) => names.some((n) => nameKey(n) === key));
    if (hit) return hit[1]();
  }
  const known = FACTORIES.flatMap(([names]) => names).join(', ');
  throw new Error(`getLoss: unknown loss ${JSON.stringify(nameOrFn)}; known losses: ${known}`);
}
