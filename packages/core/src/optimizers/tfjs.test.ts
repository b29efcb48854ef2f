// A second opinion: the same gradients through TensorFlow.js's optimizers must give the same weights.
// Parameterisations differ, so matching values are passed explicitly:
// - tfjs momentum accumulates `a = m a + g` and steps `w -= lr a` (Nesterov: `w -= lr (g + m a)`); with a
//   constant rate that equals Keras's `v = m v - lr g; w += v` since v = -lr a.
// - tfjs adam puts epsilon outside the bias-corrected sqrt (`lr m̂ / (sqrt(v̂) + eps)`), Keras inside the
//   folded rate; the two differ by eps (1 / sqrt(1 - beta2^t) - 1), far below the tolerance used here.
// - tfjs rmsprop and adagrad default epsilon to the backend's (1e-7 on cpu float32); we pass 1e-7 where
//   tfjs takes it, and adagrad's initial accumulator explicitly.
// - tfjs's centered RMSprop subtracts epsilon (sqrt(ms - mg² - eps)), so only the non-centered form is compared.
import '../../../../test-utils/quiet-tfjs.js';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { adagrad } from './adagrad.js';
import { adam } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { rmsprop } from './rmsprop.js';
import { sgd } from './sgd.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
  expect(await tf.setBackend('cpu')).toBe(true);
});

const SHAPES = [[2, 3], [3]];
const INIT = [
  [0.5, -1.2, 0.3, 2, -0.7, 0.1],
  [1, -0.5, 0.25],
];

/** Deterministic gradients of varied sign and size for step `s` and variable `v`. */
function gradient(s: number, v: number): number[] {
  return INIT[v]!.map((_, k) => Math.sin(1.3 * k + 0.7 * s + v) * (0.5 + 0.3 * s));
}

let run = 0;

async function compare(ours: Optimizer, theirs: tf.Optimizer, steps = 5): Promise<void> {
  const names = SHAPES.map((_, i) => `nr_cmp_${run}_${i}`);
  run++;
  const nv = INIT.map((v, i) => nr.tidy(() => nr.variable(nr.tensor(v, SHAPES[i]))));
  const tv = INIT.map((v, i) => tf.variable(tf.tensor(v, SHAPES[i]), true, names[i]));
  for (let s = 0; s < steps; s++) {
    const ng = nv.map((_, i) => nr.tensor(gradient(s, i), SHAPES[i]));
    ours.applyGradients(nv.map((variable, i) => ({ variable, grad: ng[i]! })));
    nr.dispose(ng);
    const tg: Record<string, tf.Tensor> = {};
    names.forEach((n, i) => {
      tg[n] = tf.tensor(gradient(s, i), SHAPES[i]);
    });
    theirs.applyGradients(tg);
    tf.dispose(Object.values(tg));
    for (let i = 0; i < nv.length; i++) {
      const a = Array.from(await nv[i]!.data());
      const b = Array.from(await tv[i]!.data());
      a.forEach((x, k) => {
        expect(x, `${ours.className} step ${s + 1}, variable ${i}, element ${k}`).toBeCloseTo(b[k]!, 5);
      });
    }
  }
  expect(ours.iterations).toBe(steps);
  nr.dispose(nv);
  tf.dispose(tv);
  ours.dispose();
  theirs.dispose();
}

describe('agreement with TensorFlow.js', () => {
  it('SGD', async () => {
    await compare(sgd({ learningRate: 0.1 }), tf.train.sgd(0.1));
  });

  it('SGD with momentum', async () => {
    await compare(sgd({ learningRate: 0.05, momentum: 0.9 }), tf.train.momentum(0.05, 0.9));
  });

  it('SGD with Nesterov momentum', async () => {
    await compare(
      sgd({ learningRate: 0.05, momentum: 0.8, nesterov: true }),
      tf.train.momentum(0.05, 0.8, true),
    );
  });

  it('Adam', async () => {
    await compare(adam({ learningRate: 0.01 }), tf.train.adam(0.01, 0.9, 0.999, 1e-7));
    await compare(adam({ learningRate: 0.1, beta1: 0.5, beta2: 0.9 }), tf.train.adam(0.1, 0.5, 0.9, 1e-7));
  });

  it('RMSprop (non-centered)', async () => {
    await compare(rmsprop({ learningRate: 0.01 }), tf.train.rmsprop(0.01, 0.9, 0, 1e-7));
    await compare(
      rmsprop({ learningRate: 0.01, rho: 0.8, momentum: 0.5 }),
      tf.train.rmsprop(0.01, 0.8, 0.5, 1e-7),
    );
  });

  it('Adagrad', async () => {
    await compare(adagrad({ learningRate: 0.1 }), tf.train.adagrad(0.1, 0.1));
    await compare(adagrad({ learningRate: 0.05, initialAccumulatorValue: 1 }), tf.train.adagrad(0.05, 1));
  });
});
