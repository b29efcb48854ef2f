/**
 * The forward pass of {@link trace}: the model's graph run node by node, each layer computed in the course's
 * form so its intermediate quantities exist as tensors: `z = x W + b` then `a = f(z)` for Dense and Conv2D,
 * the time loop of a recurrent layer step by step. Everything else runs as the layer itself.
 *
 * @packageDocumentation
 */
import type { Tensor, Variable } from '../engine/tensor.js';
import { getActivation } from '../layers/activations.js';
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { RNNBase } from '../layers/recurrent/rnn-base.js';
import type { Node } from '../layers/symbolic.js';
import type { NodeOverride } from '../models/graph.js';
import { add } from '../ops/binary.js';
import { zeros } from '../ops/creation.js';
import { fusedConv2d } from '../ops/fused.js';
import { matMul } from '../ops/matmul.js';
import { slice, stack } from '../ops/movement.js';
import { cast, reshape } from '../ops/shape.js';
import type { TraceKind } from './types.js';

/** @internal One time step of a recurrent layer as recorded in the forward pass. */
export interface StepRecord {
  readonly t: number;
  /** `x_t W + b` for this step, `[batch, k*units]` (its gradient is `delta_t`). */
  readonly xw: Tensor;
  readonly hPrev: Tensor;
  readonly h: Tensor;
}

/** @internal The tensors of one node of the traced forward pass. */
export interface NodeRecord {
  readonly node: Node;
  readonly kind: TraceKind;
  readonly activation: string | null;
  readonly inputs: readonly Tensor[];
  readonly outputs: Tensor[];
  readonly z: Tensor | null;
  readonly steps: StepRecord[] | null;
}

/** What a recurrent layer keeps protected and the trace reads: its weights and its step function. */
interface RecurrentInternals {
  readonly kernel: Variable;
  readonly recurrentKernel: Variable;
  readonly bias: Variable | null;
  readonly gateCount: number;
  readonly stateCount: number;
  inputBias(): Tensor | null;
  makeStep(): (xw: Tensor, states: Tensor[]) => Tensor[];
}

const POOLING = /Pooling[123]D$/;

const float = (x: Tensor): Tensor => (x.dtype === 'float32' ? x : cast(x, 'float32'));

/** `a = f(z)` (the same tensor for a linear activation). */
function activate(name: string, z: Tensor): Tensor {
  return name === 'linear' ? z : getActivation(name as 'linear').fn(z);
}

/** A recurrent layer's time loop, one recorded step at a time (the layer's own step function). */
function recurrentForward(layer: RNNBase, x: Tensor, steps: StepRecord[]): Tensor {
  const r = layer as unknown as RecurrentInternals;
  const [batch, time, features] = x.shape as [number, number, number];
  const n = r.gateCount * layer.units;
  let xw = matMul(reshape(float(x), [batch * time, features]), r.kernel);
  const b = r.inputBias();
  if (b) xw = add(xw, b);
  const xw3 = reshape(xw, [batch, time, n]);
  const step = r.makeStep();
  let states: Tensor[] = [];
  for (let s = 0; s < r.stateCount; s++) states.push(zeros([batch, layer.units]));
  const outputs: Tensor[] = [];
  for (let i = 0; i < time; i++) {
    const t = layer.goBackwards ? time - 1 - i : i;
    const xwt = reshape(slice(xw3, [0, t, 0], [batch, 1, n]), [batch, n]);
    const hPrev = states[0]!;
    states = step(xwt, states);
    steps.push({ t, xw: xwt, hPrev, h: states[0]! });
    if (layer.returnSequences) outputs.push(states[0]!);
  }
  return layer.returnSequences ? stack(outputs, 1) : states[0]!;
}

/** Compute one node in the course's form; returns its record (outputs included). */
function traceNode(node: Node, ins: readonly Tensor[]): NodeRecord {
  const layer = node.layer;
  const base = { node, inputs: [...ins] };
  if (layer instanceof Dense && ins.length === 1) {
    const z = layer.callLogits(ins[0]!);
    return {
      ...base,
      kind: 'dense',
      activation: layer.activation,
      z,
      outputs: [activate(layer.activation, z)],
      steps: null,
    };
  }
  if (layer instanceof Conv2D && ins.length === 1 && layer.kernel) {
    const z = fusedConv2d({
      x: float(ins[0]!),
      filter: layer.kernel,
      bias: layer.bias,
      activation: 'linear',
      strides: layer.strides,
      padding: layer.padding,
      dilations: layer.dilationRate,
    });
    return {
      ...base,
      kind: 'conv2d',
      activation: layer.activation,
      z,
      outputs: [activate(layer.activation, z)],
      steps: null,
    };
  }
  if (layer instanceof RNNBase && ins.length === 1 && layer.built) {
    const steps: StepRecord[] = [];
    const out = recurrentForward(layer, ins[0]!, steps);
    return { ...base, kind: 'recurrent', activation: layer.activationName, z: null, outputs: [out], steps };
  }
  const outputs = layer.invoke(ins, { training: true });
  const kind: TraceKind = POOLING.test(layer.className) ? 'pooling' : 'layer';
  return { ...base, kind, activation: null, z: null, outputs, steps: null };
}

/**
 * @internal A graph override that computes every node through {@link traceNode} and records it, in execution
 * order, into `records`.
 */
export function recordingOverride(records: NodeRecord[]): NodeOverride {
  return (node, ins) => {
    const rec = traceNode(node, ins);
    records.push(rec);
    return rec.outputs;
  };
}
