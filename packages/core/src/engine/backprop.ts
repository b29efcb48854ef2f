import { add } from '../ops/binary.js';
import { fmt } from '../ops/util.js';
import { engine, type TapeNode } from './engine.js';
import { shapesEqual, type Tensor } from './tensor.js';

/**
 * Reverse-mode accumulation over a recorded tape: walks the nodes that lie on a path from `xs` to `y`
 * in reverse order, applying each node's gradient rule (the chain rule) and summing gradients that
 * reach one tensor along several paths. Returns dy/dx by tensor id.
 *
 * @internal
 */
export function backprop(
  nodes: readonly TapeNode[],
  y: Tensor,
  dy: Tensor,
  xs: readonly Tensor[],
): Map<number, Tensor> {
  // Forward pass: which tensors depend on some x.
  const fromX = new Set<number>(xs.map((x) => x.id));
  const onForward: boolean[] = nodes.map((node) => {
    const hit = node.inputs.some((t) => fromX.has(t.id));
    if (hit) fromX.add(node.output.id);
    return hit;
  });
  // Backward pass: which of those lead to y.
  const toY = new Set<number>([y.id]);
  const useful: boolean[] = new Array(nodes.length).fill(false);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    if (!onForward[i] || !toY.has(node.output.id)) continue;
    useful[i] = true;
    for (const t of node.inputs) if (fromX.has(t.id)) toY.add(t.id);
  }

  const grads = new Map<number, Tensor>([[y.id, dy]]);
  for (let i = nodes.length - 1; i >= 0; i--) {
    if (!useful[i]) continue;
    const node = nodes[i]!;
    const g = grads.get(node.output.id);
    if (!g) continue;
    const needs = node.inputs.map((t) => toY.has(t.id) && t.dtype === 'float32');
    const run = () => node.grad(g, node.inputs, node.output, node.attrs, needs);
    // Attribute the rule's kernels to the layer (or loss) that recorded the node, for the debug guards.
    const inputGrads = node.frame ? engine().framed({ ...node.frame, backward: true }, run) : run();
    node.inputs.forEach((input, k) => {
      const gi = inputGrads[k];
      if (!gi || !toY.has(input.id) || input.dtype !== 'float32') return;
      if (!shapesEqual(gi.shape, input.shape)) {
        throw new Error(
          `gradient of '${node.name}' for input ${k} has shape ${fmt(gi.shape)}, expected ${fmt(input.shape)} (a bug in its gradient rule)`,
        );
      }
      const prev = grads.get(input.id);
      grads.set(input.id, prev ? add(prev, gi) : gi);
    });
  }
  return grads;
}
