import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../../backend-cpu/src/index.js';
import * as nr from '../../index.js';
import type { ConfigDict } from '../../initializers/initializers.js';
import { Sequential } from '../../models/sequential.js';
import { testLayer } from '../testing/harness.js';
import { GRU } from './gru.js';
import { LSTM } from './lstm.js';
import type { RNNBase, RNNBaseArgs } from './rnn-base.js';
import { SimpleRNN } from './simple-rnn.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

type Kind = 'SimpleRNN' | 'LSTM' | 'GRU' | 'GRU-resetAfter';
const KINDS: Kind[] = ['SimpleRNN', 'LSTM', 'GRU', 'GRU-resetAfter'];
const GATES: Record<Kind, number> = { SimpleRNN: 1, LSTM: 4, GRU: 3, 'GRU-resetAfter': 3 };

function make(kind: Kind, args: Partial<RNNBaseArgs> & { units: number }): RNNBase {
  if (kind === 'SimpleRNN') return new SimpleRNN(args);
  if (kind === 'LSTM') return new LSTM(args);
  return new GRU({ ...args, resetAfter: kind === 'GRU-resetAfter' });
}

/** Deterministic pseudo-random host values in [-s, s]. */
function values(n: number, seed: number, s = 1): number[] {
  let state = seed >>> 0;
  return Array.from({ length: n }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 0x100000000 - 0.5) * 2 * s;
  });
}

const sig = (v: number): number => 1 / (1 + Math.exp(-v));

/** Float64 reference of the three cells (Keras formulas), x as [b][t][f], weights row-major. */
function reference(
  kind: Kind,
  x: number[][][],
  w: { kernel: number[]; rec: number[]; bias: number[] },
  units: number,
  opts: { returnSequences?: boolean; goBackwards?: boolean } = {},
): (number[] | number[][])[] {
  const k = GATES[kind];
  const n = k * units;
  const f = x[0]![0]!.length;
  const proj = (v: number[], m: number[], rows: number, col: number): number => {
    let acc = 0;
    for (let r = 0; r < rows; r++) acc += v[r]! * m[r * n + col]!;
    return acc;
  };
  return x.map((seq): number[] | number[][] => {
    let h = new Array<number>(units).fill(0);
    let c = new Array<number>(units).fill(0);
    const outs: number[][] = [];
    const order = seq.map((_, t) => (opts.goBackwards ? seq.length - 1 - t : t));
    for (const t of order) {
      const xt = seq[t]!;
      const xw = Array.from({ length: n }, (_, j) => proj(xt, w.kernel, f, j) + (w.bias[j] ?? 0));
      const hu = Array.from({ length: n }, (_, j) => proj(h, w.rec, units, j));
      if (kind === 'SimpleRNN') h = h.map((_, j) => Math.tanh(xw[j]! + hu[j]!));
      else if (kind === 'LSTM') {
        const z = xw.map((v, j) => v + hu[j]!);
        c = c.map((cv, j) => sig(z[units + j]!) * cv + sig(z[j]!) * Math.tanh(z[2 * units + j]!));
        h = h.map((_, j) => sig(z[3 * units + j]!) * Math.tanh(c[j]!));
      } else {
        const ra = kind === 'GRU-resetAfter';
        const hb = (j: number): number => (ra ? (w.bias[n + j] ?? 0) : 0);
        const z = h.map((_, j) => sig(xw[j]! + hu[j]! + hb(j)));
        const r = h.map((_, j) => sig(xw[units + j]! + hu[units + j]! + hb(units + j)));
        const cand = h.map((_, j) => {
          const rec = ra
            ? r[j]! * (hu[2 * units + j]! + hb(2 * units + j))
            : proj(
                h.map((hv, i) => r[i]! * hv),
                w.rec,
                units,
                2 * units + j,
              );
          return Math.tanh(xw[2 * units + j]! + rec);
        });
        h = h.map((hv, j) => z[j]! * hv + (1 - z[j]!) * cand[j]!);
      }
      outs.push([...h]);
    }
    return opts.returnSequences ? outs : outs[outs.length - 1]!;
  });
}

/** Build `layer` for `features` inputs and give it deterministic random weights (returned as host arrays). */
function setRandomWeights(layer: RNNBase, features: number, seed: number) {
  layer.apply(nr.zeros([1, 1, features])).dispose();
  const ws = layer.getWeights();
  const host = ws.map((t, i) => values(t.size, seed + i, 0.6));
  layer.setWeights(host.map((v, i) => nr.tensor(v, ws[i]!.shape)));
  nr.dispose(ws);
  return { kernel: host[0]!, rec: host[1]!, bias: host[2] ?? [] };
}

function sequences(b: number, t: number, f: number, seed: number): number[][][] {
  const v = values(b * t * f, seed);
  return Array.from({ length: b }, (_, i) =>
    Array.from({ length: t }, (_, j) => v.slice((i * t + j) * f, (i * t + j + 1) * f)),
  );
}

function expectClose(actual: unknown, expected: unknown, tol = 1e-5): void {
  const a = (actual as number[]).flat(3) as number[];
  const e = (expected as number[]).flat(3) as number[];
  expect(a.length).toBe(e.length);
  const worst = Math.max(...a.map((v, i) => Math.abs(v - e[i]!)));
  expect(worst).toBeLessThanOrEqual(tol);
}

describe('recurrent layers in a Sequential model', () => {
  it('stacks LSTM(returnSequences) -> GRU with Keras parameter counts', () => {
    const model = new Sequential({
      layers: [new LSTM({ units: 4, returnSequences: true }), new GRU({ units: 2, resetAfter: true })],
    });
    model.build([null, 5, 3]);
    expect(model.outputShape).toEqual([null, 2]);
    // LSTM 4·(3·4 + 4·4 + 4) = 128, GRU 3·(4·2 + 2·2 + 2) + 3·2 = 48
    expect(model.countParams()).toBe(128 + 48);
    const y = model.apply(nr.ones([2, 5, 3]));
    expect(y.shape).toEqual([2, 2]);
    y.dispose();
    for (const l of model.layers) l.dispose();
  });
});

describe.each(KINDS)('%s', (kind) => {
  it('matches a float64 reference over 4 steps (last output, full sequence, goBackwards)', () => {
    const x = sequences(2, 4, 3, 11);
    for (const opts of [{}, { returnSequences: true }, { goBackwards: true, returnSequences: true }]) {
      const layer = make(kind, { units: 3, ...opts });
      const w = setRandomWeights(layer, 3, 5);
      const y = layer.apply(nr.tensor(x));
      expect(y.shape).toEqual(opts.returnSequences ? [2, 4, 3] : [2, 3]);
      expectClose(y.arraySync(), reference(kind, x, w, 3, opts));
      y.dispose();
      layer.dispose();
    }
  });

  it('has the Keras weight names, shapes and order', () => {
    const layer = make(kind, { units: 5 });
    layer.apply(nr.zeros([1, 2, 3])).dispose();
    const k = GATES[kind];
    expect(layer.weights.map((w) => w.name.split('/').pop())).toEqual(['kernel', 'recurrent_kernel', 'bias']);
    expect(layer.weights.map((w) => w.shape)).toEqual([
      [3, k * 5],
      [5, k * 5],
      kind === 'GRU-resetAfter' ? [2, 15] : [k * 5],
    ]);
    expect(layer.computeOutputShape([null, 7, 3])).toEqual([null, 5]);
    layer.dispose();
    const noBias = make(kind, { units: 2, useBias: false });
    noBias.apply(nr.zeros([1, 2, 3])).dispose();
    expect(noBias.weights.length).toBe(2);
    expect(noBias.countParams()).toBe(3 * 2 * k + 2 * 2 * k);
    noBias.dispose();
  });

  it('stacks: returnSequences feeds a second layer; any sequence length after build', () => {
    const first = make(kind, { units: 4, returnSequences: true });
    const second = make(kind, { units: 2 });
    expect(first.computeOutputShape([null, 6, 3])).toEqual([null, 6, 4]);
    const y = nr.tidy(() => second.apply(first.apply(nr.randomNormal([3, 6, 3]))));
    expect(y.shape).toEqual([3, 2]);
    const y2 = nr.tidy(() => second.apply(first.apply(nr.randomNormal([2, 9, 3]))));
    expect(y2.shape).toEqual([2, 2]);
    nr.dispose([y, y2]);
    first.dispose();
    second.dispose();
  });

  it('passes gradCheck for the input (3 steps, max rel error ~1e-6, tol 1e-4)', async () => {
    const layer = make(kind, { units: 3, returnSequences: true });
    setRandomWeights(layer, 2, 3);
    const x = nr.tensor(sequences(2, 3, 2, 7));
    const r = await nr.gradCheck((xi) => layer.apply(xi), [x], { eps: 1e-2, tol: 1e-4 });
    expect(r.passed, `max rel error ${r.maxRelError}`).toBe(true);
    x.dispose();
    layer.dispose();
  });

  it('weight gradients (variableGrads) match host finite differences (max rel error ~2e-5, tol 2e-4)', () => {
    const layer = make(kind, { units: 2, returnSequences: kind !== 'LSTM' });
    const host = setRandomWeights(layer, 2, 9);
    const x = nr.tensor(sequences(2, 3, 2, 4));
    const probe = layer.apply(x);
    const r = nr.tensor(values(probe.size, 77), probe.shape);
    probe.dispose();
    const loss = (): nr.Tensor => nr.sum(nr.mul(layer.apply(x), r));
    const { value, grads } = nr.variableGrads(loss);
    value.dispose();
    const shapes = layer.weights.map((w) => w.shape);
    const arrays = [host.kernel, host.rec, host.bias];
    const eps = 1e-2;
    let worst = 0;
    layer.weights.forEach((w, wi) => {
      const g = grads[w.name]!.dataSync();
      for (let i = 0; i < arrays[wi]!.length; i++) {
        const at = (v: number): number => {
          const copy = arrays.map((a) => [...a]);
          copy[wi]![i] = v;
          const ts = copy.map((a, j) => nr.tensor(a, shapes[j]!));
          layer.setWeights(ts);
          nr.dispose(ts);
          const l = nr.tidy(loss);
          const out = l.dataSync()[0]!;
          l.dispose();
          return out;
        };
        const orig = arrays[wi]![i]!;
        const numeric = (at(orig + eps) - at(orig - eps)) / (2 * eps);
        worst = Math.max(worst, Math.abs(numeric - g[i]!) / Math.max(1, Math.abs(numeric)));
      }
    });
    expect(worst).toBeLessThan(2e-4);
    nr.dispose([x, r, Object.values(grads)]);
    layer.dispose();
  });

  it('does not leak tensors in apply or variableGrads', () => {
    const layer = make(kind, { units: 3, returnSequences: true });
    const x = nr.randomNormal([2, 5, 4]);
    layer.apply(x).dispose();
    const before = nr.memory().numTensors;
    layer.apply(x).dispose();
    const { value, grads } = nr.variableGrads(() => nr.sum(layer.apply(x)));
    nr.dispose([value, Object.values(grads)]);
    expect(nr.memory().numTensors).toBe(before);
    x.dispose();
    layer.dispose();
  });

  it('rejects bad inputs and unsupported options with clear errors', () => {
    const layer = make(kind, { units: 2, name: `bad_${kind}` });
    const cls = kind.replace('-resetAfter', '');
    expect(() => layer.apply(nr.zeros([2, 3]))).toThrow(
      new RegExp(`${cls} 'bad_${kind}': expected input of rank 3 .*got shape \\[null, 3\\]`),
    );
    layer.apply(nr.zeros([1, 2, 3])).dispose();
    expect(() => layer.apply(nr.zeros([1, 2, 4]))).toThrow(
      /expected input shape \[null, null, 3\], got \[null, 2, 4\] \(feature dimension 4 differs/,
    );
    expect(() => layer.apply(nr.zeros([1, 0, 3]))).toThrow(/no time steps/);
    expect(() => layer.apply(nr.zeros([1, 2, 3, 1]))).toThrow(/rank 3/);
    layer.dispose();
    expect(() => make(kind, { units: 2, dropout: 0.2 })).toThrow(/dropout is not supported \(got 0.2\)/);
    expect(() => make(kind, { units: 2, recurrentDropout: 0.1 })).toThrow(
      /recurrentDropout is not supported/,
    );
    expect(() => make(kind, { units: 0 })).toThrow(/units must be a positive integer, got 0/);
    expect(() => make(kind, { units: 2, activation: 'nope' })).toThrow(/unknown activation 'nope'/);
  });

  it('rebuilds from its own getConfig() with the same outputs', () => {
    const layer = make(kind, {
      units: 3,
      returnSequences: true,
      goBackwards: true,
      kernelRegularizer: nr.regularizers.l2({ l2: 0.01 }),
    });
    const x = nr.randomNormal([2, 4, 3]);
    const y1 = layer.apply(x);
    const config = layer.getConfig();
    expect(config).toMatchObject({
      units: 3,
      activation: 'tanh',
      useBias: true,
      returnSequences: true,
      goBackwards: true,
      kernelInitializer: { className: 'GlorotUniform' },
      recurrentInitializer: { className: 'Orthogonal' },
      kernelRegularizer: { className: 'L1L2', config: { l1: 0, l2: 0.01 } },
      recurrentRegularizer: null,
    });
    const Cls = layer.constructor as new (c: ConfigDict) => RNNBase;
    const copy = new Cls(JSON.parse(JSON.stringify({ ...config, name: `${layer.name}_copy` })));
    expect(copy.getConfig()).toEqual({ ...config, name: `${layer.name}_copy` });
    copy.apply(x).dispose();
    copy.setWeights(layer.weights);
    const y2 = copy.apply(x);
    expectClose(y2.arraySync(), y1.arraySync(), 0);
    const reg = copy.regularizationLoss()!;
    const k = Array.from(layer.weights[0]!.dataSync());
    expect(reg.dataSync()[0]).toBeCloseTo(0.01 * k.reduce((s, v) => s + v * v, 0), 5);
    nr.dispose([x, y1, y2, reg]);
    layer.dispose();
    copy.dispose();
  });
});

// The shared layer harness: output shapes, leaks, input and weight gradients, an SGD step, weight and config
// round trips; 3 features, 4 time steps, units 3 (Keras parameter counts k·(3·3 + 3·3 + 3), +9 with resetAfter).
for (const kind of KINDS) {
  for (const returnSequences of [false, true]) {
    const params = GATES[kind] * 21 + (kind === 'GRU-resetAfter' ? 9 : 0);
    testLayer(
      `${kind} returnSequences=${returnSequences}`,
      () => make(kind, { units: 3, returnSequences, goBackwards: returnSequences }),
      [2, 4, 3],
      { params, tol: 1e-3 },
    );
  }
}
