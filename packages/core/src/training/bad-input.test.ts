/**
 * The table of bad inputs to the public API: every case must fail with a plain `Error` (not a TypeError or a
 * RangeError from deep inside) whose message names the function, the argument and the value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

const xs = [
  [0, 0, 1],
  [0, 1, 0],
  [1, 0, 0],
  [1, 1, 1],
  [0, 1, 1],
  [1, 0, 1],
  [1, 1, 0],
  [0, 0, 0],
];
const held: nr.Tensor[] = [];
const keep = <T extends nr.Tensor>(t: T): T => {
  held.push(t);
  return t;
};
const X = () => keep(nr.tensor2d(xs));
const oneHot = (rows: number[][]) => keep(nr.tensor2d(rows));
const Y = () => oneHot(xs.map((r) => (r[0]! > 0 ? [1, 0] : [0, 1])));

function classifier(loss = 'categoricalCrossentropy', units = 2): nr.Sequential {
  const m = nr.sequential({
    layers: [
      nr.layers.dense({ units: 4, activation: 'relu', inputShape: [3] }),
      nr.layers.dense({ units, activation: units === 1 ? 'sigmoid' : 'softmax' }),
    ],
  });
  m.compile({ optimizer: nr.train.sgd(0.1), loss });
  return m;
}

let model: nr.Sequential;
beforeAll(() => {
  model = classifier();
});
afterAll(() => {
  model.dispose();
  nr.dispose(held);
});

// biome-ignore lint/suspicious/noExplicitAny: the table passes deliberately wrong types
type Any = any;
const bad = (v: unknown): Any => v;

const withNaN = () => keep(nr.tensor2d(xs.map((r, i) => (i === 2 ? [r[0]!, Number.NaN, r[2]!] : r))));
const disposed = () => {
  const t = nr.tensor2d(xs);
  t.dispose();
  return t;
};
const disposedModel = () => {
  const m = classifier();
  m.dispose();
  return m;
};

interface Case {
  readonly name: string;
  readonly run: () => unknown;
  readonly message: RegExp;
}

const fitCases: Case[] = [
  { name: 'x = null', run: () => model.fit(bad(null), Y()), message: /fit: 'x' must be a Tensor, got null/ },
  {
    name: 'x = a string',
    run: () => model.fit(bad('data.csv'), Y()),
    message: /fit: 'x' must be a Tensor, got 'data\.csv' \(a string\)/,
  },
  {
    name: 'x = a nested JS array',
    run: () => model.fit(bad(xs), Y()),
    message: /fit: 'x' must be a Tensor, got an array of 8.*nr\.tensor/,
  },
  {
    name: 'x disposed',
    run: () => model.fit(disposed(), Y()),
    message: /fit: 'x' is a disposed Tensor \(shape \[8, 3\]\)/,
  },
  {
    name: 'y = undefined',
    run: () => model.fit(X(), bad(undefined)),
    message: /fit: 'y' must be a Tensor, got undefined/,
  },
  {
    name: 'options = 5',
    run: () => model.fit(X(), Y(), bad(5)),
    message: /fit: options must be an object, got 5/,
  },
  {
    name: '{ epoch: 3 }',
    run: () => model.fit(X(), Y(), bad({ epoch: 3 })),
    message: /fit: unknown option 'epoch' \(did you mean 'epochs'\?\)/,
  },
  {
    name: '{ batchsize: 4 }',
    run: () => model.fit(X(), Y(), bad({ batchsize: 4 })),
    message: /fit: unknown option 'batchsize' \(did you mean 'batchSize'\?\)/,
  },
  {
    name: '{ validation_split: 0.2 }',
    run: () => model.fit(X(), Y(), bad({ validation_split: 0.2 })),
    message: /did you mean 'validationSplit'\?/,
  },
  {
    name: 'epochs: 0',
    run: () => model.fit(X(), Y(), { epochs: 0 }),
    message: /fit: 'epochs' must be an integer >= 1, got 0/,
  },
  {
    name: 'epochs: 2.5',
    run: () => model.fit(X(), Y(), { epochs: 2.5 }),
    message: /'epochs' must be an integer >= 1, got 2\.5/,
  },
  {
    name: "epochs: '3'",
    run: () => model.fit(X(), Y(), bad({ epochs: '3' })),
    message: /'epochs' must be an integer >= 1, got '3' \(a string\)/,
  },
  {
    name: 'epochs: NaN',
    run: () => model.fit(X(), Y(), { epochs: Number.NaN }),
    message: /'epochs' must be an integer >= 1, got NaN/,
  },
  {
    name: 'batchSize: 0',
    run: () => model.fit(X(), Y(), { batchSize: 0 }),
    message: /fit: 'batchSize' must be an integer >= 1, got 0/,
  },
  {
    name: 'batchSize: -4',
    run: () => model.fit(X(), Y(), { batchSize: -4 }),
    message: /'batchSize' must be an integer >= 1, got -4/,
  },
  {
    name: 'batchSize: 1.5',
    run: () => model.fit(X(), Y(), { batchSize: 1.5 }),
    message: /'batchSize' must be an integer >= 1, got 1\.5/,
  },
  {
    name: 'initialEpoch: -1',
    run: () => model.fit(X(), Y(), { epochs: 3, initialEpoch: -1 }),
    message: /fit: 'initialEpoch' must be an integer >= 0, got -1/,
  },
  {
    name: 'initialEpoch: 0.5',
    run: () => model.fit(X(), Y(), { epochs: 3, initialEpoch: 0.5 }),
    message: /'initialEpoch' must be an integer >= 0, got 0\.5/,
  },
  {
    name: 'initialEpoch past epochs',
    run: () => model.fit(X(), Y(), { epochs: 3, initialEpoch: 3 }),
    message: /fit: 'initialEpoch' \(3\) must be below 'epochs' \(3\)/,
  },
  {
    name: 'validationSplit: 0.999',
    run: () => model.fit(X(), Y(), { validationSplit: 0.999 }),
    message: /fit: 'validationSplit' must be a number in \[0, 0\.9\].*got 0\.999/,
  },
  {
    name: "validationSplit: '0.2'",
    run: () => model.fit(X(), Y(), bad({ validationSplit: '0.2' })),
    message: /'validationSplit' must be a number in \[0, 0\.9\].*got '0\.2' \(a string\)/,
  },
  {
    name: 'validationSplit: -0.1',
    run: () => model.fit(X(), Y(), { validationSplit: -0.1 }),
    message: /'validationSplit' must be a number.*got -0\.1/,
  },
  {
    name: 'validationSplit holding out nothing',
    run: () => model.fit(X(), Y(), { validationSplit: 0.05 }),
    message: /fit: 'validationSplit' 0\.05 of 8 examples holds out no example/,
  },
  {
    name: "shuffle: 'no'",
    run: () => model.fit(X(), Y(), bad({ shuffle: 'no' })),
    message: /fit: 'shuffle' must be one of true, false, got 'no' \(a string\)/,
  },
  {
    name: 'verbose: 3',
    run: () => model.fit(X(), Y(), bad({ verbose: 3 })),
    message: /fit: 'verbose' must be one of 0, 1, 2, got 3/,
  },
  {
    name: "mode: 'minibach'",
    run: () => model.fit(X(), Y(), bad({ mode: 'minibach' })),
    message:
      /fit: 'mode' must be one of 'batch', 'stochastic', 'minibatch', got 'minibach'.*did you mean 'minibatch'/,
  },
  {
    name: "mode 'batch' with a batchSize",
    run: () => model.fit(X(), Y(), { mode: 'batch', batchSize: 2 }),
    message: /fit: mode 'batch' uses the whole training set \(8 examples\)/,
  },
  {
    name: 'validationData: [x]',
    run: () => model.fit(X(), Y(), bad({ validationData: [X()] })),
    message: /fit: 'validationData' must be \[x, y\] \(two Tensors\), got an array of 1/,
  },
  {
    name: 'validationData: a tensor',
    run: () => model.fit(X(), Y(), bad({ validationData: X() })),
    message: /'validationData' must be \[x, y\].*got a float32 Tensor \[8, 3\]/,
  },
  {
    name: 'validationData: [x, null]',
    run: () => model.fit(X(), Y(), bad({ validationData: [X(), null] })),
    message: /fit: 'validationData\[1\] \(y\)' must be a Tensor, got null/,
  },
  {
    name: 'validationData: NaN in x',
    run: () => model.fit(X(), Y(), { validationData: [withNaN(), Y()], verbose: 0 }),
    message: /fit: validationData x contains NaN at flat index 7 \(example 2\)/,
  },
  {
    name: 'validationData: wrong feature count',
    run: () => model.fit(X(), Y(), { validationData: [keep(nr.zeros([8, 5])), Y()], verbose: 0 }),
    message:
      /expected validationData.*\[null, 3\], got \[8, 5\]|expected x of shape \[null, 3\], got \[8, 5\]/,
  },
  {
    name: 'callbacks = {}',
    run: () => model.fit(X(), Y(), bad({ callbacks: {} })),
    message: /fit: 'callbacks' must be an array of callback objects.*got \{\} \(an empty object\)/,
  },
  {
    name: 'callbacks = a function',
    run: () => model.fit(X(), Y(), bad({ callbacks: () => {} })),
    message: /fit: 'callbacks' must be an array.*got a function/,
  },
  {
    name: 'callbacks = [a function]',
    run: () => model.fit(X(), Y(), bad({ callbacks: [function log() {}] })),
    message:
      /fit: callbacks\[0\] must be an object with hooks such as onEpochEnd, got a function \(log\).*onEpochEnd: fn/,
  },
  {
    name: 'a misspelt hook',
    run: () => model.fit(X(), Y(), { callbacks: [bad({ onEpochEnds() {} })] }),
    message: /fit: callbacks\[0\] has an unknown hook 'onEpochEnds' \(did you mean 'onEpochEnd'\?\)/,
  },
  {
    name: 'a hook that is not a function',
    run: () => model.fit(X(), Y(), { callbacks: [bad({ onEpochEnd: 5 })] }),
    message: /fit: callbacks\[0\]\.onEpochEnd must be a function, got 5/,
  },
  {
    name: 'classWeight NaN',
    run: () => model.fit(X(), Y(), { classWeight: { 0: Number.NaN } }),
    message: /fit: classWeight\[0\] must be a finite number >= 0, got NaN/,
  },
  {
    name: 'classWeight negative',
    run: () => model.fit(X(), Y(), { classWeight: { 1: -2 } }),
    message: /fit: classWeight\[1\] must be a finite number >= 0, got -2/,
  },
  {
    name: 'classWeight unknown class',
    run: () => model.fit(X(), Y(), { classWeight: { 5: 1 } }),
    message: /fit: classWeight has an unknown class '5'; the model's classes are 0 to 1/,
  },
  {
    name: "classWeight: 'balanced'",
    run: () => model.fit(X(), Y(), bad({ classWeight: 'balanced' })),
    message: /fit: 'classWeight' must be an object \{ classId: weight \}, got 'balanced'/,
  },
  {
    name: 'sampleWeight a JS array',
    run: () => model.fit(X(), Y(), bad({ sampleWeight: [1, 2, 3] })),
    message: /fit: 'sampleWeight' must be a Tensor, got an array of 3/,
  },
  {
    name: 'sampleWeight of the wrong length',
    run: () => model.fit(X(), Y(), { sampleWeight: keep(nr.tensor1d([1, 2])) }),
    message: /sampleWeight must have shape \[8\]/,
  },
  {
    name: 'categorical labels that are not distributions',
    run: () => model.fit(X(), oneHot(xs.map(() => [0.5, 0.7])), { verbose: 0 }),
    message:
      /fit: y: loss 'categoricalCrossentropy' expects each label row to be a probability distribution.*row 0 of y \[8, 2\] sums to 1\.2/,
  },
  {
    name: 'negative categorical labels',
    run: () => model.fit(X(), oneHot(xs.map(() => [-1, 2])), { verbose: 0 }),
    message: /fit: y: loss 'categoricalCrossentropy'.*got -1 at row 0, class 0.*negative/,
  },
  {
    name: 'class ids given to categoricalCrossentropy',
    run: () => model.fit(X(), keep(nr.tensor2d(xs.map((_, i) => [i % 2, 0]))), { verbose: 0 }),
    message: /row 0 of y \[8, 2\] sums to 0.*sparseCategoricalCrossentropy/,
  },
  {
    name: 'binary labels of 2',
    run: () => {
      const m = classifier('binaryCrossentropy', 1);
      return m
        .fit(X(), keep(nr.tensor2d(xs.map((_, i) => [i === 3 ? 2 : 0]))), { verbose: 0 })
        .finally(() => m.dispose());
    },
    message:
      /fit: y: loss 'binaryCrossentropy' expects labels in \[0, 1\], got 2 at flat index 3 of y \[8, 1\]/,
  },
  {
    name: 'sparse label out of range',
    run: () => {
      const m = classifier('sparseCategoricalCrossentropy');
      return m
        .fit(X(), keep(nr.tensor1d(xs.map((_, i) => (i === 4 ? 5 : 0)))), { verbose: 0 })
        .finally(() => m.dispose());
    },
    message:
      /fit: y: loss 'sparseCategoricalCrossentropy' got label 5 at flat index 4.*expected a class index in \[0, 2\)/,
  },
  {
    name: 'NaN in x',
    run: () => model.fit(withNaN(), Y(), { verbose: 0 }),
    message: /fit: x contains NaN at flat index 7 \(example 2\)/,
  },
  {
    name: 'x and y of different lengths',
    run: () => model.fit(X(), oneHot([[1, 0]]), { verbose: 0 }),
    message: /fit: x has 8 examples but y has 1 labels/,
  },
  {
    name: 'x of the wrong feature count',
    run: () => model.fit(keep(nr.zeros([8, 5])), Y(), { verbose: 0 }),
    message: /expected x of shape \[null, 3\], got \[8, 5\]/,
  },
  {
    name: 'labels of the wrong shape',
    run: () => model.fit(X(), keep(nr.zeros([8, 3])), { verbose: 0 }),
    message: /fit: targets of shape \[8, 3\] do not match the model's output \[null, 2\]/,
  },
  {
    name: 'not compiled',
    run: () => nr.sequential({ layers: [nr.layers.dense({ units: 1, inputShape: [3] })] }).fit(X(), Y()),
    message: /fit: call compile\(\{ optimizer, loss \}\) first/,
  },
  {
    name: 'a disposed model',
    run: () => disposedModel().fit(X(), Y()),
    message: /fit: model '.+' has been disposed/,
  },
];

const evaluateCases: Case[] = [
  {
    name: 'x = null',
    run: () => model.evaluate(bad(null), Y()),
    message: /evaluate: 'x' must be a Tensor, got null/,
  },
  {
    name: 'x = a nested JS array',
    run: () => model.evaluate(bad(xs), Y()),
    message: /evaluate: 'x' must be a Tensor, got an array of 8/,
  },
  {
    name: 'y disposed',
    run: () => model.evaluate(X(), disposed()),
    message: /evaluate: 'y' is a disposed Tensor/,
  },
  {
    name: 'NaN in x',
    run: () => model.evaluate(withNaN(), Y()),
    message: /evaluate: x contains NaN at flat index 7 \(example 2\)/,
  },
  {
    name: 'batchSize: 0',
    run: () => model.evaluate(X(), Y(), { batchSize: 0 }),
    message: /evaluate: 'batchSize' must be an integer >= 1, got 0/,
  },
  {
    name: '{ batch_size: 2 }',
    run: () => model.evaluate(X(), Y(), bad({ batch_size: 2 })),
    message: /evaluate: unknown option 'batch_size' \(did you mean 'batchSize'\?\)/,
  },
  {
    name: 'categorical labels that are not distributions',
    run: () => model.evaluate(X(), oneHot(xs.map(() => [1, 1]))),
    message:
      /evaluate: y: loss 'categoricalCrossentropy' expects each label row to be a probability distribution/,
  },
  {
    name: 'binary labels of 2',
    run: () => {
      const m = classifier('binaryCrossentropy', 1);
      return m.evaluate(X(), keep(nr.fill([8, 1], 2))).finally(() => m.dispose());
    },
    message: /evaluate: y: loss 'binaryCrossentropy' expects labels in \[0, 1\], got 2/,
  },
  {
    name: 'a disposed model',
    run: () => disposedModel().evaluate(X(), Y()),
    message: /evaluate: model '.+' has been disposed/,
  },
];

const predictCases: Case[] = [
  {
    name: 'x = null',
    run: () => model.predict(bad(null)),
    message: /predict: 'x' must be a Tensor, got null/,
  },
  {
    name: 'x = a string',
    run: () => model.predict(bad('1,2,3')),
    message: /predict: 'x' must be a Tensor, got '1,2,3' \(a string\)/,
  },
  {
    name: 'x = a nested JS array',
    run: () => model.predict(bad(xs)),
    message: /predict: 'x' must be a Tensor, got an array of 8.*nr\.tensor/,
  },
  { name: 'x disposed', run: () => model.predict(disposed()), message: /predict: 'x' is a disposed Tensor/ },
  {
    name: 'x a scalar',
    run: () => model.predict(keep(nr.scalar(1))),
    message: /predict: x must have a batch dimension, got a scalar/,
  },
  {
    name: 'batchSize: -1',
    run: () => model.predict(X(), { batchSize: -1 }),
    message: /predict: 'batchSize' must be an integer >= 1, got -1/,
  },
  {
    name: '{ batchsize: 4 }',
    run: () => model.predict(X(), bad({ batchsize: 4 })),
    message: /predict: unknown option 'batchsize' \(did you mean 'batchSize'\?\)/,
  },
  {
    name: 'a disposed model',
    run: () => disposedModel().predict(X()),
    message: /predict: model '.+' has been disposed/,
  },
];

const compileCases: Case[] = [
  {
    name: 'no arguments',
    run: () => nr.sequential().compile(bad(undefined)),
    message: /compile: expected \{ optimizer, loss, metrics\? \}, got undefined/,
  },
  {
    name: '{ metric: [...] }',
    run: () => nr.sequential().compile(bad({ optimizer: 'adam', loss: 'mse', metric: ['accuracy'] })),
    message: /compile: unknown option 'metric' \(did you mean 'metrics'\?\)/,
  },
  {
    name: 'optimizer: 5',
    run: () => nr.sequential().compile(bad({ optimizer: 5, loss: 'mse' })),
    message: /compile: 'optimizer' must be a name such as 'adam' or an Optimizer, got 5/,
  },
  {
    name: "optimizer: 'adamm'",
    run: () => nr.sequential().compile({ optimizer: 'adamm', loss: 'mse' }),
    message: /unknown optimizer 'adamm' \(known: sgd, adam/,
  },
  {
    name: "loss: 'msee'",
    run: () => nr.sequential().compile({ optimizer: 'adam', loss: 'msee' }),
    message: /unknown loss "msee"; known losses: meanSquaredError/,
  },
  {
    name: 'loss: 3',
    run: () => nr.sequential().compile(bad({ optimizer: 'adam', loss: 3 })),
    message: /compile: 'loss' must be a name such as 'meanSquaredError' or a function, got 3/,
  },
  {
    name: 'no loss',
    run: () => nr.sequential().compile(bad({ optimizer: 'adam' })),
    message: /'loss' is required/,
  },
  {
    name: "metrics: 'accuracy'",
    run: () => nr.sequential().compile(bad({ optimizer: 'adam', loss: 'mse', metrics: 'accuracy' })),
    message:
      /compile: 'metrics' must be an array \(such as \['accuracy'\]\) or an object of them per output, got 'accuracy'/,
  },
  {
    name: 'a disposed model',
    run: () => disposedModel().compile({ optimizer: 'adam', loss: 'mse' }),
    message: /compile: model '.+' has been disposed/,
  },
];

const layerCases: Case[] = [
  {
    name: 'dense units: -1',
    run: () => nr.layers.dense({ units: -1 }),
    message: /Dense.*units must be a positive integer, got -1/,
  },
  {
    name: 'dense units: 2.5',
    run: () => nr.layers.dense({ units: 2.5 }),
    message: /Dense.*units must be a positive integer, got 2\.5/,
  },
  {
    name: 'dense activaton (typo)',
    run: () => nr.layers.dense(bad({ units: 3, activaton: 'relu' })),
    message: /dense: unknown option 'activaton' \(did you mean 'activation'\?\)/,
  },
  {
    name: 'dense unit (typo of a required option)',
    run: () => nr.layers.dense(bad({ unit: 3 })),
    message:
      /units must be a positive integer, got undefined \(unknown option 'unit': did you mean 'units'\?\)/,
  },
  {
    name: 'dense(5)',
    run: () => nr.layers.dense(bad(5)),
    message: /dense: expected an options object, got 5/,
  },
  {
    name: 'conv2d stride (typo)',
    run: () => nr.layers.conv2d(bad({ filters: 2, kernelSize: 3, stride: 2 })),
    message: /conv2d: unknown option 'stride' \(did you mean 'strides'\?\)/,
  },
  {
    name: 'conv2d filters: 0',
    run: () => nr.layers.conv2d({ filters: 0, kernelSize: 3 }),
    message: /filters must be a positive integer, got 0/,
  },
  {
    name: 'dropout rate: 1.5',
    run: () => nr.layers.dropout({ rate: 1.5 }),
    message: /Dropout.*rate must be a number in \[0, 1\), got 1\.5/,
  },
  {
    name: 'lstm returnSequence (typo)',
    run: () => nr.layers.lstm(bad({ units: 2, returnSequence: true })),
    message: /lstm: unknown option 'returnSequence' \(did you mean 'returnSequences'\?\)/,
  },
];

const optimizerCases: Case[] = [
  {
    name: "sgd('0.1')",
    run: () => nr.train.sgd(bad('0.1')),
    message: /sgd: expected a learning rate \(a number\) or an options object.*got '0\.1' \(a string\)/,
  },
  {
    name: 'adam({ learningrate })',
    run: () => nr.optimizers.adam(bad({ learningrate: 0.1 })),
    message: /adam: unknown option 'learningrate' \(did you mean 'learningRate'\?\)/,
  },
  {
    name: 'sgd(-0.1)',
    run: () => nr.train.sgd(-0.1),
    message: /'learningRate' must be a finite number in \(0, Infinity\), got -0\.1/,
  },
  {
    name: 'adam(0.01, 1.5)',
    run: () => nr.train.adam(0.01, 1.5),
    message: /'beta1' must be a finite number in \[0, 1\), got 1\.5/,
  },
  {
    name: 'sgd(0.1, 0.9)',
    run: () => bad(nr.train.sgd)(0.1, 0.9),
    message: /sgd: expected at most 1 positional arguments/,
  },
  {
    name: 'momentum(0.1, 2)',
    run: () => nr.train.momentum(0.1, 2),
    message: /'momentum' must be a finite number in \[0, 1\), got 2/,
  },
  {
    name: 'an object and positional arguments',
    run: () => bad(nr.train.adam)({ learningRate: 0.1 }, 0.9),
    message: /adam: pass either an options object or positional arguments, not both/,
  },
];

const all: [string, Case[]][] = [
  ['fit', fitCases],
  ['evaluate', evaluateCases],
  ['predict', predictCases],
  ['compile', compileCases],
  ['layer factories', layerCases],
  ['optimizer factories', optimizerCases],
];

for (const [group, cases] of all) {
  describe(`bad input to ${group}`, () => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      let error: unknown = null;
      try {
        const r = c.run();
        if (r instanceof Promise) await r;
        else if (r instanceof nr.Tensor) r.dispose();
      } catch (e) {
        error = e;
      }
      expect(error, 'no error was thrown').toBeInstanceOf(Error);
      expect((error as Error).constructor, 'a plain Error, not a TypeError or RangeError').toBe(Error);
      expect((error as Error).message).toMatch(c.message);
    });
  });
}

it('the table covers every case of the issue and more', () => {
  const total = all.reduce((n, [, cases]) => n + cases.length, 0);
  console.log(
    `bad-input table: ${total} cases, each a plain Error with a message naming the function, argument and value`,
  );
  expect(total).toBeGreaterThanOrEqual(90);
});
