import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

const sigma = (z: number) => 1 / (1 + Math.exp(-z));

/** Expect a trace array to equal nested float64 reference values (row-major) to `tol`. */
function expectValues(a: nr.TraceArray | null | undefined, expected: readonly number[], tol = 1e-6): void {
  expect(a).toBeTruthy();
  expect(a!.data.length).toBe(expected.length);
  a!.data.forEach((v, i) => {
    expect(Math.abs(v - expected[i]!), `entry ${i}: ${v} vs ${expected[i]}`).toBeLessThan(tol);
  });
}

// The 2-2-1 network of the course's forward-propagation scheme, two examples in the batch.
const X = [
  [0.05, 0.1],
  [0.5, -0.3],
];
const Y = [0.01, 0.99];
const W1 = [
  [0.15, 0.25],
  [0.2, 0.3],
];
const B1 = [0.35, 0.35];
const W2 = [0.4, 0.45];
const B2 = 0.6;

/** Everything of one step of the 2-2-1 sigmoid/MSE network, in plain float64 arithmetic. */
function handComputed() {
  const n = X.length;
  const z1 = X.map((x) => [0, 1].map((j) => x[0]! * W1[0]![j]! + x[1]! * W1[1]![j]! + B1[j]!));
  const a1 = z1.map((z) => z.map(sigma));
  const z2 = a1.map((a) => a[0]! * W2[0]! + a[1]! * W2[1]! + B2);
  const yHat = z2.map(sigma);
  const loss = yHat.reduce((s, y, i) => s + (y - Y[i]!) ** 2, 0) / n;
  const dA2 = yHat.map((y, i) => (2 * (y - Y[i]!)) / n);
  const d2 = dA2.map((g, i) => g * yHat[i]! * (1 - yHat[i]!));
  const dW2 = [0, 1].map((j) => a1.reduce((s, a, i) => s + a[j]! * d2[i]!, 0));
  const db2 = d2.reduce((s, d) => s + d, 0);
  const dA1 = d2.map((d) => [d * W2[0]!, d * W2[1]!]);
  const d1 = dA1.map((g, i) => g.map((v, j) => v * a1[i]![j]! * (1 - a1[i]![j]!)));
  const dW1 = [0, 1].flatMap((r) => [0, 1].map((j) => X.reduce((s, x, i) => s + x[r]! * d1[i]![j]!, 0)));
  const db1 = [0, 1].map((j) => d1.reduce((s, d) => s + d[j]!, 0));
  const dX = d1.map((d) => [0, 1].map((r) => d[0]! * W1[r]![0]! + d[1]! * W1[r]![1]!));
  return { z1, a1, z2, yHat, loss, dA2, d2, dW2, db2, dA1, d1, dW1, db1, dX };
}

function net221(): nr.Sequential {
  const m = nr.sequential({
    layers: [
      nr.layers.dense({ units: 2, activation: 'sigmoid', inputShape: [2], name: 'hidden' }),
      nr.layers.dense({ units: 1, activation: 'sigmoid', name: 'out' }),
    ],
  });
  const ws = [nr.tensor2d(W1), nr.tensor1d(B1), nr.tensor2d([[W2[0]!], [W2[1]!]]), nr.tensor1d([B2])];
  m.setWeights(ws);
  nr.dispose(ws);
  m.compile({ optimizer: nr.optimizers.sgd({ learningRate: 0.5 }), loss: 'meanSquaredError' });
  return m;
}

describe('nr.trace on a 2-2-1 sigmoid / MSE network', () => {
  it('matches the hand-computed forward pass, loss, deltas, gradients and updates to 1e-6', async () => {
    const h = handComputed();
    const m = net221();
    const x = nr.tensor2d(X);
    const y = nr.tensor2d(Y.map((v) => [v]));
    const before = nr.memory().numTensors;
    const t = await nr.trace(m, x, y, { learningRate: 0.5 });
    expect(nr.memory().numTensors).toBe(before);
    expect(t.layers.map((l) => [l.index, l.name, l.kind])).toEqual([
      [1, 'hidden', 'dense'],
      [2, 'out', 'dense'],
    ]);
    const [l1, l2] = t.layers as [nr.TraceLayer, nr.TraceLayer];
    expect(Math.abs(t.loss - h.loss)).toBeLessThan(1e-6);
    expect(t.losses[0]!.lossName).toBe('meanSquaredError');
    expectValues(t.losses[0]!.yPred, h.yHat);
    // forward
    expectValues(l1.inputs[0], X.flat());
    expectValues(l1.z, h.z1.flat());
    expectValues(l1.outputs[0], h.a1.flat());
    expectValues(l2.inputs[0], h.a1.flat());
    expectValues(l2.z, h.z2);
    expectValues(l2.outputs[0], h.yHat);
    // backward
    expectValues(l2.gradOutputs[0], h.dA2);
    expectValues(l2.delta, h.d2);
    expectValues(l2.params[0]!.grad, h.dW2);
    expectValues(l2.params[1]!.grad, [h.db2]);
    expectValues(l2.gradInputs[0], h.dA1.flat());
    expectValues(l1.delta, h.d1.flat());
    expectValues(l1.params[0]!.grad, h.dW1);
    expectValues(l1.params[1]!.grad, h.db1);
    expectValues(l1.gradInputs[0], h.dX.flat());
    // the weights and their updates -eta dL/dW
    expect(l1.params.map((p) => [p.symbol, p.value.shape])).toEqual([
      ['W', [2, 2]],
      ['b', [2]],
    ]);
    expectValues(l1.params[0]!.value, W1.flat());
    expectValues(
      l1.params[0]!.update,
      h.dW1.map((g) => -0.5 * g),
    );
    expectValues(l2.params[1]!.update, [-0.5 * h.db2]);
    expect(t.applied).toBe(false);
    nr.dispose([x, y]);
    m.dispose();
  });

  it('leaves the model unchanged, and with apply: true makes exactly the step of fit with sgd', async () => {
    const x = nr.tensor2d(X);
    const y = nr.tensor2d(Y.map((v) => [v]));
    const traced = net221();
    const start = traced.getWeights();
    const startValues = await Promise.all(start.map((w) => w.data()));
    await nr.trace(traced, x, y, { learningRate: 0.5 });
    const after = traced.getWeights();
    for (const [i, w] of after.entries())
      expect(Array.from(await w.data())).toEqual(Array.from(startValues[i]!));

    const before = nr.memory().numTensors;
    const t = await nr.trace(traced, x, y, { learningRate: 0.5, apply: true });
    expect(nr.memory().numTensors).toBe(before);
    expect(t.applied).toBe(true);
    const fitted = net221();
    await fitted.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 });
    const a = traced.getWeights();
    const b = fitted.getWeights();
    const h = handComputed();
    const expected = [
      W1.flat().map((w, i) => w - 0.5 * h.dW1[i]!),
      B1.map((w, i) => w - 0.5 * h.db1[i]!),
      W2.map((w, i) => w - 0.5 * h.dW2[i]!),
      [B2 - 0.5 * h.db2],
    ];
    for (let i = 0; i < a.length; i++) {
      const [va, vb] = [await a[i]!.data(), await b[i]!.data()];
      va.forEach((v, j) => {
        expect(Math.abs(v - vb[j]!)).toBeLessThan(1e-6);
        expect(Math.abs(v - expected[i]![j]!)).toBeLessThan(1e-6);
      });
    }
    nr.dispose([x, y, ...start, ...after, ...a, ...b]);
    traced.dispose();
    fitted.dispose();
  });

  it('renders Markdown with LaTeX in the course notation, with the values', async () => {
    const h = handComputed();
    const m = net221();
    const x = nr.tensor2d(X);
    const y = nr.tensor2d(Y.map((v) => [v]));
    const md = (await nr.trace(m, x, y, { learningRate: 0.5 })).toMarkdown({ digits: 5 });
    expect(md).toContain('$z^{(1)} = x W^{(1)} + b^{(1)}$');
    expect(md).toContain('$a^{(2)} = \\sigma(z^{(2)})$');
    expect(md).toContain('\\delta^{(2)} = \\partial L / \\partial z^{(2)}');
    expect(md).toContain('\\Delta W^{(1)} = -\\eta\\, \\partial L / \\partial W^{(1)}');
    expect(md).toContain('\\partial L / \\partial W^{(2)} = (a^{(1)})^{\\top} \\delta^{(2)}');
    expect(md).toContain(`$${Number(h.loss.toPrecision(5))}$`);
    expect(md).toContain(String(Number(h.d2[0]!.toPrecision(5))));
    // backpropagation lists the last layer first
    expect(md.indexOf('Layer 2: `out`', md.indexOf('**Backpropagation**'))).toBeLessThan(
      md.indexOf('Layer 1: `hidden`', md.indexOf('**Backpropagation**')),
    );
    nr.dispose([x, y]);
    m.dispose();
  });

  it('rejects bad arguments naming the option and the value', async () => {
    const m = net221();
    const x = nr.tensor2d(X);
    const y = nr.tensor2d(Y.map((v) => [v]));
    await expect(nr.trace(m, x, y, { learningRate: -1 })).rejects.toThrow(/learningRate .*-1/);
    await expect(nr.trace(m, x, y, { learningRate: 0.1, aply: true } as never)).rejects.toThrow(
      /unknown option 'aply'/,
    );
    const bad = nr.tensor2d([[1, 2, 3]]);
    await expect(nr.trace(m, bad, y, { learningRate: 0.1 })).rejects.toThrow(/shape/);
    const wide = nr.tensor2d([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    await expect(nr.trace(m, x, wide, { learningRate: 0.1 })).rejects.toThrow(
      /targets of shape \[2, 3\] do not match the model's output \[null, 1\]/,
    );
    // a layer failing in the middle of the step: what the step made so far is freed, the weights are kept
    class Boom extends nr.Layer {
      static override readonly className = 'Boom';
      override call(): nr.Tensor {
        throw new Error('Boom: no');
      }
    }
    const failing = nr.sequential({ layers: [nr.layers.dense({ units: 2, inputShape: [2] }), new Boom()] });
    failing.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const before = nr.memory().numTensors;
    await expect(nr.trace(failing, x, nr.zeros([2, 2]), { learningRate: 0.1 })).rejects.toThrow('Boom: no');
    expect(nr.memory().numTensors).toBe(before + 1); // the zeros target given inline
    failing.dispose();
    const uncompiled = nr.sequential({ layers: [nr.layers.dense({ units: 1, inputShape: [2] })] });
    await expect(nr.trace(uncompiled, x, y, { learningRate: 0.1 })).rejects.toThrow(/compile/);
    nr.dispose([x, y, bad, wide]);
    m.dispose();
    uncompiled.dispose();
  });
});
