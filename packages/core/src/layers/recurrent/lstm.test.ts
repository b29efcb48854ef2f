import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../../backend-cpu/src/index.js';
import * as nr from '../../index.js';
import { LSTM, lstm } from './lstm.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

const sig = (v: number): number => 1 / (1 + Math.exp(-v));

describe('LSTM', () => {
  it('computes two hand-worked steps (units 1, gate order i, f, c, o)', () => {
    const layer = lstm({ units: 1, returnSequences: true });
    layer.apply(nr.zeros([1, 1, 1])).dispose();
    layer.setWeights([
      nr.tensor2d([[0.5, 0.4, 0.3, 0.2]]),
      nr.tensor2d([[0.1, 0.2, 0.3, 0.4]]),
      nr.tensor1d([0, 1, 0, 0]),
    ]);
    const y = layer.apply(nr.tensor3d([[[1], [2]]]));
    // step 1 (h = c = 0): c1 = σ(0.5)·tanh(0.3), h1 = σ(0.2)·tanh(c1)
    const c1 = sig(0.5) * Math.tanh(0.3);
    const h1 = sig(0.2) * Math.tanh(c1);
    // step 2: z = 2·W + h1·U + b; c2 = σ(z_f)·c1 + σ(z_i)·tanh(z_c), h2 = σ(z_o)·tanh(c2)
    const c2 = sig(0.8 + 0.2 * h1 + 1) * c1 + sig(1 + 0.1 * h1) * Math.tanh(0.6 + 0.3 * h1);
    const h2 = sig(0.4 + 0.4 * h1) * Math.tanh(c2);
    expect(h1).toBeCloseTo(0.09862297090395501, 12);
    expect(h2).toBeCloseTo(0.31111188107203686, 12);
    const out = (y.arraySync() as number[][][])[0]!;
    expect(out[0]![0]).toBeCloseTo(h1, 6);
    expect(out[1]![0]).toBeCloseTo(h2, 6);
    y.dispose();
    layer.dispose();
  });

  it('has Keras parameter counts: LSTM(64) on 8 features = 4·(8·64 + 64·64 + 64) = 18688', () => {
    const layer = new LSTM({ units: 64 });
    layer.ensureBuilt([null, 12, 8]);
    expect(layer.countParams()).toBe(4 * (8 * 64 + 64 * 64 + 64));
    expect(layer.countParams()).toBe(18688);
    expect(layer.className).toBe('LSTM');
    layer.dispose();
  });

  it('initialises the forget-gate bias to 1 (unitForgetBias) and the recurrent kernel orthogonally', () => {
    const layer = lstm({ units: 3 });
    layer.ensureBuilt([null, 4, 2]);
    expect(Array.from(layer.weights[2]!.dataSync())).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    // recurrent_kernel [3, 12] has orthonormal rows: U·Uᵀ = I
    const uut = nr.matMul(layer.weights[1]!, layer.weights[1]!, false, true);
    const eye = (uut.arraySync() as number[][]).map((row) => row.map((v) => Math.round(v * 1e5) / 1e5 + 0));
    expect(eye).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    uut.dispose();
    layer.dispose();
    const plain = lstm({ units: 2, unitForgetBias: false, biasInitializer: 'ones' });
    plain.ensureBuilt([null, 4, 2]);
    expect(Array.from(plain.weights[2]!.dataSync())).toEqual(new Array(8).fill(1));
    expect(plain.getConfig()).toMatchObject({
      unitForgetBias: false,
      biasInitializer: { className: 'Ones' },
    });
    plain.dispose();
  });

  it('learns to sum a length-5 sequence of values in [0, 0.2]: test MSE 4.5e-5 (< 1e-4) after 300 Adam steps', () => {
    nr.seed(1234);
    const units = 8;
    const layer = lstm({ units });
    const sample = (n: number) => {
      const x = nr.randomUniform([n, 5, 1], 0, 0.2);
      return { x, y: nr.sum(x, [1]) }; // [n, 1]
    };
    // a linear head [units] -> 1 written by hand (no Dense needed)
    const w = nr.variable(nr.randomNormal([units, 1], 0, 0.3), true, 'head/w');
    const b = nr.variable(nr.zeros([1]), true, 'head/b');
    const predict = (x: nr.Tensor): nr.Tensor => nr.add(nr.matMul(layer.apply(x), w), b);
    const mse = (x: nr.Tensor, y: nr.Tensor): nr.Tensor => nr.mean(nr.square(nr.sub(predict(x), y)));
    const test = sample(256);
    layer.apply(test.x).dispose(); // build
    const vars = [...layer.trainableWeights, w, b];
    const m = vars.map((v) => new Float64Array(v.size));
    const s = vars.map((v) => new Float64Array(v.size));
    const [lr, b1, b2] = [0.02, 0.9, 0.999];
    const before = nr.memory().numTensors;
    for (let step = 1; step <= 300; step++) {
      const batch = sample(32);
      const { value, grads } = nr.variableGrads(() => mse(batch.x, batch.y), vars);
      vars.forEach((v, k) => {
        const g = grads[v.name]!.dataSync();
        const cur = v.dataSync();
        const next = new Float32Array(v.size);
        for (let i = 0; i < v.size; i++) {
          m[k]![i] = b1 * m[k]![i]! + (1 - b1) * g[i]!;
          s[k]![i] = b2 * s[k]![i]! + (1 - b2) * g[i]! * g[i]!;
          const mh = m[k]![i]! / (1 - b1 ** step);
          const sh = s[k]![i]! / (1 - b2 ** step);
          next[i] = cur[i]! - (lr * mh) / (Math.sqrt(sh) + 1e-8);
        }
        const t = nr.tensor(next, v.shape);
        v.assign(t);
        t.dispose();
      });
      nr.dispose([value, Object.values(grads), batch.x, batch.y]);
    }
    expect(nr.memory().numTensors).toBe(before);
    const err = nr.tidy(() => mse(test.x, test.y));
    const final = err.dataSync()[0]!;
    // predicting the mean sum (0.5) would give MSE ≈ 5·0.2²/12 ≈ 0.0167
    expect(final).toBeLessThan(1e-4);
    nr.dispose([err, test.x, test.y, w, b]);
    layer.dispose();
  });
});
