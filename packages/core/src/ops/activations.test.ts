import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

async function values(t: nr.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

function expectClose(actual: number[], expected: number[], digits = 5): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    expect(a, `element ${i}`).toBeCloseTo(expected[i]!, digits);
  });
}

async function gradOf(f: (x: nr.Tensor) => nr.Tensor, xs: number[]): Promise<number[]> {
  return nr
    .tidy(() => nr.grad((x) => nr.sum(f(x)))(nr.tensor(xs)))
    .data()
    .then((d) => Array.from(d));
}

// Away from every kink (0, 6, the clip bounds), so finite differences are valid.
const SMOOTH = [-2.5, -1.3, -0.4, 0.3, 0.9, 2.2, 5.5, 7.1];

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

describe('clipByValue', () => {
  it('clamps and keeps int32', async () => {
    expect(await values(nr.clipByValue([-2, 0.5, 3], -1, 1))).toEqual([-1, 0.5, 1]);
    const i = nr.clipByValue(nr.tensor([-5, 2, 9], undefined, 'int32'), 0, 4);
    expect(i.dtype).toBe('int32');
    expect(await values(i)).toEqual([0, 2, 4]);
  });

  it('passes the gradient where min <= x <= max, bounds included', async () => {
    expect(await gradOf((x) => nr.clipByValue(x, -1, 1), [-1, 1, -2, 2, 0])).toEqual([1, 1, 0, 0, 1]);
    const r = await nr.gradCheck((x) => nr.clipByValue(x, -2, 3), [nr.tensor(SMOOTH)]);
    expect(r.passed).toBe(true);
  });

  it('rejects bad bounds and bool input', () => {
    expect(() => nr.clipByValue([1], 2, 1)).toThrow(/clipByValue: min \(2\) must not exceed max \(1\)/);
    expect(() => nr.clipByValue([1], Number.NaN, 1)).toThrow(/clipByValue: 'min' must be a number/);
    expect(() => nr.clipByValue(nr.tensor([true]), 0, 1)).toThrow(
      /clipByValue: argument 'x' must be float32 or int32, got bool/,
    );
  });
});

describe('ReLU family', () => {
  it('hardSigmoid (clip(0.2x + 0.5, 0, 1), as tfjs-layers)', async () => {
    const v = await values(nr.hardSigmoid([-3, -2.5, 0, 1, 2, 3]));
    for (const [i, e] of [0, 0, 0.5, 0.7, 0.9, 1].entries()) expect(v[i]).toBeCloseTo(e, 6);
    const g = await gradOf(nr.hardSigmoid, [-3, -1, 0.5, 2, 3]);
    for (const [i, e] of [0, 0.2, 0.2, 0.2, 0].entries()) expect(g[i]).toBeCloseTo(e, 6);
  });

  it('relu6', async () => {
    expect(await values(nr.relu6([-1, 3, 8, 6]))).toEqual([0, 3, 6, 6]);
    expect(await gradOf(nr.relu6, [0, 6, 7, 3, -1])).toEqual([0, 1, 0, 1, 0]);
  });

  it('leakyRelu', async () => {
    expectClose(await values(nr.leakyRelu([-1, 2])), [-0.2, 2]);
    expectClose(await values(nr.leakyRelu([-1, 2], 0.1)), [-0.1, 2]);
    expectClose(await gradOf((x) => nr.leakyRelu(x, 0.1), [-1, 2]), [0.1, 1]);
    expect(() => nr.leakyRelu([1], Number.NaN)).toThrow(/leakyRelu: 'alpha' must be a number/);
  });

  it('elu and selu', async () => {
    expectClose(await values(nr.elu([-1, 0, 2])), [Math.expm1(-1), 0, 2]);
    expectClose(await values(nr.elu([-1], 2)), [2 * Math.expm1(-1)]);
    expectClose(await values(nr.selu([-1, 0, 1])), [SELU_SCALE * SELU_ALPHA * Math.expm1(-1), 0, SELU_SCALE]);
    const e = nr.elu(nr.tensor([-3, 4], undefined, 'int32'));
    expect(e.dtype).toBe('float32');
    expectClose(await values(e), [Math.expm1(-3), 4]);
  });

  it('elu and selu gradients stay finite at large |x|', async () => {
    const xs = [-100, -30, -1, 0.5, 30, 100, 1000];
    expectClose(await gradOf(nr.elu, xs), [0, Math.exp(-30), Math.exp(-1), 1, 1, 1, 1]);
    expectClose(
      await gradOf(nr.selu, xs),
      xs.map((x) => (x > 0 ? SELU_SCALE : SELU_SCALE * SELU_ALPHA * Math.exp(x))),
    );
  });
});

describe('prelu', () => {
  it('broadcasts alpha and sends gradients to x and alpha (hand-computed)', async () => {
    const x = nr.tensor2d([
      [-2, 1],
      [-1, 3],
    ]);
    const alpha = nr.tensor1d([0.5, 0.1]);
    expect(await values(nr.prelu(x, alpha))).toEqual([-1, 1, -0.5, 3]);
    const [dx, da] = nr.grads((a: nr.Tensor, b: nr.Tensor) => nr.sum(nr.prelu(a, b)))([x, alpha]);
    expect(await values(dx!)).toEqual([0.5, 1, 0.5, 1]);
    // d/dalpha_j = sum of the negative x in column j
    expect(await values(da!)).toEqual([-3, 0]);
    nr.dispose([x, alpha, dx!, da!]);
  });

  it('rejects a non-float alpha', () => {
    expect(() => nr.prelu([1], nr.tensor([1], undefined, 'int32'))).toThrow(
      "prelu: argument 'alpha' must be float32, got int32",
    );
  });
});

describe('smooth activations', () => {
  it('softplus is stable', async () => {
    expectClose(await values(nr.softplus([0, 1, -1, 100, -100])), [
      Math.LN2,
      Math.log1p(Math.E),
      Math.log1p(Math.exp(-1)),
      100,
      0,
    ]);
    const sig = (x: number): number => 1 / (1 + Math.exp(-x));
    const xs = [-100, -50, -2, 0, 2, 50, 100];
    expectClose(await gradOf(nr.softplus, xs), xs.map(sig));
  });

  it('softsign', async () => {
    expectClose(await values(nr.softsign([-1, 3, 0])), [-0.5, 0.75, 0]);
    expectClose(await gradOf(nr.softsign, [0, 1, -3, 1e6]), [1, 0.25, 1 / 16, 0]);
  });

  it('swish', async () => {
    const sig = (x: number): number => 1 / (1 + Math.exp(-x));
    expectClose(await values(nr.swish([0, 1, -2])), [0, sig(1), -2 * sig(-2)]);
    expectClose(await values(nr.swish([1], 2)), [sig(2)]);
    const g = await gradOf(nr.swish, [-100, 100]);
    expectClose(g, [0, 1]);
  });

  it('gelu, exact and approximate', async () => {
    expectClose(await values(nr.gelu([1, -1, 0, 2])), [0.8413447, -0.1586553, 0, 1.9544997]);
    const approx = (x: number): number =>
      0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
    expectClose(await values(nr.gelu([1, -1, 3], true)), [approx(1), approx(-1), approx(3)]);
    expectClose(await gradOf(nr.gelu, [0, -50, 50]), [0.5, 0, 1]);
    expectClose(await gradOf((x) => nr.gelu(x, true), [0, -50, 50]), [0.5, 0, 1]);
  });
});

describe('gradient checks', () => {
  const cases: [string, (x: nr.Tensor) => nr.Tensor][] = [
    ['relu6', nr.relu6],
    ['leakyRelu', (x) => nr.leakyRelu(x, 0.3)],
    ['elu', (x) => nr.elu(x, 1.5)],
    ['selu', nr.selu],
    ['softplus', nr.softplus],
    ['softsign', nr.softsign],
    ['swish', (x) => nr.swish(x, 1.7)],
    ['gelu', (x) => nr.gelu(x)],
    ['gelu approximate', (x) => nr.gelu(x, true)],
  ];
  for (const [name, f] of cases) {
    it(name, async () => {
      const x = nr.tensor(SMOOTH);
      const r = await nr.gradCheck(f, [x]);
      expect(r.passed, `maxRelError ${r.maxRelError} at ${r.worstIndex}`).toBe(true);
      x.dispose();
    });
  }
});

describe('memory', () => {
  it('leaves no tensors behind', () => {
    const x = nr.tensor(SMOOTH);
    const before = nr.memory().numTensors;
    nr.tidy(() => {
      const all = (a: nr.Tensor): nr.Tensor =>
        [
          nr.clipByValue(a, -1, 1),
          nr.relu6(a),
          nr.leakyRelu(a),
          nr.elu(a),
          nr.selu(a),
          nr.softplus(a),
          nr.softsign(a),
          nr.swish(a, 2),
          nr.gelu(a),
          nr.gelu(a, true),
        ].reduce((acc, t) => nr.add(acc, t));
      nr.valueAndGrad((a) => nr.sum(all(a)))(x);
    });
    expect(nr.memory().numTensors).toBe(before);
    x.dispose();
  });
});
