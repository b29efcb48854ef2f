import { engine } from '../engine/engine.js';
import { differentiate } from '../engine/gradients.js';
import { type Tensor, Variable } from '../engine/tensor.js';
import type { Layer } from '../layers/layer.js';
import type { LayersModel } from '../models/functional.js';
import { nodeOf } from '../models/graph.js';
import { add, mul } from '../ops/binary.js';
import { matMul } from '../ops/matmul.js';
import { slice } from '../ops/movement.js';
import { cast, clone, reshape } from '../ops/shape.js';
import { checkData, compiled } from '../training/fit-data.js';
import type { ModelData } from '../training/model-data.js';
import { totalLoss } from '../training/step.js';
import { channel, sumRows, total, transposeTimes } from './arrays.js';
import { type NodeRecord, recordingOverride } from './forward.js';
import { Trace } from './result.js';
import type { TraceArray, TraceFilter, TraceLayer, TraceParam, TraceStep } from './types.js';

/**
 * Options of {@link trace}.
 *
 * @example
 * ```ts
 * const args: nr.TraceArgs = { learningRate: 0.5, apply: true };
 * ```
 */
export interface TraceArgs {
  /** The learning rate `eta` of the update `-eta dL/dW` (a positive number). */
  learningRate: number;
  /** Apply the update to the model's weights: one plain SGD step (default false: the model is unchanged). */
  apply?: boolean;
}

interface ParamRecord {
  readonly variable: Variable;
  readonly before: Tensor;
  readonly grad: Tensor;
  readonly update: Tensor;
}

/** Display-only tensors of a recurrent step, computed after the backward pass. */
interface StepExtra {
  readonly x: Tensor;
  readonly z: Tensor | null;
}

interface Plan {
  readonly loss: Tensor;
  readonly parts: readonly Tensor[];
  /** The model's outputs (node outputs, so their gradients are known). */
  readonly preds: readonly Tensor[];
  readonly ys: readonly Tensor[];
  readonly records: readonly NodeRecord[];
  readonly gradOf: ReadonlyMap<Tensor, Tensor>;
  readonly params: ReadonlyMap<Variable, ParamRecord>;
  readonly stepExtras: ReadonlyMap<NodeRecord, readonly StepExtra[]>;
}

function checkArgs(model: LayersModel, args: TraceArgs): void {
  if (!model || typeof (model as { execute?: unknown }).execute !== 'function')
    throw new Error(`trace: model must be a Sequential or functional model, got ${String(model)}`);
  if (!args || typeof args !== 'object')
    throw new Error('trace: give the options { learningRate } (e.g. { learningRate: 0.1 })');
  const lr = args.learningRate;
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0)
    throw new Error(`trace: learningRate must be a positive finite number, got ${String(lr)}`);
  if (args.apply !== undefined && typeof args.apply !== 'boolean')
    throw new Error(`trace: apply must be a boolean, got ${String(args.apply)}`);
  for (const k of Object.keys(args))
    if (k !== 'learningRate' && k !== 'apply')
      throw new Error(`trace: unknown option '${k}' (options: learningRate, apply)`);
}

/** The loss of each output per example, from the logits where fit takes it from them (softmax/sigmoid + cross-entropy). */
function perExampleLosses(
  model: LayersModel,
  spec: NonNullable<LayersModel['compiled']>,
  records: readonly NodeRecord[],
  preds: readonly Tensor[],
  ys: readonly Tensor[],
): Tensor[] {
  return preds.map((pred, i) => {
    const lossFn = spec.lossFns[i]!;
    const node = nodeOf(model.outputs[i]!);
    const rec = records.find((r) => r.node === node);
    const wanted = /binary/i.test(lossFn.lossName) ? 'sigmoid' : 'softmax';
    // As the training step does: a Dense output ending in the matching activation gives the loss its logits.
    if (lossFn.logitsVersion && rec?.kind === 'dense' && rec.activation === wanted && rec.z)
      return lossFn.logitsVersion(ys[i]!, rec.z);
    return lossFn(ys[i]!, pred);
  });
}

/** Every tensor whose gradient the trace reports, each once, the trainable weights first. */
function targetsOf(
  vars: readonly Variable[],
  xs: readonly Tensor[],
  records: readonly NodeRecord[],
): Tensor[] {
  const out = new Set<Tensor>(vars);
  for (const x of xs) if (x.dtype === 'float32') out.add(x);
  for (const r of records) {
    for (const t of r.outputs) out.add(t);
    if (r.z) out.add(r.z);
    for (const s of r.steps ?? []) for (const t of [s.xw, s.hPrev, s.h]) out.add(t);
  }
  return [...out];
}

/** The forward pass, the loss, the backward pass and the updates, as tensors (synchronous, in a scope). */
function runStep(model: LayersModel, xs: readonly Tensor[], ys: readonly Tensor[], args: TraceArgs): Plan {
  const spec = model.compiled!;
  const vars = model.trainableWeights;
  const records: NodeRecord[] = [];
  let parts: Tensor[] = [];
  let preds: Tensor[] = [];
  const r = differentiate(
    'trace',
    () => {
      preds = model.execute(xs, { training: true }, recordingOverride(records));
      const perExample = perExampleLosses(model, spec, records, preds, ys);
      const t = totalLoss(model, spec, perExample, null);
      parts = t.parts;
      return t.loss;
    },
    () => [...targetsOf(vars, xs, records), ...parts],
    undefined,
  );
  const gradOf = new Map<Tensor, Tensor>(r.xs.map((t, i) => [t, r.grads[i]!]));
  const params = new Map<Variable, ParamRecord>();
  for (const v of vars) {
    const grad = gradOf.get(v)!;
    const update = mul(grad, -args.learningRate);
    const before = clone(v);
    if (args.apply) v.assign(add(before, update));
    params.set(v, { variable: v, before, grad, update });
  }
  const stepExtras = new Map<NodeRecord, StepExtra[]>();
  for (const rec of records) {
    if (!rec.steps) continue;
    const x = rec.inputs[0]!;
    const [batch, , features] = x.shape as [number, number, number];
    const xf = x.dtype === 'float32' ? x : cast(x, 'float32');
    const u = (rec.node.layer as unknown as { recurrentKernel: Variable }).recurrentKernel;
    const gated = rec.node.layer.className === 'GRU';
    const before = params.get(u)?.before ?? u;
    stepExtras.set(
      rec,
      rec.steps.map((s) => ({
        x: reshape(slice(xf, [0, s.t, 0], [batch, 1, features]), [batch, features]),
        z: gated ? null : add(s.xw, matMul(s.hPrev, before)),
      })),
    );
  }
  return { loss: r.value, parts, preds, ys, records, gradOf, params, stepExtras };
}

/** Every tensor a plan refers to. */
function tensorsOf(plan: Plan): Set<Tensor> {
  const all = new Set<Tensor>([plan.loss, ...plan.parts, ...plan.preds, ...plan.ys]);
  for (const [t, g] of plan.gradOf) all.add(t).add(g);
  for (const p of plan.params.values()) all.add(p.before).add(p.update);
  for (const r of plan.records) for (const t of r.inputs) all.add(t);
  for (const extras of plan.stepExtras.values())
    for (const e of extras) {
      all.add(e.x);
      if (e.z) all.add(e.z);
    }
  return all;
}

const SYMBOLS: Readonly<Record<string, string>> = { kernel: 'W', bias: 'b', recurrent_kernel: 'U' };

/** Assemble the host-side trace of one node. */
function layerTrace(
  rec: NodeRecord,
  index: number,
  plan: Plan,
  read: (t: Tensor) => TraceArray,
  lr: number,
): TraceLayer {
  const grad = (t: Tensor): TraceArray => read(plan.gradOf.get(t)!);
  const layer: Layer = rec.node.layer;
  const params: TraceParam[] = layer.trainableWeights.flatMap((v) => {
    const p = plan.params.get(v);
    if (!p) return [];
    const short = v.name.slice(v.name.lastIndexOf('/') + 1);
    return [
      {
        name: v.name,
        symbol: SYMBOLS[short] ?? short,
        value: read(p.before),
        grad: read(p.grad),
        update: read(p.update),
      },
    ];
  });
  const entry: TraceLayer = {
    index,
    name: layer.name,
    className: layer.className,
    kind: rec.kind,
    inbound: rec.node.inputs.map((t) => t.sourceLayer.name),
    activation: rec.activation,
    inputs: rec.inputs.map(read),
    z: rec.z ? read(rec.z) : null,
    outputs: rec.outputs.map(read),
    delta: rec.z ? grad(rec.z) : null,
    gradOutputs: rec.outputs.map(grad),
    gradInputs: rec.inputs.map((t) => (plan.gradOf.has(t) ? grad(t) : null)),
    params,
  };
  if (rec.kind === 'conv2d') return { ...entry, filters: filtersOf(entry, lr) };
  if (rec.steps) {
    const extras = plan.stepExtras.get(rec)!;
    const hasBias = params.some((p) => p.symbol === 'b') && layer.className !== 'GRU';
    const steps = rec.steps.map((s, i): TraceStep => {
      const delta = grad(s.xw);
      const x = read(extras[i]!.x);
      const hPrev = read(s.hPrev);
      const z = extras[i]!.z;
      return {
        t: s.t,
        x,
        hPrev,
        z: z ? read(z) : null,
        h: read(s.h),
        gradH: grad(s.h),
        delta,
        gradKernel: transposeTimes(x, delta),
        gradRecurrent: z ? transposeTimes(hPrev, delta) : null,
        gradBias: hasBias ? sumRows(delta) : null,
      };
    });
    return { ...entry, steps };
  }
  return entry;
}

/** A Conv2D entry split by filter (output channel). */
function filtersOf(entry: TraceLayer, lr: number): TraceFilter[] {
  const w = entry.params.find((p) => p.symbol === 'W')!;
  const b = entry.params.find((p) => p.symbol === 'b');
  const count = w.value.shape[3]!;
  return Array.from({ length: count }, (_, k): TraceFilter => {
    const gradKernel = channel(w.grad, k);
    const delta = channel(entry.delta!, k);
    return {
      index: k,
      kernel: channel(w.value, k),
      bias: b ? b.value.data[k]! : 0,
      z: channel(entry.z!, k),
      a: channel(entry.outputs[0]!, k),
      delta,
      gradKernel,
      gradBias: b ? total(delta) : 0,
      updateKernel: { shape: gradKernel.shape, data: gradKernel.data.map((g) => -lr * g) },
    };
  });
}

/**
 * One training step, laid open: for every layer of the model the quantities of the course, as plain data
 * (typed arrays with shapes) and as Markdown with LaTeX ({@link Trace.toMarkdown}). The forward pass gives the
 * input `x`, `z = x W + b` and `a = f(z)` of each layer; the loss compares the output with `y`; the backward
 * pass gives `delta = dL/dz`, `dL/dW`, `dL/db` and the update `-eta dL/dW`. Conv2D layers are also split per
 * filter, recurrent layers per time step, and a functional model is traced node by node. The loss is the
 * compiled one, taken as `fit` takes it (the batch mean, plus regularization), with layers in training mode.
 *
 * The model is not changed unless `apply: true`, which adds the updates to the weights: exactly one step of
 * plain gradient descent (`nr.optimizers.sgd({ learningRate })`) on the batch `(x, y)`.
 *
 * @example
 * ```ts
 * const model = nr.sequential({ layers: [
 *   nr.layers.dense({ units: 2, activation: 'sigmoid', inputShape: [2] }),
 *   nr.layers.dense({ units: 1, activation: 'sigmoid' }),
 * ] });
 * model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
 * const t = await nr.trace(model, nr.tensor2d([[0.05, 0.1]]), nr.tensor2d([[0.01]]), { learningRate: 0.5 });
 * console.log(t.loss, t.layers[1]!.delta, t.layers[0]!.params[0]!.grad);
 * console.log(t.toMarkdown());
 * ```
 */
export async function trace(model: LayersModel, x: ModelData, y: ModelData, args: TraceArgs): Promise<Trace> {
  checkArgs(model, args);
  const { spec } = compiled(model, 'trace');
  const data = checkData(model, x, y, 'trace', spec);
  const e = engine();
  const frozen = model.nonTrainableWeights;
  // Layers in training mode may update state (batch-norm moving statistics): restore it unless applying.
  const saved = frozen.map((v) => e.keep(clone(v)));
  let plan: Plan;
  try {
    plan = e.scoped('trace', () => runStep(model, data.xs, data.ys, args));
  } finally {
    if (!args.apply) for (const [i, v] of frozen.entries()) v.assign(saved[i]!);
    for (const s of saved) s.dispose();
  }
  const user = new Set<Tensor>([...data.xs, ...data.ys]);
  const all = [...tensorsOf(plan)];
  const owned = all.filter((t) => !(t instanceof Variable) && !user.has(t));
  try {
    const values = await Promise.all(all.map((t) => t.data()));
    const arrays = new Map<Tensor, TraceArray>(
      all.map((t, i) => {
        const d = values[i]!;
        return [t, { shape: [...t.shape], data: d instanceof Float32Array ? d : Float32Array.from(d) }];
      }),
    );
    const read = (t: Tensor): TraceArray => arrays.get(t)!;
    const layers = plan.records.map((rec, i) => layerTrace(rec, i + 1, plan, read, args.learningRate));
    const losses = model.outputNames.map((name, i) => ({
      output: name,
      lossName: spec.lossFns[i]!.lossName,
      value: read(plan.parts[i]!).data[0]!,
      yTrue: read(data.ys[i]!),
      yPred: read(plan.preds[i]!),
    }));
    return new Trace({
      loss: read(plan.loss).data[0]!,
      losses,
      layers,
      learningRate: args.learningRate,
      applied: args.apply ?? false,
    });
  } finally {
    for (const t of owned) t.dispose();
  }
}
