import type { Layer, SymbolicShape } from '../layers/layer.js';
import type { Node } from '../layers/symbolic.js';

/** What the summary reads of a model. */
interface Summarizable {
  readonly name: string;
  readonly className: string;
  readonly layers: readonly Layer[];
  readonly inputShape: SymbolicShape;
  requireGraph(): { readonly nodes: readonly Node[]; readonly layers: readonly Layer[] };
}

const shapeText = (s: SymbolicShape): string =>
  `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')}${s.length === 1 ? ',' : ''})`;
const count = (n: number): string => n.toLocaleString('en-US');

/**
 * The text of `model.summary()`: one row per layer (name, class, output shape, parameters; for a functional
 * model also the inbound layers as `name[node][tensor]`, Keras's "Connected to") and the totals, laid out as
 * Keras prints them.
 *
 * @internal
 */
export function formatSummary(model: Summarizable): string {
  model.inputShape; // throws a clear error for a Sequential that is not built yet
  const graph = model.requireGraph();
  const functional = model.className !== 'Sequential';
  const mine = new Set(graph.nodes);
  const layers = functional ? graph.layers : model.layers;
  const rows: string[][] = [];
  let total = 0;
  let trainable = 0;
  for (const l of layers) {
    const nodes = l.inboundNodes.filter((n) => mine.has(n) || (n.inputs.length === 0 && n.index === 0));
    const shapes = nodes.flatMap((n) => n.outputs.map((t) => shapeText(t.shape)));
    const n = l.countParams();
    total += n;
    trainable += l.trainableWeights.reduce((p, w) => p + w.size, 0);
    const row = [`${l.name} (${l.className})`, [...new Set(shapes)].join(', '), count(n)];
    if (functional) {
      const connected = nodes.flatMap((node) =>
        node.inputs.map((t) => `${t.sourceLayer.name}[${t.nodeIndex}][${t.tensorIndex}]`),
      );
      row.push(connected.join(', '));
    }
    rows.push(row);
  }
  const header = ['Layer (type)', 'Output Shape', 'Param #', ...(functional ? ['Connected to'] : [])];
  const w0 = Math.max(28, ...rows.map((r) => r[0]!.length + 2));
  const w1 = Math.max(26, ...rows.map((r) => r[1]!.length + 2));
  const w2 = Math.max(10, ...rows.map((r) => r[2]!.length));
  const w3 = functional ? Math.max(14, ...rows.map((r) => r[3]!.length + 2)) : 0;
  const width = w0 + w1 + w2 + 1 + (functional ? w3 : 0);
  const line = (r: readonly string[]): string =>
    ` ${r[0]!.padEnd(w0 - 1)}${r[1]!.padEnd(w1)}${r[2]!.padStart(w2)}${functional ? `  ${r[3]}` : ''}`.trimEnd();
  return [
    `Model: "${model.name}"`,
    '_'.repeat(width),
    line(header),
    '='.repeat(width),
    ...rows.flatMap((r, i) =>
      [line(r), i < rows.length - 1 ? '' : null].filter((x): x is string => x !== null),
    ),
    '='.repeat(width),
    `Total params: ${count(total)}`,
    `Trainable params: ${count(trainable)}`,
    `Non-trainable params: ${count(total - trainable)}`,
    '_'.repeat(width),
  ].join('\n');
}
