import { afterAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../../backend-cpu/src/index.js';
import type { Backend } from '../../backend/types.js';
import * as nr from '../../index.js';
import { gruSequence, gruSequenceGrad, lstmSequence, rnnSequence } from '../../ops/recurrent.js';

/** Deterministic values in [-scale, scale). */
const values = (n: number, seed: number, scale = 0.8): number[] =>
  Array.from({ length: n }, (_, i) => ((Math.sin(seed * 97 + i * 12.9898) * 43758.5453) % 1) * scale);

const RECURRENT = new Set([
  'lstmSequence',
  'lstmSequenceGrad',
  'gruSequence',
  'gruSequenceGrad',
  'rnnSequence',
  'rnnSequenceGrad',
]);

/** The same backend without its fused recurrent kernels: the layers then run their unrolled loop. */
function unrolled(b: Backend): Backend {
  const kernels = new Proxy(b.kernels, {
    get: (t, p) => (typeof p === 'string' && RECURRENT.has(p) ? undefined : Reflect.get(t, p, t)),
  });
  return new Proxy(b, {
    get: (t, p) => {
      if (p === 'kernels') return kernels;
      const v: unknown = Reflect.get(t, p, t);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
    },
  });
}

type Kind = 'simple-rnn' | 'lstm' | 'gru' | 'gru-resetAfter';

/** Train a small model for 3 Adam steps and return its weights (and the final predictions) as host arrays. */
async function train(
  backend: Backend,
  kind: Kind,
  opts: { returnSequences: boolean; goBackwards: boolean; batch: number; time: number; units: number },
): Promise<number[][]> {
  await nr.setBackend(backend);
  nr.seed(42);
  const args = { units: opts.units, returnSequences: opts.returnSequences, goBackwards: opts.goBackwards };
  const rnn =
    kind === 'simple-rnn'
      ? nr.layers.simpleRNN({ ...args, inputShape: [opts.time, 3] })
      : kind === 'lstm'
        ? nr.layers.lstm({ ...args, inputShape: [opts.time, 3] })
        : nr.layers.gru({ ...args, resetAfter: kind === 'gru-resetAfter', inputShape: [opts.time, 3] });
  const model = nr.sequential({
    layers: [rnn, ...(opts.returnSequences ? [nr.layers.flatten()] : []), nr.layers.dense({ units: 2 })],
  });
  model.compile({ optimizer: nr.optimizers.adam({ learningRate: 0.05 }), loss: 'meanSquaredError' });
  const x = nr.randomNormal([opts.batch * 3, opts.time, 3]);
  const y = nr.randomNormal([opts.batch * 3, 2]);
  const before = nr.memory().numTensors;
  await model.fit(x, y, { epochs: 1, batchSize: opts.batch, shuffle: false, verbose: 0 });
  expect(nr.memory().numTensors).toBe(before);
  const pred = model.predict(x) as nr.Tensor;
  const out = [...model.getWeights(), pred].map((t) => Array.from(t.dataSync()));
  nr.dispose([x, y, pred]);
  model.dispose();
  return out;
}

const fast = cpu();
const reference = cpu({ fast: false });
afterAll(() => fast.shutdown());

describe('fused SimpleRNN/LSTM/GRU sequence kernels', () => {
  // units 8: the SIMD gate kernels (multiples of 4 units); units 5: the scalar loop
  const cases: [Kind, boolean, boolean, number, number, number][] = [
    ['simple-rnn', false, false, 4, 6, 5],
    ['simple-rnn', true, true, 2, 5, 8],
    ['simple-rnn', false, true, 1, 1, 3],
    ['lstm', false, false, 4, 6, 5],
    ['lstm', false, false, 4, 6, 8],
    ['lstm', true, true, 2, 5, 8],
    ['lstm', false, true, 1, 1, 5],
    ['gru', false, false, 4, 6, 5],
    ['gru', false, true, 3, 6, 8],
    ['gru', true, true, 1, 4, 5],
    ['gru-resetAfter', false, true, 3, 5, 5],
    ['gru-resetAfter', true, false, 2, 1, 8],
    ['gru-resetAfter', false, false, 2, 7, 8],
  ];
  it.each(cases)(
    '%s (returnSequences %s, goBackwards %s, batch %i, time %i, units %i): fused == unrolled after 3 Adam steps (1e-5)',
    async (kind, returnSequences, goBackwards, batch, time, units) => {
      const opts = { returnSequences, goBackwards, batch, time, units };
      for (const b of [fast, reference]) {
        const want = await train(unrolled(b), kind, opts);
        const got = await train(b, kind, opts);
        expect(got.length).toBe(want.length);
        got.forEach((g, i) => {
          const worst = Math.max(...g.map((v, j) => Math.abs(v - want[i]![j]!)));
          expect(worst, `array ${i} on ${b === fast ? 'fast' : 'reference'} cpu`).toBeLessThan(1e-5);
        });
      }
    },
  );

  it('runs one kernel per sequence (no per-step ops) and rejects malformed operands by op name', async () => {
    await nr.setBackend(fast);
    const calls: string[] = [];
    const spy = new Proxy(fast.kernels, {
      get: (t, p) => {
        const v: unknown = Reflect.get(t, p, t);
        if (typeof v !== 'function') return v;
        return (...a: unknown[]) => {
          calls.push(String(p));
          return (v as (...a: unknown[]) => unknown)(...a);
        };
      },
    });
    const spied = new Proxy(fast, { get: (t, p) => (p === 'kernels' ? spy : Reflect.get(t, p, t)) });
    await nr.setBackend(spied);
    const x = nr.ones([2, 30, 3]);
    for (const [layer, kernel] of [
      [nr.layers.lstm({ units: 4 }), 'lstmSequence'],
      [nr.layers.simpleRNN({ units: 4 }), 'rnnSequence'],
    ] as const) {
      layer.apply(x).dispose(); // builds
      calls.length = 0;
      const { value, grads } = nr.variableGrads(() => nr.sum(layer.apply(x)));
      nr.dispose([value, Object.values(grads)]);
      expect(calls.filter((c) => c === kernel).length).toBe(1);
      expect(calls.filter((c) => c === `${kernel}Grad`).length).toBe(1);
      expect(calls.length).toBeLessThan(30); // the unrolled loop runs a few kernels per step
      layer.dispose();
    }
    x.dispose();
    await nr.setBackend(fast);
  });

  it('rejects malformed operands with errors naming the op, expected and actual shapes', async () => {
    await nr.setBackend(fast);
    const before = nr.memory().numTensors;
    nr.tidy(() => {
      const u = nr.zeros([3, 12]);
      expect(() => lstmSequence(nr.zeros([2, 4, 10]), u, false)).toThrow(
        'lstmSequence: xw must be [batch, time >= 1, 12] for 3 units, got [2, 4, 10]',
      );
      expect(() => lstmSequence(nr.zeros([2, 0, 12]), u, false)).toThrow(/lstmSequence: xw must be/);
      expect(() => lstmSequence(nr.zeros([2, 4, 12]), nr.zeros([3, 9]), false)).toThrow(
        'lstmSequence: recurrentKernel must be [units, 4·units] with units >= 1, got [3, 9]',
      );
      expect(() => lstmSequence(nr.zeros([2, 4, 12], 'int32'), u, false)).toThrow(
        'lstmSequence: xw must be float32, got int32',
      );
      const g = nr.zeros([3, 9]);
      expect(() => gruSequence(nr.zeros([2, 4, 9]), g, nr.zeros([8]), false, true)).toThrow(
        'gruSequence: recurrentBias must hold 9 values, got [8]',
      );
      expect(() => gruSequence(nr.zeros([2, 4, 9]), g, nr.zeros([9]), false, false)).toThrow(
        'gruSequence: recurrentBias is only used with resetAfter',
      );
      const info = { batch: 2, time: 4, units: 3, goBackwards: false, resetAfter: false };
      expect(() => gruSequenceGrad(nr.zeros([2, 4, 15]), nr.zeros([2, 4, 14]), g, info)).toThrow(
        'gruSequenceGrad: packed and dPacked must be [2, 4, 15], got [2, 4, 14] and [2, 4, 15]',
      );
    });
    expect(nr.memory().numTensors).toBe(before);
  });

  it.each([
    ['simple-rnn', false, 3],
    ['simple-rnn', true, 4],
    ['lstm', false, 3],
    ['lstm', true, 4],
    ['gru', true, 3],
    ['gru', false, 4],
    ['gru-resetAfter', false, 3],
    ['gru-resetAfter', true, 4],
  ] as const)(
    '%s composite (goBackwards %s, units %i) == kernel: packed h and gradients',
    async (kind, gb, n) => {
      const [batch, time] = [2, 4];
      const k = kind === 'simple-rnn' ? 1 : kind === 'lstm' ? 4 : 3;
      const host = {
        xw: values(batch * time * k * n, 1),
        u: values(n * k * n, 2),
        rb: values(k * n, 3),
        r: values(batch * time * n, 4),
      };
      const run = async (b: Backend): Promise<number[][]> => {
        await nr.setBackend(b);
        const xw = nr.tensor(host.xw, [batch, time, k * n]);
        const u = nr.tensor(host.u, [n, k * n]);
        const rb = nr.tensor(host.rb, [k * n]);
        const r = nr.tensor(host.r, [batch, time, n]);
        const f = (x: nr.Tensor, w: nr.Tensor, bias: nr.Tensor): nr.Tensor => {
          const packed =
            kind === 'simple-rnn'
              ? rnnSequence(x, w, gb)
              : kind === 'lstm'
                ? lstmSequence(x, w, gb)
                : gruSequence(x, w, kind === 'gru' ? null : bias, gb, kind === 'gru-resetAfter');
          return nr.sum(nr.mul(nr.slice(packed, [0, 0, 0], [batch, time, n]), r));
        };
        const packed =
          kind === 'simple-rnn'
            ? rnnSequence(xw, u, gb)
            : kind === 'lstm'
              ? lstmSequence(xw, u, gb)
              : gruSequence(xw, u, null, gb, false);
        const gs = nr.grads(f)([xw, u, rb]);
        const out = [packed, ...gs].map((t) => Array.from(t.dataSync()));
        nr.dispose([xw, u, rb, r, packed, gs]);
        return out;
      };
      const want = await run(reference);
      const got = await run(unrolled(reference));
      expect(got.length).toBe(want.length);
      got.forEach((g, i) => {
        const worst = Math.max(...g.map((v, j) => Math.abs(v - want[i]![j]!)));
        expect(worst, `array ${i}`).toBeLessThan(1e-5);
      });
    },
  );
});
