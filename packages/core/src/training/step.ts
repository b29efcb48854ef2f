import { engine } from '../engine/engine.js';
import { variableGrads } from '../engine/gradients.js';
import type { Tensor } from '../engine/tensor.js';
import { getActivation } from '../layers/activations.js';
import type { Layer } from '../layers/layer.js';
import type { LossFn } from '../losses/losses.js';
import type { Metric } from '../metrics/metrics.js';
import { add, mul } from '../ops/binary.js';
import { tensor } from '../ops/creation.js';
import { concat } from '../ops/movement.js';
import { mean } from '../ops/reduce.js';
import { reshape } from '../ops/shape.js';
import type { Optimizer } from '../optimizers/index.js';

/** @internal What a training or evaluation step needs of a model. */
export interface StepModel {
  readonly layers: readonly Layer[];
  apply(x: Tensor, options: { training?: boolean }): Tensor;
  readonly trainableWeights: import('../engine/tensor.js').Variable[];
}

interface LogitsLayer {
  readonly activation?: string;
  callLogits?(x: Tensor): Tensor;
}

/**
 * Forward pass and per-example loss. When the last layer ends in softmax (or sigmoid) and the loss is the
 * matching cross-entropy, the loss is computed from the logits through logSoftmax (or the stable sigmoid
 * form), so saturated outputs never produce log(0).
 *
 * @internal
 */
export function forwardLoss(
  model: StepModel,
  lossFn: LossFn,
  x: Tensor,
  y: Tensor,
  training: boolean,
): { pred: Tensor; perExample: Tensor } {
  const last = model.layers[model.layers.length - 1] as (Layer & LogitsLayer) | undefined;
  const wanted = /binary/i.test(lossFn.lossName) ? 'sigmoid' : 'softmax';
  if (lossFn.logitsVersion && last?.callLogits && last.activation === wanted) {
    let h = x;
    for (let i = 0; i < model.layers.length - 1; i++) h = model.layers[i]!.apply(h, { training });
    const logits = last.callLogits(h);
    const pred = getActivation(wanted).fn(logits);
    return { pred, perExample: lossFn.logitsVersion(y, logits) };
  }
  const pred = model.apply(x, { training });
  return { pred, perExample: lossFn(y, pred) };
}

/** @internal Sum of every layer's weight penalties, or null. */
export function regularization(model: StepModel): Tensor | null {
  let total: Tensor | null = null;
  for (const l of model.layers) {
    const r = l.regularizationLoss();
    if (r) total = total ? add(total, r) : r;
  }
  return total;
}

/** @internal `[loss, ...metric sums]` for one batch, as a float32 vector. */
export function batchStats(
  loss: Tensor,
  metrics: readonly Metric[],
  y: Tensor,
  pred: Tensor,
  w: Tensor | null,
): Tensor {
  const parts = [reshape(loss, [1]), ...metrics.map((m) => m.batchStats(y, pred, w ?? undefined))];
  return parts.length === 1 ? parts[0]! : concat(parts, 0);
}

/**
 * One gradient-descent update on a batch: forward, loss (+ regularization), backward by the chain rule,
 * optimizer step. Returns the batch statistics; frees everything else.
 *
 * @internal
 */
export function trainStep(
  model: StepModel,
  lossFn: LossFn,
  optimizer: Optimizer,
  metrics: readonly Metric[],
  x: Tensor,
  y: Tensor,
  weights: Float32Array | null,
): Tensor {
  const e = engine();
  let stats: Tensor | null = null;
  e.scoped('trainStep', () => {
    const vars = model.trainableWeights;
    const w = weights ? tensor(weights, [weights.length]) : null;
    const { grads } = variableGrads(() => {
      const { pred, perExample } = forwardLoss(model, lossFn, x, y, true);
      let loss = mean(w ? mul(perExample, w) : perExample);
      const reg = regularization(model);
      if (reg) loss = add(loss, reg);
      stats = e.keep(e.paused(() => e.scoped('metrics', () => batchStats(loss, metrics, y, pred, w))));
      return loss;
    }, vars);
    optimizer.applyGradients(vars.map((v) => ({ variable: v, grad: grads[v.name]! })));
  });
  return stats!;
}
