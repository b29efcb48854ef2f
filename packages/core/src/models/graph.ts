import { engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import type { CallOptions, Layer } from '../layers/layer.js';
import type { Node, SymbolicTensor } from '../layers/symbolic.js';

/**
 * The layer graph of a functional model: its inputs and outputs, the nodes to run in topological order
 * (without the nodes of input layers) and every layer once, input layers first.
 *
 * @internal
 */
export interface Graph {
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  readonly nodes: readonly Node[];
  readonly layers: readonly Layer[];
}

/** The node that produced `t`. */
export function nodeOf(t: SymbolicTensor): Node {
  const node = t.sourceLayer.inboundNodes[t.nodeIndex];
  if (!node) throw new Error(`symbolic tensor ${t.name}: layer '${t.sourceLayer.name}' has no such node`);
  return node;
}

/**
 * Walk back from `outputs` to `inputs` and order the nodes so every node comes after the nodes it reads
 * (depth-first post-order). Throws naming the tensor when an output does not depend only on `inputs`, and
 * when two different layers share a name.
 *
 * @internal
 */
export function buildGraph(
  inputs: readonly SymbolicTensor[],
  outputs: readonly SymbolicTensor[],
  where: string,
): Graph {
  if (inputs.length === 0) throw new Error(`${where}: give at least one input`);
  if (outputs.length === 0) throw new Error(`${where}: give at least one output`);
  const inputIds = new Set(inputs.map((t) => t.id));
  if (inputIds.size !== inputs.length) throw new Error(`${where}: an input is listed twice`);
  const order: Node[] = [];
  const state = new Map<Node, 'visiting' | 'done'>();
  const visit = (t: SymbolicTensor, consumer: string): void => {
    if (inputIds.has(t.id)) return;
    const node = nodeOf(t);
    if (state.get(node) === 'done') return;
    if (node.inputs.length === 0) {
      throw new Error(
        `${where}: graph disconnected: ${consumer} needs '${t.sourceLayer.name}', which is not one of the model inputs (${inputs.map((i) => `'${i.sourceLayer.name}'`).join(', ')})`,
      );
    }
    state.set(node, 'visiting');
    for (const x of node.inputs) visit(x, `layer '${node.layer.name}'`);
    state.set(node, 'done');
    order.push(node);
  };
  for (const t of outputs) visit(t, 'an output');
  const layers: Layer[] = [];
  const seen = new Set<Layer>();
  const names = new Map<string, Layer>();
  const addLayer = (l: Layer): void => {
    if (seen.has(l)) return;
    const other = names.get(l.name);
    if (other)
      throw new Error(`${where}: two different layers are named '${l.name}'; layer names must be unique`);
    seen.add(l);
    names.set(l.name, l);
    layers.push(l);
  };
  for (const t of inputs) addLayer(t.sourceLayer);
  for (const n of order) addLayer(n.layer);
  return { inputs: [...inputs], outputs: [...outputs], nodes: order, layers };
}

/**
 * Replace the computation of one node (return its outputs), or return `null` to run the layer as usual.
 *
 * @internal
 */
export type NodeOverride = (node: Node, inputs: readonly Tensor[]) => Tensor[] | null;

/** How many nodes read each symbolic tensor (by id); graph outputs count once more, so they are never freed. */
function readers(graph: Graph): Map<number, number> {
  const count = new Map<number, number>();
  const add = (id: number) => count.set(id, (count.get(id) ?? 0) + 1);
  for (const node of graph.nodes) for (const t of node.inputs) add(t.id);
  for (const t of graph.outputs) add(t.id);
  return count;
}

/**
 * Run the graph on concrete inputs (in the order of `graph.inputs`); returns the outputs in order. The caller
 * scopes memory: masks are left to the enclosing scope, and so are intermediate tensors, except that one is
 * freed as soon as its last reader has run when nothing else can need it (see `Engine.releaseEarly`: no
 * gradient tape holds it), so a deep model's peak memory is its widest cut, not the sum of its layers. Masks flow along the
 * edges: a layer's output mask ({@link Layer.computeMask}: `Embedding` with `maskZero`, `Masking`, and the
 * layers that pass one on) is given to the layers reading that output. `options.mask` is the first input's.
 *
 * @internal
 */
export function runGraph(
  graph: Graph,
  inputs: readonly Tensor[],
  options: CallOptions,
  override?: NodeOverride,
): Tensor[] {
  const { mask: inputMask, ...callOptions } = options;
  const values = new Map<number, Tensor>();
  const masks = new Map<number, Tensor>();
  for (const [i, t] of graph.inputs.entries()) values.set(t.id, inputs[i]!);
  const first = graph.inputs[0];
  if (inputMask && first) masks.set(first.id, inputMask);
  const reads = readers(graph);
  const protectedTensors = new Set<Tensor>(inputs);
  /** Symbolic ids still to be read, per concrete tensor (a layer may return its input itself). */
  const pending = new Map<Tensor, number>();
  const release = (t: Tensor): void => {
    if (!protectedTensors.has(t) && !masksHold(masks, t)) engine().releaseEarly(t);
  };
  for (const node of graph.nodes) {
    const ins = node.inputs.map((t) => values.get(t.id)!);
    // A mask reaches single-input layers (merge layers drop masks).
    const mask = node.inputs.length === 1 ? (masks.get(node.inputs[0]!.id) ?? null) : null;
    const replaced = override?.(node, ins);
    // The outputs of a replaced node belong to whoever replaced it (a trace keeps them to show them).
    if (replaced) for (const t of replaced) protectedTensors.add(t);
    const { outputs: outs, mask: outMask } = replaced
      ? { outputs: replaced, mask: null }
      : node.layer.invokeMasked(ins, mask ? { ...callOptions, mask } : callOptions, true);
    if (outs.length !== node.outputs.length) {
      throw new Error(
        `layer '${node.layer.name}' returned ${outs.length} outputs, its node expects ${node.outputs.length}`,
      );
    }
    for (const [i, t] of node.outputs.entries()) {
      values.set(t.id, outs[i]!);
      if (outMask && outs.length === 1) masks.set(t.id, outMask);
      const readsLeft = reads.get(t.id) ?? 0;
      pending.set(outs[i]!, (pending.get(outs[i]!) ?? 0) + readsLeft);
      if (readsLeft === 0 && pending.get(outs[i]!) === 0) release(outs[i]!);
    }
    for (const t of node.inputs) {
      const value = values.get(t.id)!;
      const n = (pending.get(value) ?? 0) - 1;
      pending.set(value, n);
      if (n === 0) release(value);
    }
  }
  return graph.outputs.map((t) => values.get(t.id)!);
}

/** Whether `t` is a mask some edge still carries (masks are left to the enclosing scope). */
function masksHold(masks: ReadonlyMap<number, Tensor>, t: Tensor): boolean {
  for (const m of masks.values()) if (m === t) return true;
  return false;
}
