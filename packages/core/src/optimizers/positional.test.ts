import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import type { Optimizer } from './optimizer.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

/** The weight after `steps` updates of w, starting at w0 = 1, with the gradient of w² (g = 2w). */
async function stepsOnSquare(opt: Optimizer, steps = 1): Promise<number> {
  const w = nr.variable(nr.scalar(1));
  for (let s = 0; s < steps; s++) {
    const g = nr.mul(w, 2);
    opt.applyGradients([{ variable: w, grad: g }]);
    g.dispose();
  }
  const v = (await w.data())[0]!;
  w.dispose();
  opt.dispose();
  return v;
}

describe('TensorFlow.js positional optimizer factories (nr.train)', () => {
  it('nr.train is nr.optimizers under the TensorFlow.js name', () => {
    expect(nr.train.sgd).toBe(nr.optimizers.sgd);
    expect(nr.train.adam).toBe(nr.optimizers.adam);
    expect(nr.train.rmsprop).toBe(nr.optimizers.rmsprop);
    expect(nr.train.adagrad).toBe(nr.optimizers.adagrad);
    expect(nr.train.momentum).toBe(nr.optimizers.momentum);
  });

  it('sgd(0.1) really uses 0.1: w = 1 - 0.1 * 2 = 0.8 (the default 0.01 would give 0.98)', async () => {
    expect(await stepsOnSquare(nr.train.sgd(0.1))).toBeCloseTo(0.8, 6);
    expect(await stepsOnSquare(nr.optimizers.sgd({ learningRate: 0.1 }))).toBeCloseTo(0.8, 6);
  });

  it('momentum(0.1, 0.9): v1 = -0.2, w1 = 0.8; v2 = 0.9 * -0.2 - 0.1 * 1.6 = -0.34, w2 = 0.46', async () => {
    expect(await stepsOnSquare(nr.train.momentum(0.1, 0.9), 2)).toBeCloseTo(0.46, 6);
    // Nesterov: w += momentum * v - lr * g: step 1 gives 1 + 0.9 * -0.2 - 0.2 = 0.62
    expect(await stepsOnSquare(nr.train.momentum(0.1, 0.9, true))).toBeCloseTo(0.62, 6);
  });

  it('adam(0.01, 0.9, 0.999, 1e-7) sets every hyper-parameter; its first step is lr * g / (|g| + eps / sqrt(1 - beta2))', async () => {
    const opt = nr.train.adam(0.01, 0.5, 0.99, 1e-3);
    expect([opt.learningRate, opt.beta1, opt.beta2, opt.epsilon]).toEqual([0.01, 0.5, 0.99, 1e-3]);
    // m = (1 - b1) g, v = (1 - b2) g², lr_t = lr sqrt(1 - b2) / (1 - b1): step = lr g sqrt(1-b2) / (sqrt(1-b2)|g| + eps)
    const g = 2;
    const expected = 1 - (0.01 * g * Math.sqrt(0.01)) / (Math.sqrt(0.01) * g + 1e-3);
    expect(await stepsOnSquare(opt)).toBeCloseTo(expected, 6);
    expect(await stepsOnSquare(nr.train.adam(0.05))).toBeCloseTo(1 - 0.05, 5);
  });

  it('rmsprop(0.01, 0.8): ms = 0.2 * 4 = 0.8, w = 1 - 0.01 * 2 / sqrt(0.8 + 1e-7)', async () => {
    const opt = nr.train.rmsprop(0.01, 0.8);
    expect(opt.rho).toBe(0.8);
    expect(await stepsOnSquare(opt)).toBeCloseTo(1 - 0.02 / Math.sqrt(0.8 + 1e-7), 6);
    const c = nr.train.rmsprop(0.01, 0.9, 0.5, 1e-6, true);
    expect([c.momentum, c.epsilon, c.centered]).toEqual([0.5, 1e-6, true]);
    c.dispose();
  });

  it('adagrad(0.1, 0.5): acc = 0.5 + 4, w = 1 - 0.1 * 2 / sqrt(4.5 + 1e-7)', async () => {
    expect(await stepsOnSquare(nr.train.adagrad(0.1, 0.5))).toBeCloseTo(1 - 0.2 / Math.sqrt(4.5 + 1e-7), 6);
  });

  it('adamw(0.01, 0.1): decay first (w = 1 - 0.01 * 0.1), then an Adam step of about lr', async () => {
    const w1 = 1 - 0.01 * 0.1;
    const expected = w1 - (0.01 * 2 * w1 * Math.sqrt(0.001)) / (Math.sqrt(0.001) * 2 * w1 + 1e-7);
    expect(await stepsOnSquare(nr.optimizers.adamw(0.01, 0.1))).toBeCloseTo(expected, 6);
  });

  it('null positional values mean the default, as in TensorFlow.js (epsilon = null)', () => {
    const opt = nr.train.adam(0.01, 0.9, 0.999, null);
    expect(opt.epsilon).toBe(1e-7);
    opt.dispose();
  });
});
