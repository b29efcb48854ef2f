import type { Logs } from '../callbacks/callback.js';
import type { Tensor } from '../engine/tensor.js';
import type { Layer, SymbolicShape } from '../layers/layer.js';
import type { SymbolicTensor } from '../layers/symbolic.js';
import type { LossFn } from '../losses/losses.js';
import type { Metric } from '../metrics/metrics.js';
import type { CompiledOutputs } from '../models/compile.js';
import type { Optimizer } from '../optimizers/index.js';
import { checkEmbeddingIds, checkFinite, checkSparseLabels, checkTargets, exampleWeights } from './data.js';
import { type ModelData, toTensorList } from './model-data.js';
import type { StepModel } from './step.js';

/** @internal What fit needs of a model beyond a training step. */
export interface FitModel extends StepModel {
  readonly name: string;
  readonly className: string;
  stopTraining: boolean;
  readonly compiled: CompiledOutputs | null;
  readonly optimizer: Optimizer | null;
  readonly inputs: readonly SymbolicTensor[];
  readonly layers: readonly Layer[];
  readonly inputNames: string[];
  readonly outputNames: string[];
  readonly outputShapes: SymbolicShape[];
  /** The first output's shape (what the single-tensor argument checks read). */
  readonly outputShape: SymbolicShape;
  /** The first output's loss, once compiled. */
  readonly lossFn: LossFn | null;
  checkInputs(xs: readonly Tensor[], what: string): void;
  getWeights(): Tensor[];
  setWeights(ws: readonly Tensor[]): void;
}

/** @internal Dataset tensors in input / output order. */
export interface Data {
  xs: Tensor[];
  ys: Tensor[];
}

/** @internal Check the ids of every input that feeds an Embedding directly. */
export async function checkIds(model: FitModel, xs: readonly Tensor[], what: string): Promise<void> {
  for (const [i, input] of model.inputs.entries()) {
    for (const node of embeddingConsumers(model, input)) {
      const emb = node as { inputDim?: unknown; name: string };
      if (typeof emb.inputDim === 'number') await checkEmbeddingIds(xs[i]!, emb.inputDim, emb.name, what);
    }
  }
}

/** The Embedding layers of the model that read `input` directly. */
function embeddingConsumers(model: FitModel, input: SymbolicTensor): Layer[] {
  return model.layers.filter(
    (l) => l.className === 'Embedding' && l.inboundNodes.some((n) => n.inputs.includes(input)),
  );
}

/** @internal The compiled losses and optimizer (throws before `compile`). */
export function compiled(
  model: FitModel,
  what: string,
): { spec: CompiledOutputs; optimizer: Optimizer | null } {
  if (!model.compiled)
    throw new Error(`${model.className} '${model.name}'.${what}: call compile({ optimizer, loss }) first`);
  return { spec: model.compiled, optimizer: model.optimizer };
}

/** @internal Normalise x and y to lists, build (Sequential) and check shapes and example counts. */
export function checkData(
  model: FitModel,
  x: ModelData,
  y: ModelData,
  what: string,
  spec: CompiledOutputs,
): Data {
  const xs = toTensorList(x, () => model.inputNames, `${what}: x`);
  for (const t of xs)
    if (t.rank === 0) throw new Error(`${what}: x must have a batch dimension, got a scalar`);
  model.checkInputs(xs, 'x');
  const ys = toTensorList(y, () => model.outputNames, `${what}: y`);
  if (ys.length !== model.outputNames.length) {
    throw new Error(
      `${what}: expected ${model.outputNames.length} targets (${model.outputNames.join(', ')}), got ${ys.length}`,
    );
  }
  if (spec.lossFns.length !== ys.length) {
    throw new Error(
      `${what}: the model was compiled with ${spec.lossFns.length} losses for ${ys.length} outputs; compile again`,
    );
  }
  const n = xs[0]!.shape[0];
  for (const t of ys)
    if (t.rank === 0) throw new Error(`${what}: y must have a batch dimension, got a scalar`);
  for (const t of [...xs.slice(1), ...ys]) {
    if (t.shape[0] !== n) {
      const kind = xs.includes(t) ? 'an input' : ys.length === 1 ? 'y' : 'a target';
      throw new Error(
        kind === 'y'
          ? `${what}: x has ${n} examples but y has ${t.shape[0]} labels`
          : `${what}: x has ${n} examples but ${kind} has ${t.shape[0]}`,
      );
    }
  }
  ys.forEach((t, i) => {
    checkTargets(
      t,
      model.outputShapes[i]!,
      spec.lossFns[i]!.lossName,
      ys.length === 1 ? what : `${what}: y '${model.outputNames[i]}'`,
    );
  });
  return { xs, ys };
}

/** @internal Host-side checks of the values: finite inputs, integer labels in range for sparse losses, Embedding ids. */
export async function checkValues(
  model: FitModel,
  d: Data,
  spec: CompiledOutputs,
  what: string,
  finite: boolean,
): Promise<void> {
  if (finite)
    for (const [i, t] of d.xs.entries())
      await checkFinite(t, d.xs.length === 1 ? `${what}: x` : `${what}: x '${model.inputNames[i]}'`);
  await checkIds(model, d.xs, `${what}: x`);
  for (const [i, t] of d.ys.entries()) {
    const lossName = spec.lossFns[i]!.lossName;
    const label = d.ys.length === 1 ? `${what}: y` : `${what}: y '${model.outputNames[i]}'`;
    if (/sparse/i.test(lossName)) {
      const shape = model.outputShapes[i]!;
      await checkSparseLabels(t, shape[shape.length - 1], lossName, label);
    } else if (finite) await checkFinite(t, label);
  }
}

/** @internal Where each statistic of a batch vector sits: losses first (batch means), then every metric's sums. */
export interface Layout {
  readonly losses: number;
  readonly metrics: readonly { name: string; metric: Metric; offset: number }[];
  readonly size: number;
  readonly lossNames: readonly string[];
}

/** @internal */
export function layoutOf(model: FitModel, spec: CompiledOutputs): Layout {
  const multi = spec.lossFns.length > 1;
  const names = multi ? model.outputNames : [''];
  const lossNames = multi ? ['loss', ...names.map((n) => `${n}_loss`)] : ['loss'];
  let offset = lossNames.length;
  const metrics = spec.metricLists.flatMap((ms, i) =>
    ms.map((m) => {
      const entry = { name: multi ? `${names[i]}_${m.name}` : m.name, metric: m, offset };
      offset += m.batchStatsSize ?? 2;
      return entry;
    }),
  );
  return { losses: lossNames.length, metrics, size: offset, lossNames };
}

/** @internal */
export function sumInto(acc: Float64Array, v: ArrayLike<number>, scale: number, layout: Layout): void {
  // Losses are batch means: weight them by the batch size; metric sums add up as they are.
  for (let i = 0; i < acc.length; i++) acc[i]! += i < layout.losses ? v[i]! * scale : v[i]!;
}

/** @internal */
export function logsFrom(acc: Float64Array, count: number, layout: Layout): Logs {
  const logs: Logs = {};
  layout.lossNames.forEach((k, i) => {
    logs[k] = acc[i]! / Math.max(count, 1);
  });
  for (const { name, metric, offset } of layout.metrics) {
    const k = metric.batchStatsSize ?? 2;
    logs[name] = metric.result(Array.from(acc.subarray(offset, offset + k)));
  }
  return logs;
}

/** @internal Per-example weights (class and sample weights); class weights need a model with one output. */
export async function weightsFor(
  model: FitModel,
  spec: CompiledOutputs,
  ys: readonly Tensor[],
  classWeight: Readonly<Record<number, number>> | undefined,
  sampleWeight: Tensor | undefined,
  n: number,
): Promise<Float32Array | null> {
  if (classWeight && ys.length > 1) {
    throw new Error(
      `fit: classWeight applies to a model with one output; '${model.name}' has ${ys.length} (use sampleWeight)`,
    );
  }
  return exampleWeights(ys[0]!, spec.lossFns[0]!.lossName, classWeight, sampleWeight, n);
}
