import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { ELU, LeakyReLU, PReLU, ReLU, Softmax } from './advanced-activations.js';
import { testLayer } from './testing/harness.js';
import { expectClose, expectTfjsAgrees } from './testing/tfjs.js';

beforeAll(async () => {
  await nr.setBackend(cpu({ fast: false }));
});

/** Inputs in [-8, 8) away from the kinks at 0, 0.5 (threshold) and 6 (maxValue), so finite differences hold. */
const awayFromKinks = (shape: number[]) => (): nr.Tensor => {
  const n = shape.reduce((p, d) => p * d, 1);
  const v = Array.from({ length: n }, (_, i) => {
    const t = -7.9 + ((i * 7.31) % 15.8);
    return [0, 0.5, 6].some((k) => Math.abs(t - k) < 0.05) ? t + 0.1 : t;
  });
  return nr.tensor(v, shape);
};

testLayer('ReLU', () => nr.layers.reLU(), [3, 5], { input: awayFromKinks([3, 5]), params: 0 });
testLayer('ReLU6', () => nr.layers.reLU({ maxValue: 6 }), [3, 5], { input: awayFromKinks([3, 5]) });
testLayer(
  'ReLU threshold/negativeSlope/maxValue',
  () => nr.layers.reLU({ maxValue: 6, negativeSlope: 0.1, threshold: 0.5 }),
  [3, 5],
  { input: awayFromKinks([3, 5]) },
);
testLayer('LeakyReLU', () => nr.layers.leakyReLU({ alpha: 0.2 }), [2, 3, 4], {
  input: awayFromKinks([2, 3, 4]),
});
testLayer('ELU', () => nr.layers.elu({ alpha: 0.7 }), [2, 6], { input: awayFromKinks([2, 6]) });
testLayer('Softmax axis 1', () => nr.layers.softmax({ axis: 1 }), [2, 3, 4]);
testLayer(
  'PReLU',
  () => nr.layers.prelu({ alphaInitializer: { className: 'Constant', config: { value: 0.25 } } }),
  [2, 3, 4],
  { input: awayFromKinks([2, 3, 4]), params: 12 },
);
testLayer('PReLU sharedAxes', () => nr.layers.prelu({ sharedAxes: [1, 2] }), [2, 3, 3, 2], {
  input: awayFromKinks([2, 3, 3, 2]),
  params: 2,
});

describe('activation layers: values', () => {
  it('ReLU follows the Keras formula (hand-computed)', async () => {
    const x = nr.tensor1d([-2, 0.2, 0.5, 3, 9]);
    const cases: [ReLU, number[]][] = [
      [new ReLU(), [0, 0.2, 0.5, 3, 9]],
      [new ReLU({ maxValue: 6 }), [0, 0.2, 0.5, 3, 6]],
      [new ReLU({ threshold: 0.5 }), [0, 0, 0.5, 3, 9]],
      [new ReLU({ negativeSlope: 0.1, threshold: 0.5, maxValue: 4 }), [-0.25, -0.03, 0.5, 3, 4]],
    ];
    for (const [layer, want] of cases) {
      const y = layer.apply(x);
      expectClose(await y.data(), want, 1e-6);
      y.dispose();
    }
    x.dispose();
  });

  it('LeakyReLU, ELU and PReLU (hand-computed)', async () => {
    const x = nr.tensor2d([
      [-2, 1],
      [-1, 3],
    ]);
    const lr = new LeakyReLU().apply(x); // default alpha 0.3
    expectClose(await lr.data(), [-0.6, 1, -0.3, 3], 1e-6);
    const e = new ELU({ alpha: 2 }).apply(x);
    expectClose(await e.data(), [2 * Math.expm1(-2), 1, 2 * Math.expm1(-1), 3], 1e-6);
    const p = new PReLU();
    nr.dispose(p.apply(x));
    const alpha = nr.tensor1d([0.5, 0.1]);
    p.setWeights([alpha]);
    const py = p.apply(x);
    expectClose(await py.data(), [-1, 1, -0.5, 3], 1e-6);
    expect(p.weights.map((w) => w.name)).toEqual([`${p.name}/alpha`]);
    nr.dispose([x, lr, e, py, alpha]);
    p.dispose();
  });

  it('Softmax normalises the chosen axis', async () => {
    const x = nr.tensor2d([
      [0, Math.log(3)],
      [Math.log(2), Math.log(2)],
    ]);
    const rows = new Softmax().apply(x);
    expectClose(await rows.data(), [0.25, 0.75, 0.5, 0.5], 1e-6);
    const x3 = nr.tensor3d([
      [
        [0, Math.log(2)],
        [Math.log(3), Math.log(2)],
      ],
    ]);
    const cols = new Softmax({ axis: [1] }).apply(x3);
    expectClose(await cols.data(), [0.25, 0.5, 0.75, 0.5], 1e-6);
    nr.dispose([x, rows, x3, cols]);
  });
});

describe('activation layers: errors and config', () => {
  it('reject bad arguments and inputs, naming the layer', () => {
    expect(() => new ReLU({ name: 'r', maxValue: -1 })).toThrow(
      "ReLU 'r': maxValue must be a finite number >= 0, got -1",
    );
    expect(() => new LeakyReLU({ name: 'l', alpha: Number.NaN })).toThrow("LeakyReLU 'l': alpha");
    expect(() => new Softmax({ name: 's', axis: 1.5 })).toThrow("Softmax 's': axis must be an integer");
    expect(() => new Softmax({ name: 's2', axis: 0 }).computeOutputShape([null, 3])).toThrow(
      "Softmax 's2': axis 0 must name a non-batch axis of the input, got input [null, 3]",
    );
    expect(() => new PReLU({ name: 'p', sharedAxes: [0] })).toThrow(
      "PReLU 'p': sharedAxes must be integers >= 1",
    );
    expect(() => new PReLU({ name: 'p2' }).computeOutputShape([null, null, 3])).toThrow(
      "PReLU 'p2': every axis that is not shared must be known, got input [null, null, 3]",
    );
    const p = new PReLU({ name: 'p3' });
    nr.dispose(p.apply(nr.zeros([1, 2, 3])));
    const bad = nr.zeros([1, 4, 3]);
    expect(() => p.apply(bad)).toThrow("PReLU 'p3': expected input shape [null, 2, 3], got [null, 4, 3]");
    nr.dispose(bad);
    p.dispose();
  });

  it('use the Keras config keys', () => {
    expect(new ReLU({ name: 'r', maxValue: 6 }).getConfig()).toEqual({
      name: 'r',
      trainable: true,
      dtype: 'float32',
      maxValue: 6,
      negativeSlope: 0,
      threshold: 0,
    });
    expect(new LeakyReLU({ negativeSlope: 0.1 }).getConfig().alpha).toBe(0.1);
    expect(new PReLU({ sharedAxes: 1 }).getConfig()).toMatchObject({
      alphaInitializer: { className: 'Zeros', config: {} },
      sharedAxes: [1],
      alphaConstraint: null,
    });
    expect(new PReLU().name).toMatch(/^p_re_lu/);
    expect(new ReLU().name).toMatch(/^re_lu/);
  });
});

describe('activation layers: tfjs-layers 4.22 agrees', () => {
  it('ReLU6, LeakyReLU, ELU, Softmax and PReLU in one model, both ways', async () => {
    const names = await expectTfjsAgrees(
      [
        nr.layers.reLU({ maxValue: 6, inputShape: [3, 4] }),
        nr.layers.leakyReLU({ alpha: 0.2 }),
        nr.layers.prelu({ sharedAxes: [1], name: 'pr' }),
        nr.layers.elu(),
        nr.layers.softmax(), // tfjs-core's softmax supports the last axis only
      ],
      [2, 3, 4],
      { inputScale: 10 }, // past ReLU6's cap
    );
    expect(names).toEqual(['pr/alpha']);
  });

  it('ReLU without a cap and PReLU with a slope per element', async () => {
    await expectTfjsAgrees([nr.layers.prelu({ inputShape: [4] }), nr.layers.reLU()], [3, 4]);
  });
});
