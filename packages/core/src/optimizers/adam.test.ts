import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { Adam, AdamW, adam, adamw } from './adam.js';
import type { Optimizer } from './optimizer.js';

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

describe('adam', () => {
  it('has the Keras defaults', () => {
    const o = adam();
    expect(o).toBeInstanceOf(Adam);
    expect(Adam.className).toBe('Adam');
    expect(o.getConfig()).toEqual({
      learningRate: 0.001,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
      amsgrad: false,
    });
    o.dispose();
  });

  it('three hand-computed steps (bias correction folded into the rate)', async () => {
    // lr 0.1, beta1 0.9, beta2 0.999, eps 1e-7, w = 1, g = 0.5, -0.2, 0.3.
    // t=1: m = 0 + (0.5 - 0)(0.1) = 0.05;  v = (0.25 - 0)(0.001) = 0.00025
    //      lr_1 = 0.1 sqrt(1 - 0.999) / (1 - 0.9) = 0.0316228
    //      w = 1 - 0.0316228 * 0.05 / (0.0158114 + 1e-7) = 1 - 0.0999994 = 0.9000006
    // t=2: m = 0.05 + (-0.2 - 0.05)(0.1) = 0.025;  v = 0.00025 + (0.04 - 0.00025)(0.001) = 0.00028975
    //      lr_2 = 0.1 sqrt(1 - 0.999^2) / (1 - 0.9^2) = 0.1 * 0.0447102 / 0.19 = 0.0235317
    //      w = 0.9000006 - 0.0235317 * 0.025 / (0.0170220 + 1e-7) = 0.9000006 - 0.0345604 = 0.8654403
    // t=3: m = 0.025 + (0.3 - 0.025)(0.1) = 0.0525;  v = 0.00028975 + (0.09 - 0.00028975)(0.001) = 0.00037946
    //      lr_3 = 0.1 sqrt(1 - 0.999^3) / (1 - 0.9^3) = 0.0202011
    //      w = 0.8654403 - 0.0202011 * 0.0525 / 0.0194797 = 0.8109965
    const ws = await trajectory(adam({ learningRate: 0.1 }), [1], [[0.5], [-0.2], [0.3]]);
    expectClose(ws, [[0.9000006], [0.8654403], [0.8109965]]);
  });

  it('amsgrad keeps the running maximum of v', async () => {
    // lr 0.1, w = 1, g = 1, 0, 0. v = 0.001, 0.000999, 0.000998; vhat stays 0.001.
    // t=1: m = 0.1,   step = 0.0316228 * 0.1 / (0.0316228 + 1e-7)  -> w = 0.9000003
    // t=2: m = 0.09,  step = 0.0235317 * 0.09 / (sqrt(0.001) + 1e-7) = 0.0669721 -> w = 0.8330282
    //      (plain Adam divides by sqrt(0.000999) instead: w = 0.8329947)
    // t=3: m = 0.081, step = 0.0202011 * 0.081 / 0.0316229 = 0.0517437 -> w = 0.7812845
    const ams = await trajectory(adam({ learningRate: 0.1, amsgrad: true }), [1], [[1], [0], [0]]);
    expectClose(ams, [[0.9000003], [0.8330282], [0.7812845]]);
    const plain = await trajectory(adam({ learningRate: 0.1 }), [1], [[1], [0], [0]]);
    expectClose(plain, [[0.9000003], [0.8329947], [0.7811992]]);
  });

  it('amsgrad adds a third slot', () => {
    const w = nr.variable(nr.zeros([2]));
    const g = nr.ones([2]);
    const o = adam({ amsgrad: true });
    o.applyGradients([{ variable: w, grad: g }]);
    const ws = o.getWeights();
    expect(ws.map((t) => t.shape)).toEqual([[], [2], [2], [2]]);
    nr.dispose([ws, w, g]);
    o.dispose();
  });

  it('validates its hyper-parameters', () => {
    expect(() => adam({ beta1: 1 })).toThrow("Adam: 'beta1' must be a finite number in [0, 1), got 1");
    expect(() => adam({ beta2: -0.1 })).toThrow("Adam: 'beta2' must be a finite number in [0, 1), got -0.1");
    expect(() => adam({ epsilon: 0 })).toThrow(
      "Adam: 'epsilon' must be a finite number in (0, Infinity), got 0",
    );
    expect(() => adam({ learningRate: -1 })).toThrow(/Adam: 'learningRate'/);
    expect(() => adam({ amsgrad: 1 as unknown as boolean })).toThrow("Adam: 'amsgrad' must be a boolean");
  });
});

describe('adamw', () => {
  it('has the Keras defaults', () => {
    const o = adamw();
    expect(o).toBeInstanceOf(AdamW);
    expect(o).toBeInstanceOf(Adam);
    expect(o.className).toBe('AdamW');
    expect(o.getConfig()).toEqual({
      learningRate: 0.001,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
      amsgrad: false,
      weightDecay: 0.004,
    });
    o.dispose();
  });

  it('decays the weights (decoupled) before the Adam step', async () => {
    // lr 0.1, weightDecay 0.1, w = 2, g = 0.5 twice.
    // t=1: decay w = 2 - 0.1 * 0.1 * 2 = 1.98; Adam step as above = 0.0999994 -> 1.8800006
    // t=2: decay w = 1.8800006 (1 - 0.01) = 1.8612006;
    //      m = 0.095, v = 0.00049975, lr_2 = 0.0235317, step = 0.0235317 * 0.095 / 0.0223551 = 0.1
    //      -> 1.7612011
    const ws = await trajectory(adamw({ learningRate: 0.1, weightDecay: 0.1 }), [2], [[0.5], [0.5]]);
    expectClose(ws, [[1.8800006], [1.7612011]]);
  });

  it('with weightDecay 0 equals Adam', async () => {
    const grads = [
      [0.5, 1],
      [-0.2, 0.1],
      [0.3, -0.4],
    ];
    const a = await trajectory(adam({ learningRate: 0.05 }), [1, -1], grads);
    const b = await trajectory(adamw({ learningRate: 0.05, weightDecay: 0 }), [1, -1], grads);
    expect(b).toEqual(a);
  });

  it('validates weightDecay', () => {
    expect(() => adamw({ weightDecay: -1 })).toThrow(
      "AdamW: 'weightDecay' must be a finite number in [0, Infinity), got -1",
    );
    expect(() => adamw({ beta1: 2 })).toThrow("AdamW: 'beta1'");
  });
});
