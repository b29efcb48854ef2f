/**
 * Markdown with LaTeX for a {@link Trace}: the forward pass layer by layer, the loss, then backpropagation from
 * the last layer to the first, in the notation of the course (`z^{(l)} = a^{(l-1)} W^{(l)} + b^{(l)}`,
 * `a^{(l)} = f(z^{(l)})`, `\delta^{(l)} = \partial L / \partial z^{(l)}`, `\Delta W^{(l)} = -\eta\, \partial L / \partial W^{(l)}`).
 *
 * @packageDocumentation
 */
import type { TraceArray, TraceLayer, TraceLoss, TraceMarkdownOptions, TraceParam } from './types.js';

/** What the renderer needs of a trace. */
export interface TraceContent {
  readonly loss: number;
  readonly losses: readonly TraceLoss[];
  readonly layers: readonly TraceLayer[];
  readonly learningRate: number;
  readonly applied: boolean;
}

interface Fmt {
  readonly digits: number;
  readonly maxEntries: number;
}

/** A number in `digits` significant figures, no exponent for ordinary magnitudes. */
function num(v: number, digits: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  const s = a >= 1e-3 && a < 1e6 ? String(Number(v.toPrecision(digits))) : v.toExponential(digits - 1);
  return s.replace(
    /e([+-])(\d+)/,
    (_, sign: string, e: string) => ` \\cdot 10^{${sign === '-' ? '-' : ''}${e}}`,
  );
}

/** A tensor as LaTeX: a row vector or a matrix when small, else its range. */
function value(a: TraceArray, f: Fmt): string {
  // Beyond rank 2, size-1 axes (a batch of one, one channel) are dropped: a one-channel image shows as a matrix.
  const shape = a.shape.length <= 2 ? [...a.shape] : a.shape.filter((d) => d !== 1);
  const n = a.data.length;
  if (n === 1) return `$${num(a.data[0]!, f.digits)}$`;
  if (n <= f.maxEntries && shape.length <= 2) {
    const cols = shape[shape.length - 1] ?? 1;
    const rows = n / cols;
    const row = (r: number): string =>
      Array.from(a.data.subarray(r * cols, (r + 1) * cols), (v) => num(v, f.digits)).join(' & ');
    if (shape.length === 1 || rows === 1) return `$\\begin{pmatrix} ${row(0)} \\end{pmatrix}$`;
    return `$\\begin{pmatrix} ${Array.from({ length: rows }, (_, r) => row(r)).join(' \\\\ ')} \\end{pmatrix}$`;
  }
  let lo = Infinity;
  let hi = -Infinity;
  let sum = 0;
  for (const v of a.data) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
    sum += v;
  }
  const d = f.digits;
  return `min $${num(lo, d)}$, mean $${num(sum / n, d)}$, max $${num(hi, d)}$`;
}

const shapeOf = (a: TraceArray): string => `[${a.shape.join(', ')}]`;

const ACTIVATIONS: Readonly<Record<string, string>> = {
  sigmoid: '\\sigma',
  tanh: '\\tanh',
  relu: '\\mathrm{ReLU}',
  softmax: '\\mathrm{softmax}',
  linear: '\\mathrm{id}',
};

const act = (name: string | null): string => ACTIVATIONS[name ?? 'linear'] ?? `\\mathrm{${name}}`;

/** Text that may go inside `\mathrm{}` / `\texttt{}`: the underscores of layer names escaped. */
const tex = (s: string): string => s.replace(/_/g, '\\_');

/** The symbol of a layer's input: `a^{(j)}` for the output of node j, `x` for a model input. */
function inputSymbols(layers: readonly TraceLayer[], l: TraceLayer): string[] {
  return l.inbound.map((name) => {
    const producer = [...layers].reverse().find((p) => p.index < l.index && p.name === name);
    if (producer) return `a^{(${producer.index})}`;
    const inputs = new Set(layers.flatMap((p) => p.inbound.filter((n) => !layers.some((q) => q.name === n))));
    return inputs.size > 1 ? `x_{\\mathrm{${tex(name)}}}` : 'x';
  });
}

type Row = readonly [string, string, string];

const table = (rows: readonly Row[]): string[] => [
  '| quantity | shape | value |',
  '|:--|:--|:--|',
  ...rows.map(([q, s, v]) => `| ${q} | ${s} | ${v} |`),
];

const sup = (sym: string, l: number): string => `${sym}^{(${l})}`;

function paramRows(
  l: number,
  params: readonly TraceParam[],
  what: 'value' | 'grad' | 'update',
  f: Fmt,
): Row[] {
  return params.map((p): Row => {
    const s = sup(p.symbol.length === 1 ? p.symbol : `\\mathrm{${tex(p.symbol)}}`, l);
    const q =
      what === 'value'
        ? `$${s}$`
        : what === 'grad'
          ? `$\\partial L / \\partial ${s}$`
          : `$\\Delta ${s} = -\\eta\\, \\partial L / \\partial ${s}$`;
    return [q, shapeOf(p[what]), value(p[what], f)];
  });
}

function forwardRows(layers: readonly TraceLayer[], l: TraceLayer, f: Fmt): Row[] {
  const ins = inputSymbols(layers, l);
  const rows: Row[] = l.inputs.map((x, i): Row => [`$${ins[i] ?? 'x'}$`, shapeOf(x), value(x, f)]);
  rows.push(...paramRows(l.index, l.params, 'value', f));
  const a = sup('a', l.index);
  const z = sup('z', l.index);
  if (l.kind === 'dense' || l.kind === 'conv2d') {
    const op = l.kind === 'dense' ? ' ' : ' * ';
    const b = l.params.some((p) => p.symbol === 'b') ? ` + ${sup('b', l.index)}` : '';
    rows.push([`$${z} = ${ins[0]}${op}${sup('W', l.index)}${b}$`, shapeOf(l.z!), value(l.z!, f)]);
    rows.push([`$${a} = ${act(l.activation)}(${z})$`, shapeOf(l.outputs[0]!), value(l.outputs[0]!, f)]);
  } else if (l.kind === 'recurrent') {
    const o = l.outputs[0]!;
    const seq = o.shape.length === 3 ? '$(h_t)_t$, one per step' : '$h_t$ of the last step';
    rows.push([`$${a}$ = ${seq}`, shapeOf(o), value(o, f)]);
  } else {
    const fn = `\\mathrm{${tex(l.className)}}`;
    l.outputs.forEach((o, i) => {
      const name = l.outputs.length > 1 ? `${a}_{${i}}` : a;
      rows.push([`$${name} = ${fn}(${ins.join(', ')})$`, shapeOf(o), value(o, f)]);
    });
  }
  return rows;
}

function backwardRows(layers: readonly TraceLayer[], l: TraceLayer, f: Fmt): Row[] {
  const ins = inputSymbols(layers, l);
  const a = sup('a', l.index);
  const rows: Row[] = l.gradOutputs.map((g, i): Row => {
    const name = l.gradOutputs.length > 1 ? `${a}_{${i}}` : a;
    return [`$\\partial L / \\partial ${name}$`, shapeOf(g), value(g, f)];
  });
  if (l.delta) {
    const d = sup('\\delta', l.index);
    const fp = l.activation === 'linear' ? '' : ` \\odot ${act(l.activation)}'(${sup('z', l.index)})`;
    rows.push([
      `$${d} = \\partial L / \\partial ${sup('z', l.index)} = \\partial L / \\partial ${a}${fp}$`,
      shapeOf(l.delta),
      value(l.delta, f),
    ]);
  }
  const dense = l.kind === 'dense';
  const d = sup('\\delta', l.index);
  // The chain rule written out for a dense layer: each gradient from delta.
  const because: Readonly<Record<string, string>> = dense
    ? {
        W: ` = (${ins[0]})^{\\top} ${d}`,
        b: ` = \\sum_i ${d}_i`,
        x: ` = ${d} (${sup('W', l.index)})^{\\top}`,
      }
    : {};
  for (const [i, row] of paramRows(l.index, l.params, 'grad', f).entries()) {
    const extra = because[l.params[i]!.symbol] ?? '';
    rows.push([row[0].replace(/\$$/, `${extra}$`), row[1], row[2]]);
  }
  l.gradInputs.forEach((g, i) => {
    if (g)
      rows.push([`$\\partial L / \\partial ${ins[i] ?? 'x'}${because.x ?? ''}$`, shapeOf(g), value(g, f)]);
  });
  rows.push(...paramRows(l.index, l.params, 'update', f));
  return rows;
}

function filterLines(l: TraceLayer, f: Fmt): string[] {
  const rows: Row[] = [];
  for (const k of l.filters ?? []) {
    const s = (sym: string): string => `${sym}^{(${l.index})}_{${k.index}}`;
    rows.push([`$${s('W')}$`, shapeOf(k.kernel), value(k.kernel, f)]);
    rows.push([`$${s('b')}$`, '[]', `$${num(k.bias, f.digits)}$`]);
    rows.push([`$${s('z')}$`, shapeOf(k.z), value(k.z, f)]);
    rows.push([`$${s('a')} = ${act(l.activation)}(${s('z')})$`, shapeOf(k.a), value(k.a, f)]);
    rows.push([`$${s('\\delta')}$`, shapeOf(k.delta), value(k.delta, f)]);
    rows.push([`$\\partial L / \\partial ${s('W')}$`, shapeOf(k.gradKernel), value(k.gradKernel, f)]);
    rows.push([
      `$\\partial L / \\partial ${s('b')} = \\sum ${s('\\delta')}$`,
      '[]',
      `$${num(k.gradBias, f.digits)}$`,
    ]);
    rows.push([`$\\Delta ${s('W')}$`, shapeOf(k.updateKernel), value(k.updateKernel, f)]);
  }
  return ['', `Per filter $k$ (output channel) of layer ${l.index}:`, '', ...table(rows)];
}

function stepLines(l: TraceLayer, f: Fmt): string[] {
  const head = [
    '| $t$ | $x_t$ | $h_{t-1}$ | $z_t$ | $h_t$ | $\\partial L / \\partial h_t$ | $\\delta_t$ | $x_t^\\top \\delta_t$ |',
  ];
  const lines = (l.steps ?? []).map((s) =>
    [
      s.t,
      value(s.x, f),
      value(s.hPrev, f),
      s.z ? value(s.z, f) : '',
      value(s.h, f),
      value(s.gradH, f),
      value(s.delta, f),
      value(s.gradKernel, f),
    ].join(' | '),
  );
  return [
    '',
    `Per time step of layer ${l.index}, in processing order: $z_t = x_t W + h_{t-1} U + b$, $h_t = ${act(l.activation)}(z_t)$` +
      (l.className === 'SimpleRNN'
        ? ''
        : ' (for a gated cell, $z_t$ holds the gate pre-activations and $h_t$ comes from the gates)') +
      `, $\\delta_t = \\partial L / \\partial z_t$; the weight gradients are the sums over the steps: $\\partial L / \\partial W = \\sum_t x_t^\\top \\delta_t$, $\\partial L / \\partial U = \\sum_t h_{t-1}^\\top \\delta_t$, $\\partial L / \\partial b = \\sum_t \\delta_t$.`,
    '',
    ...head,
    '|:--|:--|:--|:--|:--|:--|:--|:--|',
    ...lines.map((s) => `| ${s} |`),
  ];
}

/** @internal Render a trace (see {@link TraceMarkdownOptions}). */
export function traceMarkdown(t: TraceContent, options: TraceMarkdownOptions = {}): string {
  const f: Fmt = { digits: options.digits ?? 5, maxEntries: options.maxEntries ?? 16 };
  const out: string[] = ['**Forward propagation**'];
  for (const l of t.layers) {
    const what = l.activation ? `${l.className}, $f = ${act(l.activation)}$` : l.className;
    out.push('', `Layer ${l.index}: \`${l.name}\` (${what})`, '', ...table(forwardRows(t.layers, l, f)));
    if (l.filters) out.push(...filterLines(l, f));
    if (l.steps) out.push(...stepLines(l, f));
  }
  out.push('', '**Loss**', '');
  const lossRows: Row[] = [];
  for (const loss of t.losses) {
    const name = t.losses.length > 1 ? `_{\\mathrm{${tex(loss.output)}}}` : '';
    lossRows.push([`$y${name}$`, shapeOf(loss.yTrue), value(loss.yTrue, f)]);
    lossRows.push([`$\\hat y${name}$`, shapeOf(loss.yPred), value(loss.yPred, f)]);
    lossRows.push([
      `$L${name} = \\mathrm{${loss.lossName}}(\\hat y${name}, y${name})$`,
      '[]',
      `$${num(loss.value, f.digits)}$`,
    ]);
  }
  if (t.losses.length > 1) lossRows.push(['$L$ (weighted total)', '[]', `$${num(t.loss, f.digits)}$`]);
  else if (Math.abs(t.loss - t.losses[0]!.value) > 0)
    lossRows.push(['$L$ (with regularization)', '[]', `$${num(t.loss, f.digits)}$`]);
  out.push(...table(lossRows));
  out.push(
    '',
    `**Backpropagation** (last layer first; learning rate $\\eta = ${num(t.learningRate, f.digits)}$)`,
  );
  for (const l of [...t.layers].reverse()) {
    out.push('', `Layer ${l.index}: \`${l.name}\``, '', ...table(backwardRows(t.layers, l, f)));
  }
  out.push(
    '',
    t.applied
      ? '_The updates were applied: each weight is now $w + \\Delta w$ (one step of plain gradient descent)._'
      : '_The model was not changed (pass `apply: true` to add the updates to the weights)._',
  );
  return `${out.join('\n')}\n`;
}
