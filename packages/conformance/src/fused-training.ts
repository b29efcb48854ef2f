/**
 * The fused training kernels: the in-place optimizer step (`optimizerUpdate`) must follow the composite
 * path (per-variable ops on the same backend) step for step, and sparse softmax cross-entropy must match
 * float64 references in value and gradient, with NaN for an out-of-range label. A backend without these
 * kernels runs the composites here, which the matrix then shows as not native.
 *
 * @packageDocumentation
 */
import * as nr from '@neurona/core';
import { expect } from 'vitest';
import { withoutFused } from './composites.js';
import { expectClose, type Suite } from './harness.js';

const SHAPES = [[3, 4], [5], [1]] as const;

/** Deterministic values: gradient `k` of step `t`, or initial weights (t = -1). */
function values(n: number, k: number, t: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.sin(0.7 * i + 1.3 * k + 2.1 * t) * (1 + ((i + t) % 3)));
}

/** `steps` updates of fixed gradients on the active backend; returns the weights and the slots. */
async function trajectory(make: () => nr.Optimizer, steps: number): Promise<number[]> {
  const vars = nr.tidy(() =>
    SHAPES.map((s, k) => nr.variable(nr.tensor(values(s[0] * (s[1] ?? 1), k, -1), [...s]))),
  );
  const opt = make();
  for (let t = 0; t < steps; t++) {
    const grads = vars.map((v, k) => ({ variable: v, grad: nr.tensor(values(v.size, k, t), v.shape) }));
    opt.applyGradients(grads);
    nr.dispose(grads.map((g) => g.grad));
  }
  const saved = opt.getWeights();
  const out: number[] = [];
  for (const t of [...vars, ...saved.slice(1)]) out.push(...(await t.data()));
  nr.dispose([...saved, ...vars]);
  opt.dispose();
  return out;
}

/** Float64 softmax cross-entropy per row and its gradient (times `dy`). */
function reference(logits: number[][], labels: number[], dy: number[]): { loss: number[]; grad: number[] } {
  const loss: number[] = [];
  const grad: number[] = [];
  logits.forEach((row, r) => {
    const m = Math.max(...row);
    const z = row.reduce((s, v) => s + Math.exp(v - m), 0);
    loss.push(Math.log(z) + m - row[labels[r]!]!);
    for (let j = 0; j < row.length; j++) {
      grad.push(dy[r]! * (Math.exp(row[j]! - m) / z - (j === labels[r] ? 1 : 0)));
    }
  });
  return { loss, grad };
}

/**
 * Register the `fused-training` group.
 *
 * @example
 * ```ts
 * registerFusedTraining(suite);
 * ```
 */
export function registerFusedTraining(suite: Suite): void {
  suite.group('fused-training', (test) => {
    test(
      'optimizerUpdate: 20 in-place steps equal the composite path',
      ['optimizerUpdate'],
      async ({ tol }) => {
        const decay = () =>
          nr.optimizers.exponentialDecay({ initialLearningRate: 0.05, decaySteps: 5, decayRate: 0.7 });
        const cases: [string, () => nr.Optimizer][] = [
          ['Adam', () => nr.optimizers.adam({ learningRate: 0.05 })],
          [
            'Adam (amsgrad, clipNorm, schedule)',
            () => nr.optimizers.adam({ learningRate: decay(), amsgrad: true, clipNorm: 1 }),
          ],
          ['SGD + momentum', () => nr.optimizers.sgd({ learningRate: 0.05, momentum: 0.9 })],
          [
            'SGD + Nesterov (globalClipNorm)',
            () => nr.optimizers.sgd({ learningRate: 0.05, momentum: 0.5, nesterov: true, globalClipNorm: 2 }),
          ],
          [
            'RMSprop (centered, momentum)',
            () => nr.optimizers.rmsprop({ learningRate: 0.01, momentum: 0.5, centered: true }),
          ],
          ['Adagrad', () => nr.optimizers.adagrad({ learningRate: 0.1 })],
        ];
        const composite = withoutFused(suite.backend);
        try {
          for (const [name, make] of cases) {
            await nr.setBackend(composite);
            const want = await trajectory(make, 20);
            await nr.setBackend(suite.backend);
            const before = nr.memory();
            const got = await trajectory(make, 20);
            expect(nr.memory()).toEqual(before);
            expectClose(got, want, tol('fixture') / 10, `${name}: weights and slots after 20 steps`);
          }
        } finally {
          await nr.setBackend(suite.backend);
        }
      },
    );

    test(
      'sparseSoftmaxCrossEntropy: value and gradient against float64, NaN for a bad label',
      ['sparseSoftmaxCrossEntropy', 'sparseSoftmaxCrossEntropyGrad'],
      async ({ tol }) => {
        const logits = [
          [1, 2, 3, -1],
          [60, -20, 59, 0],
          [0.5, 0.5, 0.5, 0.5],
        ];
        const labels = [2, 1, 0];
        const dy = [1, 0.5, -2];
        const ref = reference(logits, labels, dy);
        const [loss, grad] = nr.tidy(() => {
          const x = nr.tensor(logits);
          const l = nr.tensor(labels, [3], 'int32');
          const y = nr.sparseSoftmaxCrossEntropy(l, x);
          const [dx] = nr.grads((xs) => nr.sum(nr.mul(nr.sparseSoftmaxCrossEntropy(l, xs!), dy)))([x]);
          return [y, dx!];
        });
        expectClose(await loss.data(), ref.loss, tol('fixture'), 'loss');
        expectClose(await grad.data(), ref.grad, tol('fixture'), 'gradient', [3, 4]);
        nr.dispose([loss, grad]);
        const [bad, badGrad] = nr.tidy(() => {
          const x = nr.tensor([
            [1, 2],
            [3, 4],
          ]);
          const l = nr.tensor([0, 2], [2], 'int32');
          const [dx] = nr.grads((xs) => nr.sum(nr.sparseSoftmaxCrossEntropy(l, xs!)))([x]);
          return [nr.sparseSoftmaxCrossEntropy(l, x), dx!];
        });
        const b = await bad.data();
        const g = await badGrad.data();
        nr.dispose([bad, badGrad]);
        expectClose([b[0]!], [Math.log(1 + Math.E)], tol('fixture'), 'loss of the good row');
        if (!Number.isNaN(b[1]!) || ![g[2], g[3]].every((v) => Number.isNaN(v))) {
          throw new Error(
            `label 2 of 2 classes: expected NaN loss and gradient row, got ${b[1]} and [${g[2]}, ${g[3]}]`,
          );
        }
      },
    );
  });
}
