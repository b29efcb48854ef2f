import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { Perceptron, perceptron } from './perceptron.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

const X = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
const AND = [0, 0, 0, 1];
const OR = [0, 1, 1, 1];
const XOR = [0, 1, 1, 0];

describe('perceptron', () => {
  it('hand-checks the first update', async () => {
    // w = [0.5, -0.5], b = 0, eta = 0.1; x = [1, 2], y = 1:
    // w·x + b = 0.5 - 1 = -0.5 < 0 -> ŷ = 0; error 1 - 0 = 1
    // w = [0.5 + 0.1 * 1, -0.5 + 0.1 * 2] = [0.6, -0.3]; b = 0 + 0.1 = 0.1
    const p = perceptron({ inputDim: 2, learningRate: 0.1, weights: [0.5, -0.5] });
    const r = await p.fit([[1, 2]], [1], { epochs: 1 });
    expect(r).toEqual({ converged: false, epoch: null, errorsPerEpoch: [1], updates: 1 });
    expect(p.weights[0]).toBeCloseTo(0.6, 6);
    expect(p.weights[1]).toBeCloseTo(-0.3, 6);
    expect(p.bias).toBeCloseTo(0.1, 6);
    p.dispose();
  });

  it('learns AND (converges in epoch 6 from zeros, in order)', async () => {
    // Traced by hand with eta = 1, starting at w = (0, 0), b = 0 (ŷ = 1 when w·x + b >= 0):
    // epoch 1: (0,0) wrong -> b = -1; (1,1) wrong -> w = (1,1), b = 0                         2 errors
    // epoch 2: (0,0) -> b = -1; (0,1) -> w = (1,0), b = -2; (1,1) -> w = (2,1), b = -1        3 errors
    // epoch 3: (0,1) -> w = (2,0), b = -2; (1,0) -> w = (1,0), b = -3; (1,1) -> w = (2,1), b = -2  3 errors
    // epoch 4: (1,0) -> w = (1,1), b = -3; (1,1) -> w = (2,2), b = -2                         2 errors
    // epoch 5: (0,1) -> w = (2,1), b = -3                                                    1 error
    // epoch 6: activations -3, -2, -1, 0 -> all right
    const p = perceptron({ inputDim: 2 });
    const r = await p.fit(X, AND);
    expect(r).toEqual({ converged: true, epoch: 6, errorsPerEpoch: [2, 3, 3, 2, 1, 0], updates: 11 });
    expect(p.weights).toEqual([2, 1]);
    expect(p.bias).toBe(-3);
    const y = p.predict(X);
    expect(y.dtype).toBe('float32');
    expect(y.shape).toEqual([4]);
    expect(Array.from(await y.data())).toEqual(AND);
    y.dispose();
    p.dispose();
  });

  it('learns OR (converges in epoch 4)', async () => {
    // epoch 1: (0,0) -> b = -1; (0,1) -> w = (0,1), b = 0           2 errors
    // epoch 2: (0,0) -> b = -1; (1,0) -> w = (1,1), b = 0           2 errors
    // epoch 3: (0,0) -> b = -1                                     1 error
    // epoch 4: activations -1, 0, 0, 1 -> all right
    const p = perceptron({ inputDim: 2 });
    const [x, labels] = [nr.tensor2d(X), nr.tensor1d(OR)];
    const r = await p.fit(x, labels);
    expect(r).toEqual({ converged: true, epoch: 4, errorsPerEpoch: [2, 2, 1, 0], updates: 5 });
    expect(p.weights).toEqual([1, 1]);
    expect(p.bias).toBe(-1);
    const y = p.predict(x);
    expect(Array.from(await y.data())).toEqual(OR);
    nr.dispose([x, labels, y]);
    p.dispose();
  });

  it('does not converge on XOR (not linearly separable)', async () => {
    const p = perceptron({ inputDim: 2 });
    const r = await p.fit(X, XOR, { epochs: 50 });
    expect(r.converged).toBe(false);
    expect(r.epoch).toBeNull();
    expect(r.errorsPerEpoch.length).toBe(50);
    expect(r.errorsPerEpoch.every((e) => e > 0)).toBe(true);
    expect(r.updates).toBe(r.errorsPerEpoch.reduce((a, b) => a + b, 0));
    const y = p.predict(X);
    const wrong = Array.from(await y.data()).filter((v, i) => v !== XOR[i]).length;
    expect(wrong).toBeGreaterThan(0);
    y.dispose();
    p.dispose();
  });

  it('shuffles with the seeded generator, reproducibly', async () => {
    const runOnce = async () => {
      nr.seed(7);
      const p = perceptron({ inputDim: 2 });
      const r = await p.fit(X, AND, { shuffle: true });
      const out = { r, w: p.weights, b: p.bias };
      p.dispose();
      return out;
    };
    const a = await runOnce();
    const b = await runOnce();
    expect(a).toEqual(b);
    expect(a.r.converged).toBe(true);
  });

  it('accepts initial weights as a tensor, or an initializer', () => {
    const w = nr.tensor2d([[0.25], [-0.5]]);
    const p = perceptron({ inputDim: 2, weights: w, bias: 0.5 });
    expect(p.weights).toEqual([0.25, -0.5]);
    expect(p.bias).toBe(0.5);
    const q = new Perceptron({ inputDim: 3, initializer: 'ones' });
    expect(q.weights).toEqual([1, 1, 1]);
    nr.dispose(w);
    p.dispose();
    q.dispose();
  });

  it('leaks no tensor', async () => {
    const before = nr.memory().numTensors;
    const p = perceptron({ inputDim: 2 });
    await p.fit(X, AND);
    const y = p.predict(X);
    expect(nr.memory().numTensors).toBe(before + 3); // weights, bias, the prediction
    y.dispose();
    p.dispose();
    expect(nr.memory().numTensors).toBe(before);
  });

  it('validates its arguments', async () => {
    expect(() => perceptron({ inputDim: 0 })).toThrow(
      "perceptron: 'inputDim' must be an integer >= 1, got 0",
    );
    expect(() => perceptron({ inputDim: 2, learningRate: 0 })).toThrow(
      "perceptron: 'learningRate' must be a finite number > 0, got 0",
    );
    expect(() => perceptron({ inputDim: 2, weights: [1] })).toThrow(
      "perceptron: 'weights' must hold 2 numbers (inputDim), got 1",
    );
    const t = nr.zeros([3]);
    expect(() => perceptron({ inputDim: 2, weights: t })).toThrow(
      "perceptron: 'weights' must have shape [2] or [2, 1], got [3]",
    );
    t.dispose();
    const p = perceptron({ inputDim: 2 });
    await expect(p.fit(X, [0, 0, 2, 1])).rejects.toThrow(
      'perceptron.fit: labels must be 0 or 1, got 2 at index 2',
    );
    await expect(p.fit(X, [0, 1])).rejects.toThrow(
      'perceptron.fit: y must have 4 labels (one per row of x), got 2',
    );
    await expect(p.fit([[1, 2, 3]], [1])).rejects.toThrow(
      'perceptron.fit: x must have shape [n, 2]; row 0 has 3 values',
    );
    const x3 = nr.zeros([4, 3]);
    await expect(p.fit(x3, AND)).rejects.toThrow('perceptron.fit: x must have shape [n, 2], got [4, 3]');
    const y2 = nr.zeros([4, 2]);
    await expect(p.fit(X, y2)).rejects.toThrow('perceptron.fit: y must have shape [4] or [4, 1], got [4, 2]');
    await expect(p.fit(X, AND, { epochs: 0 })).rejects.toThrow(
      "perceptron.fit: 'epochs' must be an integer >= 1, got 0",
    );
    expect(() => p.predict(x3)).toThrow('perceptron.predict: x must have shape [n, 2], got [4, 3]');
    p.dispose();
    expect(() => p.predict(X)).toThrow('perceptron.predict: the perceptron is disposed');
    await expect(p.fit(X, AND)).rejects.toThrow('perceptron.fit: the perceptron is disposed');
    nr.dispose([x3, y2]);
  });
});
