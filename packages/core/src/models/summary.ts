import type { Layer, SymbolicShape } from '../layers/layer.js';

interface Summarizable {
  readonly name: string;
  readonly layers: readonly Layer[];
  readonly inputShape: SymbolicShape;
}

const shapeText = (s: SymbolicShape): string =>
  `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')}${s.length === 1 ? ',' : ''})`;
const count = (n: number): string => n.toLocaleString('en-US');

/**
 * The text of `model.summary()`: one row per layer (name, class, output shape, parameters) and the totals,
 * laid out as Keras prints them.
 *
 * @internal
 */
export function formatSummary(model: Summarizable): string {
  const rows: [string, string, string][] = [];
  let shape = model.inputShape;
  let total = 0;
  let trainable = 0;
  for (const l of model.layers) {
    shape = l.computeOutputShape(shape);
    const n = l.countParams();
    total += n;
    trainable += l.trainableWeights.reduce((p, w) => p + w.size, 0);
    rows.push([`${l.name} (${l.className})`, shapeText(shape), count(n)]);
  }
  const w0 = Math.max(28, ...rows.map((r) => r[0].length + 2));
  const w1 = Math.max(26, ...rows.map((r) => r[1].length + 2));
  const w2 = Math.max(10, ...rows.map((r) => r[2].length));
  const width = w0 + w1 + w2 + 1;
  const line = (a: string, b: string, c: string): string =>
    ` ${a.padEnd(w0 - 1)}${b.padEnd(w1)}${c.padStart(w2)}`;
  return [
    `Model: "${model.name}"`,
    '_'.repeat(width),
    line('Layer (type)', 'Output Shape', 'Param #'),
    '='.repeat(width),
    ...rows.flatMap((r, i) =>
      [line(...r), i < rows.length - 1 ? '' : null].filter((x): x is string => x !== null),
    ),
    '='.repeat(width),
    `Total params: ${count(total)}`,
    `Trainable params: ${count(trainable)}`,
    `Non-trainable params: ${count(total - trainable)}`,
    '_'.repeat(width),
  ].join('\n');
}
