import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

function expectValues(a: nr.TraceArray | null | undefined, expected: ArrayLike<number>, tol = 1e-6): void {
  expect(a).toBeTruthy();
  expect(a!.data.length).toBe(expected.length);
  a!.data.forEach((v, i) => {
    expect(Math.abs(v - expected[i]!), `entry ${i}: ${v} vs ${expected[i]}`).toBeLessThan(tol);
  });
}

// SimpleRNN (units 2, one feature) over two steps, then Dense(1): kernel K, recurrent U, bias b.
const K = [0.5, -0.3];
const U = [
  [1, 0.2],
  [0, -1],
];
const B = [0.1, 0];
const WD = [0.7, -0.4];
const BD = 0.2;
const XS = [1, 2];
const Y = 0.5;

/** Backpropagation through time by hand, float64. */
function handComputed() {
  const step = (x: number, h: number[]) => {
    const z = [0, 1].map((j) => x * K[j]! + h[0]! * U[0]![j]! + h[1]! * U[1]![j]! + B[j]!);
    return { z, h: z.map(Math.tanh) };
  };
  const h0 = [0, 0];
  const s1 = step(XS[0]!, h0);
  const s2 = step(XS[1]!, s1.h);
  const yHat = s2.h[0]! * WD[0]! + s2.h[1]! * WD[1]! + BD;
  const loss = (yHat - Y) ** 2;
  const dY = 2 * (yHat - Y);
  const dH2 = WD.map((w) => dY * w);
  const d2 = dH2.map((g, j) => g * (1 - s2.h[j]! ** 2));
  const dH1 = [0, 1].map((i) => d2[0]! * U[i]![0]! + d2[1]! * U[i]![1]!);
  const d1 = dH1.map((g, j) => g * (1 - s1.h[j]! ** 2));
  const dK = [0, 1].map((j) => XS[0]! * d1[j]! + XS[1]! * d2[j]!);
  const dU = [0, 1].flatMap((i) => [0, 1].map((j) => h0[i]! * d1[j]! + s1.h[i]! * d2[j]!));
  const db = [0, 1].map((j) => d1[j]! + d2[j]!);
  return { s1, s2, yHat, loss, dY, dH1, dH2, d1, d2, dK, dU, db, dWd: s2.h.map((h) => h * dY) };
}

function rnnModel(time = 2): nr.Sequential {
  const m = nr.sequential({
    layers: [
      nr.layers.simpleRNN({ units: 2, inputShape: [time, 1], name: 'rnn' }),
      nr.layers.dense({ units: 1, name: 'out' }),
    ],
  });
  const ws = [
    nr.tensor2d([K]),
    nr.tensor2d(U),
    nr.tensor1d(B),
    nr.tensor2d(WD.map((w) => [w])),
    nr.tensor1d([BD]),
  ];
  m.setWeights(ws);
  nr.dispose(ws);
  m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  return m;
}

describe('nr.trace on recurrent layers', () => {
  it('matches backpropagation through time by hand for a SimpleRNN, step by step, to 1e-6', async () => {
    const h = handComputed();
    const m = rnnModel();
    const x = nr.tensor3d([[[XS[0]!], [XS[1]!]]]);
    const y = nr.tensor2d([[Y]]);
    const before = nr.memory().numTensors;
    const t = await nr.trace(m, x, y, { learningRate: 0.1 });
    expect(nr.memory().numTensors).toBe(before);
    expect(Math.abs(t.loss - h.loss)).toBeLessThan(1e-6);
    const rnn = t.layer('rnn');
    expect(rnn.kind).toBe('recurrent');
    expect(rnn.activation).toBe('tanh');
    const [s1, s2] = rnn.steps as [nr.TraceStep, nr.TraceStep];
    expect([s1.t, s2.t]).toEqual([0, 1]);
    expectValues(s1.x, [XS[0]!]);
    expectValues(s1.hPrev, [0, 0]);
    expectValues(s1.z, h.s1.z);
    expectValues(s1.h, h.s1.h);
    expectValues(s2.hPrev, h.s1.h);
    expectValues(s2.z, h.s2.z);
    expectValues(s2.h, h.s2.h);
    expectValues(s2.gradH, h.dH2);
    expectValues(s2.delta, h.d2);
    expectValues(s1.gradH, h.dH1);
    expectValues(s1.delta, h.d1);
    expectValues(
      s1.gradKernel,
      h.d1.map((d) => XS[0]! * d),
    );
    expectValues(s1.gradRecurrent, [0, 0, 0, 0]);
    expectValues(
      s2.gradRecurrent,
      [0, 1].flatMap((i) => [0, 1].map((j) => h.s1.h[i]! * h.d2[j]!)),
    );
    expectValues(s2.gradBias, h.d2);
    // the totals: the weight gradients are the sums over the steps
    const [dK, dU, db] = rnn.params as [nr.TraceParam, nr.TraceParam, nr.TraceParam];
    expect(rnn.params.map((p) => p.symbol)).toEqual(['W', 'U', 'b']);
    expectValues(dK.grad, h.dK);
    expectValues(dU.grad, h.dU);
    expectValues(db.grad, h.db);
    expectValues(
      dU.update,
      h.dU.map((g) => -0.1 * g),
    );
    expectValues(t.layer('out').params[0]!.grad, h.dWd);
    expectValues(rnn.outputs[0], h.s2.h);
    const md = t.toMarkdown();
    expect(md).toContain('Per time step of layer 1');
    expect(md).toContain('\\partial L / \\partial U = \\sum_t h_{t-1}^\\top \\delta_t');
    nr.dispose([x, y]);
    m.dispose();
  });

  it('a single time step is one dense step with a zero previous state', async () => {
    const m = rnnModel(1);
    const x = nr.tensor3d([[[XS[0]!]]]);
    const y = nr.tensor2d([[Y]]);
    const t = await nr.trace(m, x, y, { learningRate: 0.1 });
    const z = [0, 1].map((j) => XS[0]! * K[j]! + B[j]!);
    const a = z.map(Math.tanh);
    const dY = 2 * (a[0]! * WD[0]! + a[1]! * WD[1]! + BD - Y);
    const delta = a.map((v, j) => dY * WD[j]! * (1 - v * v));
    const [s] = t.layer('rnn').steps!;
    expectValues(s!.z, z);
    expectValues(s!.delta, delta);
    expectValues(
      t.layer('rnn').params[0]!.grad,
      delta.map((d) => XS[0]! * d),
    );
    nr.dispose([x, y]);
    m.dispose();
  });

  it('LSTM and GRU: the trace follows the layer, and the per-step shares sum to the gradients', async () => {
    nr.seed(3);
    for (const [make, gated] of [
      [() => nr.layers.lstm({ units: 3, inputShape: [4, 2], returnSequences: true }), false],
      [() => nr.layers.gru({ units: 3, inputShape: [4, 2], goBackwards: true }), true],
    ] as const) {
      const m = nr.sequential({ layers: [make(), nr.layers.flatten(), nr.layers.dense({ units: 1 })] });
      m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
      const x = nr.randomNormal([2, 4, 2]);
      const y = nr.randomNormal([2, 1]);
      const before = nr.memory().numTensors;
      const t = await nr.trace(m, x, y, { learningRate: 0.1 });
      expect(nr.memory().numTensors).toBe(before);
      const rnn = t.layers[0]!;
      // the layer's own forward pass (fused or unrolled) gives the same output
      const own = m.layers[0]!.apply(x);
      expectValues(rnn.outputs[0], Array.from(await own.data()), 1e-5);
      // the gradients from autodiff of the model's own loss
      const { value, grads } = nr.variableGrads(() => nr.mean(nr.square(nr.sub(m.apply(x), y))));
      expect(Math.abs(t.loss - (await value.data())[0]!)).toBeLessThan(1e-6);
      for (const p of rnn.params) expectValues(p.grad, Array.from(await grads[p.name]!.data()), 1e-5);
      const steps = rnn.steps!;
      expect(steps.map((s) => s.t)).toEqual(gated ? [3, 2, 1, 0] : [0, 1, 2, 3]);
      const sum = (pick: (s: nr.TraceStep) => nr.TraceArray | null) =>
        steps.reduce(
          (acc, s) => acc.map((v, i) => v + pick(s)!.data[i]!),
          new Array(pick(steps[0]!)!.data.length).fill(0),
        );
      expectValues(
        rnn.params[0]!.grad,
        sum((s) => s.gradKernel),
        1e-5,
      );
      if (gated) {
        expect(steps[0]!.z).toBeNull();
        expect(steps[0]!.gradRecurrent).toBeNull();
      } else {
        expectValues(
          rnn.params[1]!.grad,
          sum((s) => s.gradRecurrent),
          1e-5,
        );
        expectValues(
          rnn.params[2]!.grad,
          sum((s) => s.gradBias),
          1e-5,
        );
      }
      nr.dispose([x, y, own, value, ...Object.values(grads)]);
      m.dispose();
    }
  });

  it('padded sequences: masks flow as in fit, a masked step keeps its state and gets no error signal', async () => {
    nr.seed(11);
    const m = nr.sequential({
      layers: [
        nr.layers.embedding({ inputDim: 5, outputDim: 2, maskZero: true, inputShape: [4] }),
        nr.layers.simpleRNN({ units: 3, name: 'rnn' }),
        nr.layers.dense({ units: 1 }),
      ],
    });
    m.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    // the first row ends with two padding ids
    const x = nr.tensor2d(
      [
        [3, 1, 0, 0],
        [2, 4, 1, 3],
      ],
      [2, 4],
      'int32',
    );
    const y = nr.tensor2d([[0.5], [-0.5]]);
    const before = nr.memory().numTensors;
    const t = await nr.trace(m, x, y, { learningRate: 0.1 });
    expect(nr.memory().numTensors).toBe(before);
    const ev = await m.evaluate(x, y);
    expect(Math.abs(t.loss - ev.loss!)).toBeLessThan(1e-6);
    const { value, grads } = nr.variableGrads(() => nr.mean(nr.square(nr.sub(m.apply(x), y))));
    for (const l of t.layers)
      for (const p of l.params) expectValues(p.grad, Array.from(await grads[p.name]!.data()), 1e-6);
    const steps = t.layer('rnn').steps!;
    for (const s of steps.slice(2)) {
      // row 0 is padding at steps 2 and 3: its state stays h_1 and its delta is zero
      expectValues({ shape: [3], data: s.h.data.slice(0, 3) }, steps[1]!.h.data.slice(0, 3));
      expectValues({ shape: [3], data: s.delta.data.slice(0, 3) }, [0, 0, 0]);
    }
    expect(t.layers[0]!.gradInputs).toEqual([null]); // token ids have no gradient
    nr.dispose([x, y, value, ...Object.values(grads)]);
    m.dispose();
  });
});
