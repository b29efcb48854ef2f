import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import type { Optimizer } from './optimizer.js';
import { SGD, sgd } from './sgd.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

/** Apply `grads` one step at a time to a fresh variable holding `w0`; return the value after each step. */
async function trajectory(opt: Optimizer, w0: number[], grads: number[][]): Promise<number[][]> {
  const w = nr.variable(nr.tensor1d(w0));
  const out: number[][] = [];
  for (const g of grads) {
    const gt = nr.tensor1d(g);
    opt.applyGradients([{ variable: w, grad: gt }]);
    gt.dispose();
    out.push(Array.from(await w.data()));
  }
  w.dispose();
  opt.dispose();
  return out;
}

function expectClose(actual: number[][], expected: number[][], digits = 6): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, s) => {
    row.forEach((a, i) => {
      expect(a, `step ${s + 1}, element ${i}`).toBeCloseTo(expected[s]![i]!, digits);
    });
  });
}

describe('sgd', () => {
  it('has the Keras defaults and class name', () => {
    const o = sgd();
    expect(o).toBeInstanceOf(SGD);
    expect(SGD.className).toBe('SGD');
    expect(o.className).toBe('SGD');
    expect(o.getConfig()).toEqual({ learningRate: 0.01, momentum: 0, nesterov: false });
    expect(o.learningRate).toBe(0.01);
    o.dispose();
  });

  it('plain descent: w -= lr * g', async () => {
    // lr 0.1, w = [1, 2], g = [0.5, -1] twice:
    // step 1: [1 - 0.05, 2 + 0.1] = [0.95, 2.1]; step 2: [0.9, 2.2]
    const ws = await trajectory(
      sgd({ learningRate: 0.1 }),
      [1, 2],
      [
        [0.5, -1],
        [0.5, -1],
      ],
    );
    expectClose(ws, [
      [0.95, 2.1],
      [0.9, 2.2],
    ]);
  });

  it('momentum: v = m v - lr g; w += v', async () => {
    // m 0.9, lr 0.1, w = [1, -1], g = [1, 2] three times.
    // element 0: v1 = -0.1, w = 0.9; v2 = 0.9(-0.1) - 0.1 = -0.19, w = 0.71; v3 = 0.9(-0.19) - 0.1 = -0.271, w = 0.439
    // element 1: v1 = -0.2, w = -1.2; v2 = -0.18 - 0.2 = -0.38, w = -1.58; v3 = -0.342 - 0.2 = -0.542, w = -2.122
    const g = [1, 2];
    const ws = await trajectory(sgd({ learningRate: 0.1, momentum: 0.9 }), [1, -1], [g, g, g]);
    expectClose(ws, [
      [0.9, -1.2],
      [0.71, -1.58],
      [0.439, -2.122],
    ]);
  });

  it('nesterov: w += m v_new - lr g', async () => {
    // m 0.9, lr 0.1, w = 1, g = 1:
    // v1 = -0.1,   w += 0.9(-0.1) - 0.1 = -0.19    -> 0.81
    // v2 = -0.19,  w += 0.9(-0.19) - 0.1 = -0.271  -> 0.539
    // v3 = -0.271, w += 0.9(-0.271) - 0.1 = -0.3439 -> 0.1951
    const ws = await trajectory(
      sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }),
      [1],
      [[1], [1], [1]],
    );
    expectClose(ws, [[0.81], [0.539], [0.1951]]);
  });

  it('creates a velocity slot only with momentum', () => {
    const w = nr.variable(nr.zeros([3]));
    const g = nr.ones([3]);
    const plain = sgd();
    const withMomentum = sgd({ momentum: 0.5 });
    const before = nr.memory().numTensors;
    plain.applyGradients([{ variable: w, grad: g }]);
    expect(nr.memory().numTensors).toBe(before);
    withMomentum.applyGradients([{ variable: w, grad: g }]);
    expect(nr.memory().numTensors).toBe(before + 1);
    expect(plain.getWeights().map((t) => t.shape)).toEqual([[]]);
    withMomentum.dispose();
    expect(nr.memory().numTensors).toBe(before + 1); // only the getWeights result is left
    nr.dispose([w, g]);
  });

  it('validates its hyper-parameters', () => {
    expect(() => sgd({ learningRate: 0 })).toThrow(
      "SGD: 'learningRate' must be a finite number in (0, Infinity), got 0",
    );
    expect(() => sgd({ learningRate: Number.NaN })).toThrow(/SGD: 'learningRate'/);
    expect(() => sgd({ momentum: 1 })).toThrow("SGD: 'momentum' must be a finite number in [0, 1), got 1");
    expect(() => sgd({ momentum: -0.1 })).toThrow(/'momentum'/);
    expect(() => sgd({ nesterov: 'yes' as unknown as boolean })).toThrow(
      "SGD: 'nesterov' must be a boolean, got yes",
    );
  });
});
