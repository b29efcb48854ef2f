import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import {
  accuracy,
  binaryAccuracy,
  categoricalAccuracy,
  getMetric,
  type Metric,
  mae,
  mse,
  precision,
  recall,
  sparseCategoricalAccuracy,
} from './metrics.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

/** batchStats as numbers (the tensor is checked and freed). */
function stats(m: Metric, yTrue: nr.Tensor, yPred: nr.Tensor, w?: nr.Tensor): number[] {
  const s = m.batchStats(yTrue, yPred, w);
  expect(s.dtype).toBe('float32');
  expect(s.shape).toEqual([m.batchStatsSize ?? 2]);
  const v = Array.from(s.dataSync());
  s.dispose();
  return v;
}

function expectClose(actual: readonly number[], expected: readonly number[], digits = 5): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    expect(a, `element ${i}`).toBeCloseTo(expected[i]!, digits);
  });
}

/** Stats and result for one batch. */
function check(
  m: Metric,
  t: nr.Tensor,
  p: nr.Tensor,
  expectedStats: number[],
  value: number,
  w?: nr.Tensor,
): void {
  const s = stats(m, t, p, w);
  expectClose(s, expectedStats);
  expect(m.result(s)).toBeCloseTo(value, 5);
}

/** A matrix from rows separated by ';': m('1 2; 3 4') is [[1, 2], [3, 4]]. */
const m = (rows: string): nr.Tensor =>
  nr.tensor2d(rows.split(';').map((r) => r.trim().split(/\s+/).map(Number)));
const w1 = (v: number[]): nr.Tensor => nr.tensor(v);

// Binary data used by several tests: predictions > 0.5 are [1, 1, 0, 0, 1].
const binTrue = () => m('1; 0; 1; 0; 1');
const binPred = () => m('0.9; 0.8; 0.3; 0.1; 0.6');

// Categorical data: argmax of yPred [1, 1, 2] vs labels [1, 0, 2] -> correct [1, 0, 1].
const catTrue = () => m('0 1 0; 1 0 0; 0 0 1');
const catPred = () => m('0.1 0.8 0.1; 0.3 0.6 0.1; 0.2 0.3 0.5');

describe('binaryAccuracy', () => {
  const t = () => m('1; 0; 1; 0');
  const p = () => m('0.9; 0.6; 0.4; 0.1');

  it('compares yPred > threshold with yTrue', () => {
    // predicted [1, 1, 0, 0] vs [1, 0, 1, 0]: correct [1, 0, 0, 1] -> [2, 4], 0.5
    check(binaryAccuracy(), t(), p(), [2, 4], 0.5);
    // threshold 0.3: predicted [1, 1, 1, 0]: correct [1, 0, 1, 1] -> [3, 4], 0.75
    check(binaryAccuracy({ threshold: 0.3 }), t(), p(), [3, 4], 0.75);
    // exactly at the threshold is negative: 0.5 > 0.5 is false, so [0] vs 1 is wrong, vs 0 right
    check(binaryAccuracy(), m('1; 0'), m('0.5; 0.5'), [1, 2], 0.5);
    expect(binaryAccuracy().name).toBe('binary_accuracy');
  });

  it('weights examples', () => {
    // correct [1, 0, 0, 1], w [4, 1, 1, 2]: Σ w·c = 4 + 2 = 6, Σ w = 8 -> 0.75
    check(binaryAccuracy(), t(), p(), [6, 8], 0.75, w1([4, 1, 1, 2]));
    // [batch, 1] weights are accepted: w [1, 2, 3, 4] -> (1 + 4) / 10 = 0.5
    check(binaryAccuracy(), t(), p(), [5, 10], 0.5, m('1; 2; 3; 4'));
    expect(() => stats(binaryAccuracy(), t(), p(), w1([1, 2]))).toThrow(
      'binary_accuracy: sampleWeight [2] must have shape [4] or [4, 1] for yPred [4, 1]',
    );
  });

  it('averages several outputs per example', () => {
    // row 0: [1, 0] vs predicted [1, 0] -> 1; row 1: [1, 1] vs [0, 1] -> 0.5; sums [1.5, 2] -> 0.75
    check(binaryAccuracy(), m('1 0; 1 1'), m('0.7 0.2; 0.3 0.8'), [1.5, 2], 0.75);
    // [batch] labels for [batch, 1] predictions
    check(binaryAccuracy(), w1([1, 0, 1, 0]), p(), [2, 4], 0.5);
  });
});

describe('categorical accuracies', () => {
  it('categoricalAccuracy compares argmaxes', () => {
    // correct [1, 0, 1] -> [2, 3]
    check(categoricalAccuracy(), catTrue(), catPred(), [2, 3], 2 / 3);
    // w [1, 2, 1]: (1 + 1) / 4 = 0.5
    check(categoricalAccuracy(), catTrue(), catPred(), [2, 4], 0.5, w1([1, 2, 1]));
    expect(() => stats(categoricalAccuracy(), w1([1, 0, 2]), catPred())).toThrow(
      'categorical_accuracy: yTrue [3] and yPred [3, 3] must have the same shape (for integer class labels use sparseCategoricalAccuracy)',
    );
  });

  it('sparseCategoricalAccuracy takes [batch] or [batch, 1] labels, int32 or float', () => {
    // labels [1, 0, 2] vs argmax [1, 1, 2]: correct [1, 0, 1]
    for (const labels of [
      nr.tensor([1, 0, 2], [3], 'int32'),
      nr.tensor([1, 0, 2], [3, 1], 'int32'),
      w1([1, 0, 2]),
      m('1; 0; 2'),
    ]) {
      check(sparseCategoricalAccuracy(), labels, catPred(), [2, 3], 2 / 3);
    }
    // w [3, 1, 0]: 3·1 + 1·0 + 0·1 = 3, Σ w = 4 -> 0.75
    check(sparseCategoricalAccuracy(), w1([1, 0, 2]), catPred(), [3, 4], 0.75, w1([3, 1, 0]));
    expect(() => stats(sparseCategoricalAccuracy(), w1([1, 0, 7]), catPred())).toThrow(
      /sparse_categorical_accuracy: label 7 .* is not a class index in \[0, 3\)/,
    );
  });

  it('accuracy() decides from the shapes when used directly', () => {
    const m = accuracy();
    expect(m.name).toBe('accuracy');
    check(m, binTrue(), binPred(), [3, 5], 0.6); // binary: predicted [1, 1, 0, 0, 1], correct [1, 0, 0, 1, 1]
    check(m, catTrue(), catPred(), [2, 3], 2 / 3); // categorical
    check(m, w1([1, 0, 2]), catPred(), [2, 3], 2 / 3); // sparse
  });
});

describe('precision and recall', () => {
  it('count tp, fp and fn over the elements', () => {
    // yTrue [1, 0, 1, 0, 1], predicted [1, 1, 0, 0, 1]: tp = 2 (0, 4), fp = 1 (1), fn = 1 (2)
    check(precision(), binTrue(), binPred(), [2, 1], 2 / 3);
    check(recall(), binTrue(), binPred(), [2, 1], 2 / 3);
    // threshold 0.7: predicted [1, 1, 0, 0, 0]: tp = 1, fp = 1, fn = 2 -> precision 0.5, recall 1/3
    check(precision({ threshold: 0.7 }), binTrue(), binPred(), [1, 1], 0.5);
    check(recall({ threshold: 0.7 }), binTrue(), binPred(), [1, 2], 1 / 3);
    expect([precision().name, recall().name]).toEqual(['precision', 'recall']);
  });

  it('weight the counts by example', () => {
    // w [1, 2, 3, 4, 5]: tp = 1 + 5 = 6, fp = 2, fn = 3 -> precision 6/8, recall 6/9
    const w = w1([1, 2, 3, 4, 5]);
    check(precision(), binTrue(), binPred(), [6, 2], 0.75, w);
    check(recall(), binTrue(), binPred(), [6, 3], 2 / 3, w);
    // two outputs per example, w [2, 1]: row 0 [1, 1] vs predicted [1, 0]: tp 2, fn 2 (weighted);
    // row 1 [0, 1] vs predicted [1, 1]: fp 1, tp 1 -> precision 3 / 4, recall 3 / 5
    const t = m('1 1; 0 1');
    const p = m('0.9 0.1; 0.8 0.7');
    check(precision(), t, p, [3, 1], 0.75, w1([2, 1]));
    check(recall(), t, p, [3, 2], 0.6, w1([2, 1]));
  });

  it('are 0 when the denominator is 0', () => {
    // nothing predicted positive: tp = fp = 0
    check(precision(), binTrue(), m('0.1; 0.2; 0.3; 0.4; 0.5'), [0, 0], 0);
    // no positives at all: tp = fn = 0
    check(recall(), m('0; 0'), m('0.9; 0.1'), [0, 0], 0);
    expect(precision().result([0, 0])).toBe(0);
  });
});

describe('mse and mae', () => {
  it('average per-example errors with weights', () => {
    const t = m('0 1; 2 3');
    // per example ((1)² + 0) / 2 = 0.5 and (0 + 2²) / 2 = 2 -> [2.5, 2], 1.25
    check(mse(), t, m('1 1; 2 5'), [2.5, 2], 1.25);
    // w [3, 1]: 1.5 + 2 = 3.5, Σ w = 4 -> 0.875
    check(mse(), t, m('1 1; 2 5'), [3.5, 4], 0.875, w1([3, 1]));
    // per example (1 + 2) / 2 = 1.5 and (0 + 2) / 2 = 1 -> [2.5, 2], 1.25
    check(mae(), t, m('1 -1; 2 5'), [2.5, 2], 1.25);
    expect([mse().name, mae().name]).toEqual(['mse', 'mae']);
  });
});

describe('accumulation', () => {
  it('two batches sum to the stats of one batch', () => {
    const t = m('1 0 0; 0 1 0; 0 0 1; 0 1 0');
    const p = m('0.6 0.3 0.1; 0.5 0.4 0.1; 0.1 0.2 0.7; 0.2 0.7 0.1');
    const labels = w1([0, 1, 2, 1]);
    const w = w1([1, 2, 3, 0.5]);
    const half = (x: nr.Tensor, i: number) => nr.slice(x, [2 * i], [2]);
    const metrics: [Metric, nr.Tensor][] = [
      [binaryAccuracy(), t],
      [categoricalAccuracy(), t],
      [sparseCategoricalAccuracy(), labels],
      [precision({ threshold: 0.4 }), t],
      [recall({ threshold: 0.4 }), t],
      [mse(), t],
      [mae(), t],
      [getMetric((a: nr.Tensor, b: nr.Tensor) => nr.abs(nr.sub(a, b))), t],
    ];
    for (const [m, target] of metrics) {
      for (const weights of [undefined, w]) {
        const whole = stats(m, target, p, weights);
        const parts = [0, 1].map((i) => stats(m, half(target, i), half(p, i), weights && half(weights, i)));
        const summed = whole.map((_, k) => parts[0]![k]! + parts[1]![k]!);
        expectClose(summed, whole);
        expect(m.result(summed)).toBeCloseTo(m.result(whole), 6);
      }
    }
  });
});

describe('getMetric', () => {
  it("resolves 'accuracy' from the loss and output shape, named 'accuracy'", () => {
    const pick = (name: string, ctx: Parameters<typeof getMetric>[1]) => {
      const m = getMetric(name, ctx);
      expect(m.name).toBe('accuracy');
      return m;
    };
    // categorical data with a categorical loss: correct [1, 0, 1]
    check(pick('accuracy', { lossName: 'categoricalCrossentropy' }), catTrue(), catPred(), [2, 3], 2 / 3);
    check(
      pick('acc', { lossName: 'sparse_categorical_crossentropy' }),
      w1([1, 0, 2]),
      catPred(),
      [2, 3],
      2 / 3,
    );
    // binary loss with 3 outputs (multi-label): elementwise thresholding, not argmax.
    // predicted (> 0.5; 0.5 itself is negative) vs true per row: [0,1,0] vs [0,1,0] -> 1;
    // [0,1,0] vs [1,0,0] -> 1/3; [0,0,0] vs [0,0,1] -> 2/3. Sums [2, 3] (argmax would also give 2/3,
    // so check a row where they differ: [0.6, 0.7, 0.1] vs [1, 1, 0] -> 1 elementwise, 0 by argmax)
    check(pick('accuracy', { lossName: 'binaryCrossentropy' }), catTrue(), catPred(), [2, 3], 2 / 3);
    check(pick('accuracy', { lossName: 'binary_crossentropy' }), m('1 1 0'), m('0.6 0.7 0.1'), [1, 1], 1);
    // a last dimension of 1 is binary; other shapes with other losses are categorical
    check(pick('accuracy', { lossName: 'mse', outputShape: [null, 1] }), binTrue(), binPred(), [3, 5], 0.6);
    check(pick('accuracy', { lossName: 'mse', outputShape: [null, 3] }), catTrue(), catPred(), [2, 3], 2 / 3);
    expect(() => stats(pick('accuracy', { outputShape: [null, 3] }), w1([1, 0, 2]), catPred())).toThrow(
      /accuracy: yTrue \[3\] and yPred \[3, 3\] must have the same shape/,
    );
    // a metric object from accuracy() is resolved the same way
    check(
      getMetric(accuracy(), { lossName: 'sparseCategoricalCrossentropy' }),
      w1([1, 0, 2]),
      catPred(),
      [2, 3],
      2 / 3,
    );
  });

  it('accepts other names in snake and camel case, Metric objects and functions', () => {
    const names: [string, string][] = [
      ['binary_accuracy', 'binary_accuracy'],
      ['binaryAccuracy', 'binary_accuracy'],
      ['categorical_accuracy', 'categorical_accuracy'],
      ['categoricalAccuracy', 'categorical_accuracy'],
      ['sparse_categorical_accuracy', 'sparse_categorical_accuracy'],
      ['sparseCategoricalAccuracy', 'sparse_categorical_accuracy'],
      ['precision', 'precision'],
      ['recall', 'recall'],
      ['mse', 'mse'],
      ['mean_squared_error', 'mse'],
      ['meanSquaredError', 'mse'],
      ['mae', 'mae'],
      ['mean_absolute_error', 'mae'],
      ['meanAbsoluteError', 'mae'],
    ];
    for (const [name, logName] of names) expect(getMetric(name, {}).name, name).toBe(logName);
    const p = precision({ threshold: 0.9 });
    expect(getMetric(p, {})).toBe(p);
    function meanError(t: nr.Tensor, y: nr.Tensor): nr.Tensor {
      return nr.sub(y, t);
    }
    const custom = getMetric(meanError, {});
    expect(custom.name).toBe('meanError');
    // per example (1 - 0) = 1 and (3 - 0) = 3, w [1, 3]: (1 + 9) / 4 = 2.5
    check(custom, m('0; 0'), m('1; 3'), [10, 4], 2.5, w1([1, 3]));
    expect(getMetric((a: nr.Tensor) => a).name).toBe('custom');
    expect(() => getMetric('f1')).toThrow(
      /getMetric: unknown metric "f1"; known metrics: accuracy, acc, binary_accuracy, .*meanAbsoluteError/,
    );
  });
});

describe('memory', () => {
  it('batchStats leaves only its result behind', () => {
    const w = w1([1, 2, 3]);
    const all: [Metric, nr.Tensor, nr.Tensor][] = [
      [binaryAccuracy(), catTrue(), catPred()],
      [categoricalAccuracy(), catTrue(), catPred()],
      [sparseCategoricalAccuracy(), w1([1, 0, 2]), catPred()],
      [accuracy(), w1([1, 0, 2]), catPred()],
      [precision(), catTrue(), catPred()],
      [recall(), catTrue(), catPred()],
      [mse(), catTrue(), catPred()],
      [mae(), catTrue(), catPred()],
      [getMetric((a: nr.Tensor, b: nr.Tensor) => nr.mul(a, b)), catTrue(), catPred()],
    ];
    for (const [m, t, p] of all) {
      for (const weights of [undefined, w]) {
        const before = nr.memory().numTensors;
        stats(m, t, p, weights);
        expect(nr.memory().numTensors, m.name).toBe(before);
      }
      nr.dispose([t, p]);
    }
    const p = catPred();
    const before = nr.memory().numTensors;
    expect(() => stats(categoricalAccuracy(), w, p)).toThrow(/must have the same shape/);
    expect(nr.memory().numTensors).toBe(before);
    nr.dispose([p, w]);
  });
});
