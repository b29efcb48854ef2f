// The worked 2-2-1 example of the backpropagation guide: every number comes from the library (forward values from
// its ops, gradients from `nr.valueAndGrads`), written as a Markdown fragment the guide includes.
import * as nr from '@neurona/core';
import { fmt, writeFragment } from './svg.mjs';

/** The fixed network of the guide: inputs, weights, biases, target and learning rate. */
export const EXAMPLE = {
  x: [[0.05, 0.1]],
  w1: [
    [0.15, 0.25],
    [0.2, 0.3],
  ],
  b1: [0.35, 0.35],
  w2: [[0.4], [0.45]],
  b2: [0.6],
  t: [[0.01]],
  lr: 0.5,
};

const vec = (a) => `(${Array.from(a, (v) => fmt(v, 5)).join(', ')})`;
const mat = (a, rows, cols) =>
  `\\begin{pmatrix} ${Array.from({ length: rows }, (_, r) =>
    Array.from({ length: cols }, (_, c) => fmt(a[r * cols + c], 5)).join(' & '),
  ).join(' \\\\ ')} \\end{pmatrix}`;

/** `backprop-221.md`: the forward values, the loss, every gradient and the weights after one SGD step. */
export async function backpropFragment() {
  const e = EXAMPLE;
  const tensors = nr.tidy(() => {
    const x = nr.tensor2d(e.x);
    const t = nr.tensor2d(e.t);
    const params = [nr.tensor2d(e.w1), nr.tensor1d(e.b1), nr.tensor2d(e.w2), nr.tensor1d(e.b2)];
    const forward = (w1, b1, w2, b2) => {
      const z1 = nr.add(nr.matMul(x, w1), b1);
      const a1 = nr.sigmoid(z1);
      const z2 = nr.add(nr.matMul(a1, w2), b2);
      const y = nr.sigmoid(z2);
      return [z1, a1, z2, y, nr.mean(nr.square(nr.sub(y, t)))];
    };
    const { value, grads } = nr.valueAndGrads((...p) => forward(...p)[4])(params);
    const after = params.map((p, i) => nr.sub(p, nr.mul(grads[i], e.lr)));
    return [...forward(...params), value, ...grads, ...after, forward(...after)[4]];
  });
  const v = await Promise.all(tensors.map((t) => t.data()));
  nr.dispose(tensors);
  const [z1, a1, z2, y, loss, value] = v;
  const g = v.slice(6, 10);
  const a = v.slice(10, 14);
  const loss2 = v[14][0];
  if (Math.abs(value[0] - loss[0]) > 1e-7) throw new Error('backprop fragment: the two losses disagree');
  writeFragment(
    'backprop-221',
    [
      '| step | quantity | value |',
      '|:--|:--|:--|',
      `| forward | $z^{(1)} = x W^{(1)} + b^{(1)}$ | ${vec(z1)} |`,
      `| | $a^{(1)} = \\sigma(z^{(1)})$ | ${vec(a1)} |`,
      `| | $z^{(2)} = a^{(1)} W^{(2)} + b^{(2)}$ | ${fmt(z2[0], 6)} |`,
      `| | $\\hat y = \\sigma(z^{(2)})$ | ${fmt(y[0], 6)} |`,
      `| loss | $L = (\\hat y - t)^2$ | ${fmt(loss[0], 6)} |`,
      `| backward | $\\partial L / \\partial W^{(2)}$ | $${mat(g[2], 2, 1)}$ |`,
      `| | $\\partial L / \\partial b^{(2)}$ | ${fmt(g[3][0], 6)} |`,
      `| | $\\partial L / \\partial W^{(1)}$ | $${mat(g[0], 2, 2)}$ |`,
      `| | $\\partial L / \\partial b^{(1)}$ | ${vec(g[1])} |`,
      `| update ($\\eta = ${e.lr}$) | $W^{(2)} - \\eta\\, \\partial L / \\partial W^{(2)}$ | $${mat(a[2], 2, 1)}$ |`,
      `| | $W^{(1)} - \\eta\\, \\partial L / \\partial W^{(1)}$ | $${mat(a[0], 2, 2)}$ |`,
      `| after one step | $L$ | ${fmt(loss2, 6)} (was ${fmt(loss[0], 6)}) |`,
      '',
      '_Computed by `docs/scripts/figures/backprop.mjs` with `@neurona/core` on the CPU backend when the site was built._',
    ].join('\n'),
  );
  return [];
}
