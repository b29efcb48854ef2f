import '../../../../test-utils/quiet-tfjs.js';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  getLoss,
  huber,
  type LossFn,
  meanAbsoluteError,
  meanSquaredError,
  sparseCategoricalCrossentropy,
} from './losses.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
  await tf.setBackend('cpu');
});

/** Run a loss, read its per-example values and free the result. */
function run(loss: (t: nr.Tensor, p: nr.Tensor) => nr.Tensor, yTrue: nr.Tensor, yPred: nr.Tensor): number[] {
  const out = loss(yTrue, yPred);
  expect(out.dtype).toBe('float32');
  expect(out.shape).toEqual([yPred.shape[0]]);
  const v = Array.from(out.dataSync());
  out.dispose();
  return v;
}

function expectClose(actual: readonly number[], expected: readonly number[], digits = 5): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    expect(Number.isFinite(a), `element ${i} is finite`).toBe(true);
    expect(a, `element ${i}`).toBeCloseTo(expected[i]!, digits);
  });
}

/** A matrix from rows separated by ';': m('1 2; 3 4') is [[1, 2], [3, 4]]. */
const m = (rows: string): nr.Tensor =>
  nr.tensor2d(rows.split(';').map((r) => r.trim().split(/\s+/).map(Number)));
const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const LSE123 = Math.log(Math.E + Math.E ** 2 + Math.E ** 3); // log(e + e² + e³) = 3.4076059

describe('regression losses', () => {
  it('meanSquaredError averages squared errors per example', () => {
    // row 0: ((1-0)² + (1-1)²) / 2 = 0.5; row 1: ((2-2)² + (5-3)²) / 2 = 2
    expectClose(run(meanSquaredError(), m('0 1; 2 3'), m('1 1; 2 5')), [0.5, 2]);
    // rank 1: every element is one example: (2-1)² = 1, (4-2)² = 4
    expectClose(run(meanSquaredError(), nr.tensor([1, 2]), nr.tensor([2, 4])), [1, 4]);
    // rank 3 [1, 2, 2]: (1 + 0 + 4 + 9) / 4 = 3.5
    const t = nr.tensor([0, 0, 0, 0], [1, 2, 2]);
    expectClose(run(meanSquaredError(), t, nr.tensor([1, 0, -2, 3], [1, 2, 2])), [3.5]);
  });

  it('accepts [batch] targets for [batch, 1] predictions and the reverse (as Keras squeezes)', () => {
    // (2-1)² = 1, (4-2)² = 4 either way
    expectClose(run(meanSquaredError(), nr.tensor([1, 2]), m('2; 4')), [1, 4]);
    expectClose(run(meanSquaredError(), m('1; 2'), nr.tensor([2, 4])), [1, 4]);
    // int32 and bool targets are cast to float32: |1 - 0.5| = 0.5, |0 - 0.5| = 0.5
    expectClose(run(meanAbsoluteError(), nr.tensor([1, 0], [2], 'int32'), nr.tensor([0.5, 0.5])), [0.5, 0.5]);
    expectClose(run(meanAbsoluteError(), nr.tensor([true, false]), nr.tensor([0.5, 0.5])), [0.5, 0.5]);
  });

  it('meanAbsoluteError averages absolute errors per example', () => {
    // row 0: (|1-0| + |-1-1|) / 2 = 1.5; row 1: (0 + |5-3|) / 2 = 1
    expectClose(run(meanAbsoluteError(), m('0 1; 2 3'), m('1 -1; 2 5')), [1.5, 1]);
  });

  it('huber is quadratic inside delta and linear outside', () => {
    const t = m('0 0');
    const p = m('0.5 3');
    // delta 1: 0.5·0.5² = 0.125; 1·(3 - 0.5·1) = 2.5; mean 1.3125
    expectClose(run(huber(), t, p), [1.3125]);
    // delta 2: 0.125; 2·(3 - 0.5·2) = 4; mean 2.0625
    expectClose(run(huber({ delta: 2 }), t, p), [2.0625]);
    // at e = delta both branches give 0.5·delta²: delta 3 at e = 3 -> 4.5; with 0.125: mean 2.3125
    expectClose(run(huber({ delta: 3 }), t, p), [2.3125]);
    expect(() => huber({ delta: 0 })).toThrow(/huber: delta must be a finite number > 0, got 0/);
  });

  it('rejects mismatched shapes, naming the loss and both shapes', () => {
    expect(() => meanSquaredError()(nr.zeros([2, 3]), nr.zeros([2, 4]))).toThrow(
      'meanSquaredError: yTrue [2, 3] and yPred [2, 4] must have the same shape',
    );
    expect(() => meanSquaredError()(nr.zeros([]), nr.zeros([]))).toThrow(/yPred must have a batch axis/);
  });
});

describe('binaryCrossentropy', () => {
  it('from probabilities: -(z·log(p) + (1-z)·log(1-p)), with Keras epsilon', () => {
    // -log(0.8) = 0.2231436, -log(1 - 0.4) = 0.5108256 (the +1e-7 inside the log is below 1e-6)
    expectClose(run(binaryCrossentropy(), m('1; 0'), m('0.8; 0.4')), [0.2231436, 0.5108256]);
    // two columns averaged: (-log 0.9 - log(1 - 0.2)) / 2 = (0.1053605 + 0.2231436) / 2 = 0.1642520
    expectClose(run(binaryCrossentropy(), m('1 0'), m('0.9 0.2')), [0.164252]);
  });

  it('from logits: max(x,0) - x·z + log1p(e^-|x|), agreeing with sigmoid probabilities', () => {
    const z = m('1; 0; 1');
    const x = m('0; 2; -3');
    // x=0: log 2 = 0.6931472; x=2,z=0: softplus(2) = 2.1269280; x=-3,z=1: softplus(-3) + 3 = 3.0485874
    const expected = [Math.LN2, softplus(2), softplus(-3) + 3];
    expectClose(run(binaryCrossentropy({ fromLogits: true }), z, x), expected);
    expectClose(run(binaryCrossentropy(), z, nr.sigmoid(x)), expected, 4);
    expectClose(run(binaryCrossentropy().logitsVersion!, z, x), expected);
    expect(binaryCrossentropy({ fromLogits: true }).logitsVersion).toBeUndefined();
  });

  it('label smoothing moves targets to z·(1-s) + s/2', () => {
    // s = 0.2: 1 -> 0.9, 0 -> 0.1. x=0: log 2 for any target; x=2, z=0.1: softplus(2) - 0.2 = 1.9269280;
    // x=-3, z=0.9: softplus(-3) + 2.7 = 2.7485874
    const z = m('1; 0; 1');
    const x = m('0; 2; -3');
    const expected = [Math.LN2, softplus(2) - 0.2, softplus(-3) + 2.7];
    expectClose(run(binaryCrossentropy({ fromLogits: true, labelSmoothing: 0.2 }), z, x), expected);
    expectClose(run(binaryCrossentropy({ labelSmoothing: 0.2 }), z, nr.sigmoid(x)), expected, 4);
    expect(() => binaryCrossentropy({ labelSmoothing: 1.5 })).toThrow(
      /binaryCrossentropy: labelSmoothing must be a number in \[0, 1\], got 1.5/,
    );
  });

  it('is finite and exact for logits of ±100, with gradient sigmoid(x) - z', () => {
    const z = m('1; 0; 1; 0');
    const x = m('100; 100; -100; -100');
    // right: ~0 (log1p(e^-100)); wrong: 100 (|x|)
    expectClose(run(binaryCrossentropy({ fromLogits: true }), z, x), [0, 100, 100, 0]);
    const loss = binaryCrossentropy({ fromLogits: true });
    const g = nr.tidy(() => nr.grad((l: nr.Tensor) => nr.sum(loss(z, l)))(x));
    expectClose(Array.from(g.dataSync()), [0, 1, -1, 0]);
    g.dispose();
  });

  it('clips saturated probabilities instead of taking log(0)', () => {
    // p = 1 is clipped to 1 - 1e-7 (float32 0.99999988); -log(1 - 0.99999988 + 1e-7) = -log(2.1920929e-7)
    const v = run(binaryCrossentropy(), m('0; 1'), m('1; 1'));
    expectClose(v, [-Math.log(1.1920929e-7 + 1e-7), 0], 3);
  });
});

describe('categoricalCrossentropy', () => {
  const y = () => m('0 1 0; 1 0 0');

  it('from probabilities: -Σ y·log(p)', () => {
    // -log 0.7 = 0.3566749; -log 0.5 = 0.6931472
    const p = m('0.2 0.7 0.1; 0.5 0.25 0.25');
    expectClose(run(categoricalCrossentropy(), y(), p), [0.3566749, Math.LN2]);
    // probabilities are renormalised like Keras: [1, 3] / 4 -> -log(0.75) = 0.2876821
    expectClose(run(categoricalCrossentropy(), m('0 1'), m('1 3')), [0.2876821]);
  });

  it('from logits uses logSoftmax and agrees with softmax probabilities', () => {
    const logits = m('1 2 3; 1 2 3');
    const target = m('0 0 1; 1 0 0');
    // -(3 - log(e + e² + e³)) = 0.4076059; -(1 - 3.4076059) = 2.4076059
    const expected = [LSE123 - 3, LSE123 - 1];
    expectClose(run(categoricalCrossentropy({ fromLogits: true }), target, logits), expected);
    expectClose(run(categoricalCrossentropy(), target, nr.softmax(logits)), expected);
    expectClose(run(categoricalCrossentropy().logitsVersion!, target, logits), expected);
  });

  it('label smoothing moves targets to y·(1-s) + s/classes', () => {
    // s = 0.3, 3 classes: [0, 0, 1] -> [0.1, 0.1, 0.8];
    // 0.1·2.4076059 + 0.1·1.4076059 + 0.8·0.4076059 = 0.7076059
    const loss = categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.3 });
    expectClose(run(loss, m('0 0 1'), m('1 2 3')), [0.7076059]);
  });

  it('is finite and exact for logits of ±100', () => {
    const logits = m('100 -100 0; 100 -100 0; 100 -100 0');
    const target = m('1 0 0; 0 1 0; 0 0 1');
    // logsumexp = 100 (+ e^-100): losses 100 - 100 = 0, 100 + 100 = 200, 100 - 0 = 100
    const loss = categoricalCrossentropy({ fromLogits: true });
    expectClose(run(loss, target, logits), [0, 200, 100], 4);
    // gradient softmax - y: softmax ≈ [1, 0, e^-100]
    const g = nr.tidy(() => nr.grad((l: nr.Tensor) => nr.sum(loss(target, l)))(logits));
    expectClose(Array.from(g.dataSync()), [0, 0, 0, 1, -1, 0, 1, 0, -1]);
    g.dispose();
    // from saturated probabilities [1, 0, 0]: 0 is clipped to 1e-7, -log(1e-7) = 16.118096
    expectClose(run(categoricalCrossentropy(), m('0 1 0'), m('1 0 0')), [16.118096], 3);
  });

  it('averages over extra axes per example', () => {
    // [1, 2, 2]: position 0 -log(0.75) = 0.2876821, position 1 -log(0.5) = 0.6931472; mean 0.4904146
    const t = nr.tensor([0, 1, 1, 0], [1, 2, 2]);
    expectClose(run(categoricalCrossentropy(), t, nr.tensor([0.25, 0.75, 0.5, 0.5], [1, 2, 2])), [0.4904146]);
  });

  it('rejects mismatched shapes, hinting at sparse labels', () => {
    expect(() => categoricalCrossentropy()(nr.zeros([32, 9]), nr.zeros([32, 10]))).toThrow(
      'categoricalCrossentropy: yTrue [32, 9] and yPred [32, 10] must have the same shape',
    );
    expect(() => categoricalCrossentropy()(nr.zeros([4]), nr.zeros([4, 10]))).toThrow(
      /yTrue \[4\] and yPred \[4, 10\] must have the same shape \(for integer class labels use sparseCategoricalCrossentropy\)/,
    );
    expect(() => categoricalCrossentropy()(nr.zeros([4]), nr.zeros([4]))).toThrow(
      /yPred must have shape \[batch, \.\.\., classes\], got \[4\]/,
    );
  });
});

describe('sparseCategoricalCrossentropy', () => {
  const probs = () => m('0.2 0.7 0.1; 0.5 0.25 0.25');

  it('accepts int32 or float labels shaped [batch] or [batch, 1]', () => {
    // -log p[1] = -log 0.7 = 0.3566749; -log p[0] = -log 0.5 = 0.6931472
    const expected = [0.3566749, Math.LN2];
    const loss = sparseCategoricalCrossentropy();
    expectClose(run(loss, nr.tensor([1, 0], [2], 'int32'), probs()), expected);
    expectClose(run(loss, nr.tensor([1, 0], [2, 1], 'int32'), probs()), expected);
    expectClose(run(loss, nr.tensor([1, 0]), probs()), expected);
    expectClose(run(loss, m('1; 0'), probs()), expected);
  });

  it('from logits agrees with the categorical loss on one-hot labels', () => {
    const logits = m('1 2 3; 1 2 3');
    const labels = nr.tensor([2, 0], [2], 'int32');
    const expected = [LSE123 - 3, LSE123 - 1]; // 0.4076059, 2.4076059
    expectClose(run(sparseCategoricalCrossentropy({ fromLogits: true }), labels, logits), expected);
    expectClose(run(sparseCategoricalCrossentropy().logitsVersion!, labels, logits), expected);
    expectClose(run(sparseCategoricalCrossentropy(), labels, nr.softmax(logits)), expected);
    expectClose(run(categoricalCrossentropy({ fromLogits: true }), nr.oneHot(labels, 3), logits), expected);
  });

  it('is finite for logits of ±100', () => {
    const logits = m('100 -100 0; 100 -100 0');
    // label 0: 0; label 1: 200
    expectClose(
      run(sparseCategoricalCrossentropy({ fromLogits: true }), nr.tensor([0, 1]), logits),
      [0, 200],
      4,
    );
  });

  it('checks label shapes and values', () => {
    const loss = sparseCategoricalCrossentropy();
    expect(() => loss(nr.zeros([2, 3]), probs())).toThrow(
      'sparseCategoricalCrossentropy: yTrue [2, 3] must hold class indices of shape [2] or [2, 1] for yPred [2, 3] (for one-hot labels use categorical losses)',
    );
    expect(() => loss(nr.tensor([1, 3], [2], 'int32'), probs())).toThrow(
      /label 3 \(flat position 1 of yTrue \[2\]\) is not a class index in \[0, 3\)/,
    );
    expect(() => loss(nr.tensor([1.5, 0]), probs())).toThrow(/label 1.5 .* is not a class index/);
    expect(() => loss(nr.tensor([-1, 0], [2], 'int32'), probs())).toThrow(/label -1/);
    expect(() => loss(nr.tensor([true, false]), probs())).toThrow(
      /must hold int32 or float class indices, got bool/,
    );
  });
});

describe('getLoss', () => {
  it('resolves names in camel and snake case', () => {
    const cases: [string, string][] = [
      ['mse', 'meanSquaredError'],
      ['mean_squared_error', 'meanSquaredError'],
      ['meanSquaredError', 'meanSquaredError'],
      ['mae', 'meanAbsoluteError'],
      ['mean_absolute_error', 'meanAbsoluteError'],
      ['meanAbsoluteError', 'meanAbsoluteError'],
      ['huber', 'huber'],
      ['binaryCrossentropy', 'binaryCrossentropy'],
      ['binary_crossentropy', 'binaryCrossentropy'],
      ['categoricalCrossentropy', 'categoricalCrossentropy'],
      ['categorical_crossentropy', 'categoricalCrossentropy'],
      ['sparseCategoricalCrossentropy', 'sparseCategoricalCrossentropy'],
      ['sparse_categorical_crossentropy', 'sparseCategoricalCrossentropy'],
    ];
    for (const [name, lossName] of cases) expect(getLoss(name).lossName, name).toBe(lossName);
    expect(getLoss('categorical_crossentropy').logitsVersion).toBeTypeOf('function');
  });

  it('passes LossFns through and wraps user functions', () => {
    const l = huber({ delta: 2 });
    expect(getLoss(l)).toBe(l);
    function myLoss(t: nr.Tensor, p: nr.Tensor): nr.Tensor {
      return nr.abs(nr.sub(t, p)); // per element: averaged per example
    }
    const wrapped = getLoss(myLoss);
    expect(wrapped.lossName).toBe('myLoss');
    // (|1-0| + |-1-1|) / 2 = 1.5; (0 + |5-3|) / 2 = 1
    expectClose(run(wrapped, m('0 1; 2 3'), m('1 -1; 2 5')), [1.5, 1]);
    // a scalar result is repeated for every example
    const anon = getLoss((t: nr.Tensor, p: nr.Tensor) => nr.mean(nr.sub(p, t)));
    expect(anon.lossName).toBe('custom');
    expectClose(run(anon, m('0; 0'), m('1; 3')), [2, 2]);
    const bad = getLoss((_t: nr.Tensor, p: nr.Tensor) => nr.zeros([p.shape[0]! + 1]));
    expect(() => bad(m('0'), m('1'))).toThrow(
      /returned shape \[2\]; expected per-example values \[1, \.\.\.\]/,
    );
  });

  it('lists the known names for an unknown one', () => {
    expect(() => getLoss('hinge')).toThrow(
      /getLoss: unknown loss "hinge"; known losses: meanSquaredError, mse, mean_squared_error, .*sparse_categorical_crossentropy/,
    );
  });
});

describe('against TensorFlow.js', () => {
  /** Deterministic values in [lo, hi). */
  function values(n: number, seed: number, lo: number, hi: number): number[] {
    let s = seed;
    return Array.from({ length: n }, () => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return lo + ((hi - lo) * s) / 2147483648;
    });
  }
  const B = 6;
  const C = 4;
  const shape: [number, number] = [B, C];
  const rowMean = (t: tf.Tensor): number[] => Array.from(tf.tidy(() => tf.mean(t, -1)).dataSync());
  const ours = (loss: LossFn, a: number[], b: number[], sa: number[] = shape): number[] =>
    run(loss, nr.tensor(a, sa), nr.tensor(b, shape));
  const targets = values(B * C, 1, -2, 2);
  const preds = values(B * C, 2, -3, 3);
  const probs = values(B * C, 3, 0.05, 0.95);
  const bits = values(B * C, 4, 0, 1).map((v) => (v > 0.5 ? 1 : 0));
  const classes = values(B, 5, 0, C).map(Math.floor);
  const hot = classes.flatMap((c) => Array.from({ length: C }, (_, k) => (k === c ? 1 : 0)));
  const NONE = tf.Reduction.NONE;

  it('regression losses', () => {
    const [a, b] = [tf.tensor2d(targets, shape), tf.tensor2d(preds, shape)];
    expectClose(
      ours(meanSquaredError(), targets, preds),
      rowMean(tf.losses.meanSquaredError(a, b, undefined, NONE)),
    );
    expectClose(
      ours(meanAbsoluteError(), targets, preds),
      rowMean(tf.losses.absoluteDifference(a, b, undefined, NONE)),
    );
    expectClose(
      ours(huber({ delta: 1.5 }), targets, preds),
      rowMean(tf.losses.huberLoss(a, b, undefined, 1.5, NONE)),
    );
    tf.dispose([a, b]);
  });

  it('binary cross-entropy, from logits and from probabilities', () => {
    const [z, x, p] = [tf.tensor2d(bits, shape), tf.tensor2d(preds, shape), tf.tensor2d(probs, shape)];
    for (const s of [0, 0.2]) {
      const expected = rowMean(tf.losses.sigmoidCrossEntropy(z, x, undefined, s, NONE));
      expectClose(ours(binaryCrossentropy({ fromLogits: true, labelSmoothing: s }), bits, preds), expected);
    }
    // tf.losses.logLoss is -z·log(p + ε) - (1 - z)·log(1 - p + ε), like Keras
    const expected = rowMean(tf.losses.logLoss(z, p, undefined, 1e-7, NONE));
    expectClose(ours(binaryCrossentropy(), bits, probs), expected);
    tf.dispose([z, x, p]);
  });

  it('categorical and sparse cross-entropy', () => {
    const [y, x] = [tf.tensor2d(hot, shape), tf.tensor2d(preds, shape)];
    for (const s of [0, 0.1]) {
      const expected = Array.from(tf.losses.softmaxCrossEntropy(y, x, undefined, s, NONE).dataSync());
      expectClose(
        ours(categoricalCrossentropy({ fromLogits: true, labelSmoothing: s }), hot, preds),
        expected,
      );
      if (s === 0) {
        const labels = nr.tensor(classes, [B], 'int32');
        expectClose(
          run(sparseCategoricalCrossentropy({ fromLogits: true }), labels, nr.tensor(preds, shape)),
          expected,
        );
        // from probabilities: softmax(log p) = p for normalised p
        const p = tf.tidy(() => tf.softmax(x));
        const fromLogP = tf.tidy(() => tf.losses.softmaxCrossEntropy(y, tf.log(p), undefined, 0, NONE));
        expectClose(
          ours(categoricalCrossentropy(), hot, Array.from(p.dataSync())),
          Array.from(fromLogP.dataSync()),
        );
        tf.dispose([p, fromLogP]);
      }
    }
    tf.dispose([y, x]);
  });
});

describe('gradients', () => {
  it('match finite differences w.r.t. yPred', async () => {
    const hot = m('0 1 0; 1 0 0');
    const probs = m('0.2 0.7 0.1; 0.5 0.3 0.2');
    const logits = m('0.3 -1.2 2; 1.5 0.2 -0.7');
    const cases: [LossFn, nr.Tensor, nr.Tensor][] = [
      [meanSquaredError(), hot, logits],
      [huber({ delta: 0.5 }), hot, logits],
      [binaryCrossentropy({ labelSmoothing: 0.1 }), hot, probs],
      [binaryCrossentropy({ fromLogits: true }), hot, logits],
      [categoricalCrossentropy({ labelSmoothing: 0.1 }), hot, probs],
      [categoricalCrossentropy({ fromLogits: true }), hot, logits],
      [sparseCategoricalCrossentropy(), nr.tensor([1, 0]), probs],
      [sparseCategoricalCrossentropy({ fromLogits: true }), nr.tensor([1, 0]), logits],
    ];
    for (const [loss, t, p] of cases) {
      const r = await nr.gradCheck((x) => nr.sum(loss(t, x)), [p]);
      expect(r.passed, loss.lossName).toBe(true);
    }
  });
});

describe('memory', () => {
  it('leaves only the returned tensor behind', () => {
    const probs = m('0.2 0.7 0.1; 0.5 0.25 0.25');
    const hot = m('0 1 0; 1 0 0');
    const labels = nr.tensor([1, 0], [2], 'int32');
    const all: [(t: nr.Tensor, p: nr.Tensor) => nr.Tensor, nr.Tensor][] = [
      [meanSquaredError(), hot],
      [meanAbsoluteError(), hot],
      [huber(), hot],
      [binaryCrossentropy(), hot],
      [binaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }), hot],
      [binaryCrossentropy().logitsVersion!, hot],
      [categoricalCrossentropy({ labelSmoothing: 0.1 }), hot],
      [categoricalCrossentropy({ fromLogits: true }), hot],
      [categoricalCrossentropy().logitsVersion!, hot],
      [sparseCategoricalCrossentropy(), labels],
      [sparseCategoricalCrossentropy({ fromLogits: true }), labels],
      [sparseCategoricalCrossentropy().logitsVersion!, labels],
      [getLoss((t: nr.Tensor, p: nr.Tensor) => nr.square(nr.sub(t, p))), hot],
    ];
    for (const [loss, target] of all) {
      const before = nr.memory().numTensors;
      run(loss, target, probs);
      expect(nr.memory().numTensors).toBe(before);
    }
    const before = nr.memory().numTensors;
    expect(() => categoricalCrossentropy()(labels, probs)).toThrow();
    expect(nr.memory().numTensors).toBe(before);
    nr.dispose([probs, hot, labels]);
  });
});
