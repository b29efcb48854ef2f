/**
 * The forward pass of {@link trace}: the model's graph run node by node, each layer computed in the course's
 * form so its intermediate quantities exist as tensors: `z = x W + b` then `a = f(z)` for Dense and Conv2D,
 * the time loop of a recurrent layer step by step. Everything else runs as the layer itself. Masks (from
 * `Embedding` with `maskZero`, `Masking`) flow along the edges as the model's own graph run passes them.
 *
 * @packageDocumentation
 */
import type { Tensor } from '../engine/tensor.js';
import { getActivation } from '../layers/activations.js';
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import type { Layer } from '../layers/layer.js';
import { type RecurrentStep, RNNBase } from '../layers/recurrent/rnn-base.js';
import type { Node } from '../layers/symbolic.js';
import type { NodeOverride } from '../models/graph.js';
import { fusedConv2d } from '../ops/fused.js';
import { cast } from '../ops/shape.js';
import type { TraceKind } from './types.js';

/** @internal One time step of a recurrent layer as recorded in the forward pass. */
export type StepRecord = RecurrentStep;

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

const POOLING = /Pooling[123]D$/;

const float = (x: Tensor): Tensor => (x.dtype === 'float32' ? x : cast(x, 'float32'));

/** `a = f(z)` (the same tensor for a linear activation). */
function activate(name: string, z: Tensor): Tensor {
  return name === 'linear' ? z : getActivation(name as 'linear').fn(z);
}

/** A recurrent layer's time loop, one recorded step at a time (the layer's own unrolled loop). */
function recurrentForward(layer: RNNBase, x: Tensor, mask: Tensor | null, steps: StepRecord[]): Tensor {
  return layer.unrolled(layer.projectInput(x), mask, (step) => steps.push(step));
}

/** The mask a layer passes on, given the mask reaching it (what `Layer.invokeMasked` computes). */
function maskOut(layer: Layer, x: Tensor, mask: Tensor | null): Tensor | null {
  return layer.computeMask(x, layer.supportsMasking ? mask : null);
}

/** Compute one node in the course's form; returns its record (outputs included) and its output mask. */
function traceNode(
  node: Node,
  ins: readonly Tensor[],
  mask: Tensor | null,
): { record: NodeRecord; mask: Tensor | null } {
  const layer = node.layer;
  const base = { node, inputs: [...ins] };
  const x = ins[0]!;
  if (layer instanceof Dense && ins.length === 1) {
    const z = layer.callLogits(x);
    const outputs = [activate(layer.activation, z)];
    const record: NodeRecord = {
      ...base,
      kind: 'dense',
      activation: layer.activation,
      z,
      outputs,
      steps: null,
    };
    return { record, mask: maskOut(layer, x, mask) };
  }
  if (layer instanceof Conv2D && ins.length === 1 && layer.kernel) {
    const z = fusedConv2d({
      x: float(x),
      filter: layer.kernel,
      bias: layer.bias,
      activation: 'linear',
      strides: layer.strides,
      padding: layer.padding,
      dilations: layer.dilationRate,
    });
    const outputs = [activate(layer.activation, z)];
    const record: NodeRecord = {
      ...base,
      kind: 'conv2d',
      activation: layer.activation,
      z,
      outputs,
      steps: null,
    };
    return { record, mask: maskOut(layer, x, mask) };
  }
  if (layer instanceof RNNBase && ins.length === 1 && layer.built) {
    const steps: StepRecord[] = [];
    const outputs = [recurrentForward(layer, x, mask, steps)];
    const record: NodeRecord = {
      ...base,
      kind: 'recurrent',
      activation: layer.activationName,
      z: null,
      outputs,
      steps,
    };
    return { record, mask: maskOut(layer, x, mask) };
  }
  const run = layer.invokeMasked(ins, mask ? { training: true, mask } : { training: true }, true);
  const kind: TraceKind = POOLING.test(layer.className) ? 'pooling' : 'layer';
  return {
    record: { ...base, kind, activation: null, z: null, outputs: run.outputs, steps: null },
    mask: run.mask,
  };
}

/**
 * @internal A graph override that computes every node through {@link traceNode} and records it, in execution
 * order, into `records`; it carries the masks between nodes as the graph run would.
 */
export function recordingOverride(records: NodeRecord[]): NodeOverride {
  const masks = new Map<number, Tensor>();
  return (node, ins) => {
    const mask = node.inputs.length === 1 ? (masks.get(node.inputs[0]!.id) ?? null) : null;
    const { record, mask: out } = traceNode(node, ins, mask);
    records.push(record);
    if (out && record.outputs.length === 1) masks.set(node.outputs[0]!.id, out);
    return record.outputs;
  };
}
