import { stepGuard } from '../debug/debug.js';
import { engine } from '../engine/engine.js';
import { variableGrads } from '../engine/gradients.js';
import type { Frame } from '../engine/hooks.js';
import type { Tensor, Variable } from '../engine/tensor.js';
import { getActivation } from '../layers/activations.js';
import type { CallOptions, Layer } from '../layers/layer.js';
import type { Node, SymbolicTensor } from '../layers/symbolic.js';
import type { Metric } from '../metrics/metrics.js';
import type { CompiledOutputs } from '../models/compile.js';
import { type NodeOverride, nodeOf } from '../models/graph.js';
import { add, mul } from '../ops/binary.js';
import { tensor } from '../ops/creation.js';
import { concat } from '../ops/movement.js';
import { mean } from '../ops/reduce.js';
import { reshape } from '../ops/shape.js';
import type { Optimizer } from '../optimizers/index.js';

/** @internal What a training or evaluation step needs of a model. */
export interface StepModel {
  readonly outputs: readonly SymbolicTensor[];
  readonly trainableWeights: Variable[];
  execute(inputs: readonly Tensor[], options: CallOptions, override?: NodeOverride): Tensor[];
  regularizationLoss(): Tensor | null;
}

interface LogitsLayer {
  readonly activation?: string;
  callLogits?(x: Tensor): Tensor;
}

/**
 * Forward pass and per-example loss of every output. Where an output's layer ends in softmax (or sigmoid)
 * and its loss is the matching cross-entropy, that node computes its logits and the loss is taken from them
 * through logSoftmax (or the stable sigmoid form), so saturated outputs never produce log(0).
 *
 * @internal
 */
export function forwardLoss(
  model: StepModel,
  compiled: CompiledOutputs,
  xs: readonly Tensor[],
  ys: readonly Tensor[],
  training: boolean,
): { preds: Tensor[]; perExample: Tensor[] } {
  const fused = new Map<Node, string>();
  model.outputs.forEach((t, i) => {
    const lossFn = compiled.lossFns[i]!;
    if (!lossFn.logitsVersion) return;
    const node = nodeOf(t);
    const layer = node.layer as Layer & LogitsLayer;
    const wanted = /binary/i.test(lossFn.lossName) ? 'sigmoid' : 'softmax';
    if (
      layer.callLogits &&
      layer.activation === wanted &&
      node.inputs.length === 1 &&
      node.outputs.length === 1
    )
      fused.set(node, wanted);
  });
  const logits = new Map<Node, Tensor>();
  const e = engine();
  const override: NodeOverride = (node, ins) => {
    const act = fused.get(node);
    if (!act) return null;
    return e.framed(node.layer.frame, () => {
      const z = (node.layer as Layer & LogitsLayer).callLogits!(ins[0]!);
      logits.set(node, z);
      return [getActivation(act as 'softmax').fn(z)];
    });
  };
  const preds = model.execute(xs, { training }, fused.size > 0 ? override : undefined);
  const perExample = preds.map((pred, i) => {
    const lossFn = compiled.lossFns[i]!;
    const z = logits.get(nodeOf(model.outputs[i]!));
    return e.framed(lossFrame(lossFn.lossName), () =>
      z && lossFn.logitsVersion ? lossFn.logitsVersion(ys[i]!, z) : lossFn(ys[i]!, pred),
    );
  });
  return { preds, perExample };
}

/** The frame of a loss's kernels (for the debug guards and the kernel report). */
const lossFrame = (name: string): Frame => ({ owner: { kind: 'loss', name } });

/**
 * @internal The batch loss: `Σ lossWeight · mean(w · perExample)` plus regularization; also the per-output
 * means (for the logs of a model with several outputs).
 */
export function totalLoss(
  model: StepModel,
  compiled: CompiledOutputs,
  perExample: readonly Tensor[],
  w: Tensor | null,
): { loss: Tensor; parts: Tensor[] } {
  const names = compiled.lossFns.map((l) => l.lossName).join(' + ');
  return engine().framed(lossFrame(names), () => sumLosses(model, compiled, perExample, w));
}

function sumLosses(
  model: StepModel,
  compiled: CompiledOutputs,
  perExample: readonly Tensor[],
  w: Tensor | null,
): { loss: Tensor; parts: Tensor[] } {
  const parts = perExample.map((p) => mean(w ? mul(p, w) : p));
  let loss = parts.reduce<Tensor | null>((acc, p, i) => {
    const lw = compiled.lossWeights[i]!;
    const term = lw === 1 ? p : mul(p, lw);
    return acc ? add(acc, term) : term;
  }, null)!;
  const reg = model.regularizationLoss();
  if (reg) loss = add(loss, reg);
  return { loss, parts };
}

/** @internal `[loss, (per-output losses,) ...metric sums of every output]` for one batch, as a float32 vector. */
export function batchStats(
  loss: Tensor,
  parts: readonly Tensor[],
  metricLists: readonly (readonly Metric[])[],
  ys: readonly Tensor[],
  preds: readonly Tensor[],
  w: Tensor | null,
): Tensor {
  const pieces = [reshape(loss, [1])];
  if (parts.length > 1) for (const p of parts) pieces.push(reshape(p, [1]));
  metricLists.forEach((ms, i) => {
    for (const m of ms) {
      const frame: Frame = { owner: { kind: 'metric', name: m.name } };
      pieces.push(engine().framed(frame, () => m.batchStats(ys[i]!, preds[i]!, w ?? undefined)));
    }
  });
  return pieces.length === 1 ? pieces[0]! : concat(pieces, 0);
}

/**
 * One gradient-descent update on a batch: forward, loss (+ regularization), backward by the chain rule,
 * optimizer step. Returns the batch statistics; frees everything else.
 *
 * @internal
 */
export function trainStep(
  model: StepModel,
  compiled: CompiledOutputs,
  optimizer: Optimizer,
  xs: readonly Tensor[],
  ys: readonly Tensor[],
  weights: Float32Array | null,
): Tensor {
  const guard = stepGuard();
  const run = () => unguardedStep(model, compiled, optimizer, xs, ys, weights);
  return guard ? guard(model, optimizer.iterations, run) : run();
}

function unguardedStep(
  model: StepModel,
  compiled: CompiledOutputs,
  optimizer: Optimizer,
  xs: readonly Tensor[],
  ys: readonly Tensor[],
  weights: Float32Array | null,
): Tensor {
  const e = engine();
  let stats: Tensor | null = null;
  e.scoped('trainStep', () => {
    const vars = model.trainableWeights;
    const w = weights ? tensor(weights, [weights.length]) : null;
    const { grads } = variableGrads(() => {
      const { preds, perExample } = forwardLoss(model, compiled, xs, ys, true);
      const { loss, parts } = totalLoss(model, compiled, perExample, w);
      stats = e.keep(
        e.paused(() =>
          e.scoped('metrics', () => batchStats(loss, parts, compiled.metricLists, ys, preds, w)),
        ),
      );
      return loss;
    }, vars);
    const frame: Frame = { owner: { kind: 'optimizer', name: optimizer.className } };
    e.framed(frame, () => optimizer.applyGradients(vars.map((v) => ({ variable: v, grad: grads[v.name]! }))));
  });
  return stats!;
}
