/**
 * A few steps of plain gradient descent on tiny models built from raw ops with `nr.variable`,
 * `nr.variableGrads` and `assign`: a dense network, a CNN (conv2d + relu + maxPool + dense) and an RNN
 * (`h_t = tanh(x_t W + h_{t-1} W_h + b)` unrolled over 4 steps). The loss must go down, and training must
 * leave no tensors behind.
 *
 * @packageDocumentation
 */
import type { KernelName } from '@neurona/core';
import * as nr from '@neurona/core';
import { Gen, type HostTensor, toNr } from './gen.js';
import type { Suite } from './harness.js';

/** A model: its variables, and the loss on the fixed data set (data tensors are created inside). */
interface Model {
  readonly vars: nr.Variable[];
  readonly loss: () => nr.Tensor;
}

/** A trainable variable initialised from host data (the initial tensor is freed). */
function variable(name: string, h: HostTensor): nr.Variable {
  const t = toNr(h);
  const v = nr.variable(t, true, name);
  t.dispose();
  return v;
}

/**
 * Run `steps` SGD updates `v <- v - lr * dL/dv` and return the loss before each step and after the last.
 *
 * @example
 * ```ts
 * const losses = await sgd(model, 10, 0.1);
 * ```
 */
export async function sgd(model: Model, steps: number, lr: number): Promise<number[]> {
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const { value, grads } = nr.variableGrads(model.loss, model.vars);
    losses.push((await value.data())[0]!);
    nr.tidy(() => {
      for (const v of model.vars) v.assign(nr.sub(v, nr.mul(grads[v.name]!, lr)));
    });
    nr.dispose([value, grads]);
  }
  const last = nr.tidy(model.loss);
  losses.push((await last.data())[0]!);
  last.dispose();
  return losses;
}

/**
 * Train and require the loss to fall to at most `ratio` of its start, with no leaked tensors. The ratios
 * leave about 2-3x headroom over the CPU reference run (dense 1.98 -> 0.022, cnn 0.60 -> 0.099,
 * rnn 0.18 -> 0.017 after 20 steps); a zeroed conv2d filter gradient, for example, stalls the CNN at 0.64x.
 */
async function expectLearns(
  what: string,
  build: () => Model,
  steps: number,
  lr: number,
  ratio: number,
): Promise<void> {
  const before = nr.memory().numTensors;
  const model = build();
  let losses: number[];
  try {
    losses = await sgd(model, steps, lr);
  } finally {
    nr.dispose(model.vars);
  }
  const [first, last] = [losses[0]!, losses[losses.length - 1]!];
  const trace = losses.map((l) => l.toFixed(4)).join(' ');
  if (!Number.isFinite(last) || !(last <= ratio * first)) {
    throw new Error(
      `${what}: loss went from ${first} to ${last}, expected at most ${ratio} x the start. Losses: ${trace}`,
    );
  }
  const leaked = nr.memory().numTensors - before;
  if (leaked !== 0)
    throw new Error(`${what}: ${leaked} tensors left alive after training and disposing the model`);
}

/** Dense 3 -> 4 (tanh) -> 1 regression on 8 points of a fixed linear target, mean squared error. */
function denseModel(): Model {
  const g = new Gen(4001);
  const x = g.floats([8, 3]);
  // target y = x . [0.5, -1, 2] + 0.3
  const y: HostTensor = {
    shape: [8, 1],
    dtype: 'float32',
    data: Float32Array.from(
      { length: 8 },
      (_, i) => 0.5 * x.data[i * 3]! - x.data[i * 3 + 1]! + 2 * x.data[i * 3 + 2]! + 0.3,
    ),
  };
  const w1 = variable('training/dense/w1', g.floats([3, 4], -0.5, 0.5));
  const b1 = variable('training/dense/b1', g.floats([4], -0.1, 0.1));
  const w2 = variable('training/dense/w2', g.floats([4, 1], -0.5, 0.5));
  const b2 = variable('training/dense/b2', g.floats([1], -0.1, 0.1));
  const loss = (): nr.Tensor => {
    const h = nr.tanh(nr.add(nr.matMul(toNr(x), w1), b1));
    return nr.mean(nr.square(nr.sub(nr.add(nr.matMul(h, w2), b2), toNr(y))));
  };
  return { vars: [w1, b1, w2, b2], loss };
}

/** CNN on 4 single-channel 5x5 images: conv2d 3x3 (2 filters, same) -> relu -> maxPool 2 -> dense 8 -> 2, softmax cross-entropy. */
function cnnModel(): Model {
  const g = new Gen(4002);
  const images = g.floats([4, 5, 5, 1]);
  const labels = [0, 1, 1, 0];
  const filter = variable('training/cnn/filter', g.floats([3, 3, 1, 2], -0.5, 0.5));
  const w = variable('training/cnn/w', g.floats([8, 2], -0.5, 0.5));
  const b = variable('training/cnn/b', g.floats([2], -0.1, 0.1));
  const loss = (): nr.Tensor => {
    const h = nr.maxPool(nr.relu(nr.conv2d(toNr(images), filter, 1, 'same')), 2, 2, 'valid'); // [4, 2, 2, 2]
    const logits = nr.add(nr.matMul(nr.reshape(h, [4, 8]), w), b);
    const onehot = nr.oneHot(nr.tensor(labels, [4], 'int32'), 2);
    return nr.div(nr.neg(nr.sum(nr.mul(onehot, nr.logSoftmax(logits)))), 4);
  };
  return { vars: [filter, w, b], loss };
}

/** RNN: 3 sequences of 4 steps with 2 features, hidden size 3, predicting the sum of each sequence's features. */
function rnnModel(): Model {
  const g = new Gen(4003);
  const seq = g.floats([4, 3, 2]); // [time, batch, features]
  const target: HostTensor = {
    shape: [3, 1],
    dtype: 'float32',
    data: Float32Array.from({ length: 3 }, (_, b) => {
      let s = 0;
      for (let t = 0; t < 4; t++) s += seq.data[(t * 3 + b) * 2]! + seq.data[(t * 3 + b) * 2 + 1]!;
      return s / 4;
    }),
  };
  const wx = variable('training/rnn/wx', g.floats([2, 3], -0.5, 0.5));
  const wh = variable('training/rnn/wh', g.floats([3, 3], -0.5, 0.5));
  const bh = variable('training/rnn/bh', g.floats([3], -0.1, 0.1));
  const wo = variable('training/rnn/wo', g.floats([3, 1], -0.5, 0.5));
  const bo = variable('training/rnn/bo', g.floats([1], -0.1, 0.1));
  const loss = (): nr.Tensor => {
    const xs = nr.split(toNr(seq), 4, 0).map((x) => nr.reshape(x, [3, 2]));
    let h = nr.zeros([3, 3]);
    for (const x of xs) h = nr.tanh(nr.add(nr.add(nr.matMul(x, wx), nr.matMul(h, wh)), bh));
    return nr.mean(nr.square(nr.sub(nr.add(nr.matMul(h, wo), bo), toNr(target))));
  };
  return { vars: [wx, wh, bh, wo, bo], loss };
}

/**
 * Register the `training` group.
 *
 * @example
 * ```ts
 * registerTraining(suite);
 * ```
 */
export function registerTraining(suite: Suite): void {
  const dense: KernelName[] = ['matmul', 'binary', 'unary', 'reduce'];
  suite.group('training', (test) => {
    test('dense network: 20 SGD steps reduce the loss', dense, async () => {
      await expectLearns('dense', denseModel, 20, 0.1, 0.1);
    });
    test(
      'cnn: 20 SGD steps reduce the loss',
      [...dense, 'conv2d', 'conv2dGradFilter', 'maxPool', 'maxPoolGrad', 'logSoftmax'],
      async () => {
        await expectLearns('cnn', cnnModel, 20, 0.2, 0.3);
      },
    );
    test('rnn unrolled over 4 steps: 20 SGD steps reduce the loss', [...dense, 'slice'], async () => {
      await expectLearns('rnn', rnnModel, 20, 0.1, 0.3);
    });
  });
}
