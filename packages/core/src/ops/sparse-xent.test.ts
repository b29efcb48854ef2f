import '../../../../test-utils/quiet-tfjs.js';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';

/** A CPU backend without the fused kernels, so the op runs its composite default. */
function composite(): nr.Backend {
  const base = cpu();
  const { sparseSoftmaxCrossEntropy: _f, sparseSoftmaxCrossEntropyGrad: _g, ...kernels } = base.kernels;
  return { ...base, name: 'cpu-composite', kernels };
}

const variants: [string, () => nr.Backend, boolean][] = [
  ['fused, fast CPU', () => cpu(), true],
  ['fused, reference CPU', () => cpu({ fast: false }), true],
  ['composite default', composite, false],
];

// Logits with a large spread (row 1 would overflow a naive exp) and labels.
const LOGITS = [
  [1, 2, 3, -1],
  [100, -50, 99, 0],
  [0.5, 0.5, 0.5, 0.5],
];
const LABELS = [2, 1, 0];

/** Float64 reference: loss per row and its gradient softmax - onehot (times dy). */
function reference(logits: number[][], labels: number[], dy: number[]): { loss: number[]; grad: number[][] } {
  const loss: number[] = [];
  const grad: number[][] = [];
  logits.forEach((row, r) => {
    const m = Math.max(...row);
    const z = row.reduce((s, v) => s + Math.exp(v - m), 0);
    loss.push(Math.log(z) + m - row[labels[r]!]!);
    grad.push(row.map((v, j) => dy[r]! * (Math.exp(v - m) / z - (j === labels[r] ? 1 : 0))));
  });
  return { loss, grad };
}

function close(actual: ArrayLike<number>, expected: number[], tol: number, what: string): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i]! - expected[i]!), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`).toBeLessThan(
      tol * Math.max(1, Math.abs(expected[i]!)),
    );
  }
}

for (const [label, make, fused] of variants) {
  describe(`sparseSoftmaxCrossEntropy (${label})`, () => {
    it('runs the expected path', async () => {
      await nr.setBackend(make());
      expect(typeof nr.getBackend().kernels.sparseSoftmaxCrossEntropy === 'function').toBe(fused);
    });

    it('matches a float64 reference, value and gradient, and TensorFlow.js', async () => {
      await nr.setBackend(make());
      const before = nr.memory().numTensors;
      const dy = [1, 0.5, -2];
      const x = nr.tensor(LOGITS);
      const labels = nr.tensor(LABELS, [3], 'int32');
      const loss = nr.sparseSoftmaxCrossEntropy(labels, x);
      const [dx] = nr.grads((xs) => nr.sum(nr.mul(nr.sparseSoftmaxCrossEntropy(labels, xs!), dy)))([x]);
      const ref = reference(LOGITS, LABELS, dy);
      close(await loss.data(), ref.loss, 1e-6, 'loss');
      close(await dx!.data(), ref.grad.flat(), 1e-6, 'grad');
      // Second opinion: tfjs softmaxCrossEntropy with one-hot labels, no reduction.
      const tfLoss = tf.tidy(() =>
        tf.losses.softmaxCrossEntropy(
          tf.oneHot(tf.tensor1d(LABELS, 'int32'), 4),
          tf.tensor2d(LOGITS),
          undefined,
          0,
          tf.Reduction.NONE,
        ),
      );
      close(await loss.data(), Array.from(await tfLoss.data()), 1e-5, 'tfjs loss');
      tfLoss.dispose();
      nr.dispose([x, labels, loss, dx!]);
      expect(nr.memory().numTensors).toBe(before);
    });

    it('agrees with finite differences and keeps leading axes', async () => {
      await nr.setBackend(make());
      const x = nr.reshape(nr.tensor(LOGITS.flat().map((v) => v / 50)), [3, 1, 4]);
      const labels = nr.tensor([[3], [0], [1]], [3, 1], 'int32');
      const y = nr.sparseSoftmaxCrossEntropy(labels, x);
      expect(y.shape).toEqual([3, 1]);
      const { passed, maxRelError } = await nr.gradCheck(
        (xs) => nr.sparseSoftmaxCrossEntropy(labels, xs),
        [x],
        {
          eps: 1e-2,
          tol: 2e-3,
        },
      );
      expect(passed, `max relative error ${maxRelError}`).toBe(true);
      nr.dispose([x, labels, y]);
    });

    it('gives NaN (value and gradient row) for a label outside [0, classes)', async () => {
      await nr.setBackend(make());
      const x = nr.tensor([
        [1, 2],
        [3, 4],
      ]);
      for (const bad of [2, -1]) {
        const labels = nr.tensor([0, bad], [2], 'int32');
        const loss = Array.from(await nr.sparseSoftmaxCrossEntropy(labels, x).data());
        expect(loss[0]).toBeCloseTo(Math.log(1 + Math.E), 6);
        expect(loss[1]).toBeNaN();
        const [dx] = nr.grads((xs) => nr.sum(nr.sparseSoftmaxCrossEntropy(labels, xs!)))([x]);
        const d = Array.from(await dx!.data());
        expect(d.slice(2).every(Number.isNaN)).toBe(true);
        expect(d[0]).toBeCloseTo(1 / (1 + Math.E) - 1, 6);
      }
    });

    it('explains a label shape mismatch', async () => {
      await nr.setBackend(make());
      expect(() => nr.sparseSoftmaxCrossEntropy([0, 1, 2], [[1, 2]])).toThrow(
        "sparseSoftmaxCrossEntropy: labels [3] must have the logits' shape without the class axis, [1], for logits [1, 2]",
      );
    });
  });
}
