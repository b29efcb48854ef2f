import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop, rmsprop } from './rmsprop.js';

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

// Shared setting: lr 0.01, rho 0.9, eps 1e-7, w = 1, g = 2, 2, -1.
// ms: 0.1 * 4 = 0.4; 0.9 * 0.4 + 0.1 * 4 = 0.76; 0.9 * 0.76 + 0.1 * 1 = 0.784
const GRADS = [[2], [2], [-1]];

describe('rmsprop', () => {
  it('has the Keras defaults', () => {
    const o = rmsprop();
    expect(o).toBeInstanceOf(RMSprop);
    expect(RMSprop.className).toBe('RMSprop');
    expect(o.getConfig()).toEqual({
      learningRate: 0.001,
      rho: 0.9,
      momentum: 0,
      epsilon: 1e-7,
      centered: false,
    });
    o.dispose();
  });

  it('plain: w -= lr g / sqrt(ms + eps)', async () => {
    // step 1: inc = 0.01 * 2 / sqrt(0.4 + 1e-7) = 0.0316228   -> w = 0.9683772
    // step 2: inc = 0.02 / sqrt(0.76 + 1e-7) = 0.0229416      -> w = 0.9454357
    // step 3: inc = -0.01 / sqrt(0.784 + 1e-7) = -0.0112938   -> w = 0.9567295
    const ws = await trajectory(rmsprop({ learningRate: 0.01 }), [1], GRADS);
    expectClose(ws, [[0.9683772], [0.9454357], [0.9567295]]);
  });

  it('momentum: mom = m mom + inc; w -= mom', async () => {
    // m 0.5; increments as above.
    // mom1 = 0.0316228                               -> w = 0.9683772
    // mom2 = 0.5 * 0.0316228 + 0.0229416 = 0.0387530 -> w = 0.9296243
    // mom3 = 0.5 * 0.0387530 - 0.0112938 = 0.0080826 -> w = 0.9215416
    const ws = await trajectory(rmsprop({ learningRate: 0.01, momentum: 0.5 }), [1], GRADS);
    expectClose(ws, [[0.9683772], [0.9296243], [0.9215416]]);
  });

  it('centered: divides by sqrt(ms - mg^2 + eps)', async () => {
    // mg: 0.2; 0.9 * 0.2 + 0.2 = 0.38; 0.9 * 0.38 - 0.1 = 0.242
    // step 1: inc = 0.02 / sqrt(0.4 - 0.04 + 1e-7) = 0.0333333       -> w = 0.9666667
    // step 2: inc = 0.02 / sqrt(0.76 - 0.1444 + 1e-7) = 0.0254906    -> w = 0.9411760
    // step 3: inc = -0.01 / sqrt(0.784 - 0.058564 + 1e-7) = -0.0117409 -> w = 0.9529169
    const ws = await trajectory(rmsprop({ learningRate: 0.01, centered: true }), [1], GRADS);
    expectClose(ws, [[0.9666667], [0.941176], [0.9529169]]);
  });

  it('orders its slots ms, momentum, mg', () => {
    const w = nr.variable(nr.zeros([2]));
    const g = nr.ones([2]);
    const o = rmsprop({ momentum: 0.9, centered: true });
    o.applyGradients([{ variable: w, grad: g }]);
    const ws = o.getWeights();
    expect(ws.length).toBe(4);
    // ms = 0.1; momentum = lr g / sqrt(ms - mg^2 + eps) > 0; mg = 0.1
    expect(ws[1]!.dataSync()[0]).toBeCloseTo(0.1, 6);
    expect(ws[3]!.dataSync()[0]).toBeCloseTo(0.1, 6);
    expect(ws[2]!.dataSync()[0]).toBeCloseTo(0.001 / Math.sqrt(0.1 - 0.01 + 1e-7), 6);
    nr.dispose([ws, w, g]);
    o.dispose();
  });

  it('validates its hyper-parameters', () => {
    expect(() => rmsprop({ rho: 1 })).toThrow("RMSprop: 'rho' must be a finite number in [0, 1), got 1");
    expect(() => rmsprop({ momentum: 1.5 })).toThrow("RMSprop: 'momentum'");
    expect(() => rmsprop({ epsilon: -1 })).toThrow("RMSprop: 'epsilon'");
    expect(() => rmsprop({ centered: 'no' as unknown as boolean })).toThrow(
      "RMSprop: 'centered' must be a boolean",
    );
  });
});
