import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { Adagrad, adagrad } from './adagrad.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

describe('adagrad', () => {
  it('has the Keras defaults', () => {
    const o = adagrad();
    expect(o).toBeInstanceOf(Adagrad);
    expect(Adagrad.className).toBe('Adagrad');
    expect(o.getConfig()).toEqual({ learningRate: 0.001, initialAccumulatorValue: 0.1, epsilon: 1e-7 });
    o.dispose();
  });

  it('three hand-computed steps: acc += g^2; w -= lr g / sqrt(acc + eps)', async () => {
    // lr 0.1, acc0 = 0.1, w = 1, g = 1, 0.5, -2.
    // step 1: acc = 1.1;  w = 1 - 0.1 / sqrt(1.1) = 1 - 0.0953463          = 0.9046537
    // step 2: acc = 1.35; w = 0.9046537 - 0.05 / sqrt(1.35) = - 0.0430331  = 0.8616206
    // step 3: acc = 5.35; w = 0.8616206 + 0.2 / sqrt(5.35) = + 0.0864675   = 0.9480881
    const w = nr.variable(nr.tensor1d([1]));
    const o = adagrad({ learningRate: 0.1 });
    const expected = [0.9046537, 0.8616206, 0.9480881];
    const accs = [1.1, 1.35, 5.35];
    for (const [s, g] of [1, 0.5, -2].entries()) {
      const gt = nr.tensor1d([g]);
      o.applyGradients([{ variable: w, grad: gt }]);
      gt.dispose();
      expect((await w.data())[0]).toBeCloseTo(expected[s]!, 6);
      const ws = o.getWeights();
      expect(ws[0]!.dataSync()[0]).toBe(s + 1);
      expect(ws[1]!.dataSync()[0]).toBeCloseTo(accs[s]!, 6);
      nr.dispose(ws);
    }
    nr.dispose(w);
    o.dispose();
  });

  it('starts the accumulator at initialAccumulatorValue', () => {
    const w = nr.variable(nr.zeros([2, 2]));
    const o = adagrad({ initialAccumulatorValue: 0.5 });
    o.build([w]);
    const ws = o.getWeights();
    expect(Array.from(ws[1]!.dataSync())).toEqual([0.5, 0.5, 0.5, 0.5]);
    nr.dispose([ws, w]);
    o.dispose();
  });

  it('validates its hyper-parameters', () => {
    expect(() => adagrad({ initialAccumulatorValue: -1 })).toThrow(
      "Adagrad: 'initialAccumulatorValue' must be a finite number in [0, Infinity), got -1",
    );
    expect(() => adagrad({ epsilon: 0 })).toThrow("Adagrad: 'epsilon'");
    expect(() => adagrad({ learningRate: Number.POSITIVE_INFINITY })).toThrow("Adagrad: 'learningRate'");
  });
});
