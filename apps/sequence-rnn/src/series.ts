import * as nr from '@neurona/core';
import type { Cell } from './char-model.js';
import type { Output } from './progress.js';
import type { Series } from './series-data.js';

/**
 * Supervised samples for one-step-ahead forecasting from first differences: sample `k` (time
 * `t = window + k`) reads the `window` changes `v[t-window+1]-v[t-window], ..., v[t]-v[t-1]` and must predict
 * the next change `v[t+1]-v[t]`. `last[k] = v[t]` and `next[k] = v[t+1]` turn a predicted change back
 * into a forecast. Modelling changes keeps a trending series (like CO2) inside the range seen in training.
 *
 * @example
 * ```ts
 * const s = diffWindows(Float64Array.from([1, 2, 4, 7, 11]), 2);
 * // s.count 2, s.x [1,2, 2,3], s.y [3, 4], s.last [4, 7], s.next [7, 11]
 * ```
 */
export function diffWindows(
  values: Float64Array,
  window: number,
): { x: Float64Array; y: Float64Array; last: Float64Array; next: Float64Array; count: number } {
  if (!Number.isInteger(window) || window < 1)
    throw new Error(`diffWindows: window must be a positive integer, got ${window}`);
  const count = Math.max(0, values.length - 1 - window);
  const x = new Float64Array(count * window);
  const y = new Float64Array(count);
  const last = new Float64Array(count);
  const next = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const t = window + k;
    for (let j = 0; j < window; j++)
      x[k * window + j] = values[t - window + j + 1]! - values[t - window + j]!;
    y[k] = values[t + 1]! - values[t]!;
    last[k] = values[t]!;
    next[k] = values[t + 1]!;
  }
  return { x, y, last, next, count };
}

/**
 * Mean absolute error between two equally long arrays.
 *
 * @example
 * ```ts
 * meanAbsoluteError([1, 2], [2, 4]); // 1.5
 * ```
 */
export function meanAbsoluteError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) {
    throw new Error(
      `meanAbsoluteError: expected two non-empty arrays of equal length, got ${a.length} and ${b.length}`,
    );
  }
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

/**
 * Settings of a forecasting run.
 *
 * @example
 * ```ts
 * const o: SeriesOptions = { series, window: 24, cell: 'lstm', units: 32, epochs: 40, batchSize: 32, learningRate: 0.01, seed: 1 };
 * ```
 */
export interface SeriesOptions {
  series: Series;
  /** Past changes the model reads per forecast. */
  window: number;
  cell: Cell;
  units: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  /** Fraction of the samples, at the end of the series, held out for the test (default 0.2). */
  testFraction?: number;
  /** Keras-style fit verbosity (default 0). */
  verbose?: 0 | 1 | 2;
}

/**
 * Figures of a forecasting run on the held-out end of the series.
 *
 * @example
 * ```ts
 * const r: SeriesResult = { mae: 0.3, naiveMae: 0.9, trainSamples: 560, testSamples: 140, firstTest: '2009-01-01' };
 * ```
 */
export interface SeriesResult {
  /** MAE of the model's one-step forecasts (units of the series). */
  mae: number;
  /** MAE of the naive forecast "next value = last value". */
  naiveMae: number;
  trainSamples: number;
  testSamples: number;
  /** Label (date) of the first forecast target in the test part. */
  firstTest: string;
}

function rnnLayer(cell: Cell, units: number, window: number): nr.Layer {
  const args = { units, inputShape: [window, 1] };
  if (cell === 'gru') return nr.layers.gru(args);
  if (cell === 'simple') return nr.layers.simpleRNN(args);
  return nr.layers.lstm(args);
}

/**
 * Forecast a series one step ahead with a recurrent network (`lstm -> dense(1)` by default) trained by
 * `model.fit` on standardised changes over the first part of the series, and compare its MAE on the
 * chronologically last part with the naive last-value forecast.
 *
 * @example
 * ```ts
 * const r = await trainSeries({ series: loadSeries(), window: 24, cell: 'lstm', units: 32, epochs: 40, batchSize: 32, learningRate: 0.01, seed: 1 }, consoleOutput());
 * console.log(r.mae, r.naiveMae);
 * ```
 */
export async function trainSeries(o: SeriesOptions, out: Output): Promise<SeriesResult> {
  const { series, window } = o;
  const s = diffWindows(series.values, window);
  const nTest = Math.round(s.count * (o.testFraction ?? 0.2));
  const nTrain = s.count - nTest;
  if (nTest < 1 || nTrain < 1) {
    throw new Error(
      `--seq-len ${window}: a series of ${series.values.length} values gives ${s.count} samples, too few to split into training and test; use a shorter --seq-len`,
    );
  }
  let mean = 0;
  for (let i = 0; i < nTrain; i++) mean += s.y[i]!;
  mean /= nTrain;
  let sd = 0;
  for (let i = 0; i < nTrain; i++) sd += (s.y[i]! - mean) ** 2;
  sd = Math.sqrt(sd / nTrain) || 1;
  const xs = Float32Array.from(s.x, (v) => (v - mean) / sd);
  const ys = Float32Array.from(s.y, (v) => (v - mean) / sd);
  const firstTest = series.labels[window + nTrain + 1] ?? '';
  out.log(
    `Series '${series.name}': ${series.values.length} values; forecasting one step ahead from the last ${window} changes; training on ${nTrain} samples, testing on the last ${nTest} (from ${firstTest})`,
  );

  nr.seed(o.seed);
  const model = nr.sequential({ layers: [rnnLayer(o.cell, o.units, window), nr.layers.dense({ units: 1 })] });
  try {
    model.compile({
      optimizer: nr.optimizers.adam({ learningRate: o.learningRate }),
      loss: 'meanSquaredError',
    });
    const xTrain = nr.tensor(xs.subarray(0, nTrain * window), [nTrain, window, 1]);
    const yTrain = nr.tensor(ys.subarray(0, nTrain), [nTrain, 1]);
    const xTest = nr.tensor(xs.subarray(nTrain * window), [nTest, window, 1]);
    try {
      await model.fit(xTrain, yTrain, { epochs: o.epochs, batchSize: o.batchSize, verbose: o.verbose ?? 0 });
      const pred = model.predict(xTest);
      const p = await pred.data();
      pred.dispose();
      const forecast = Float64Array.from(p, (d, i) => s.last[nTrain + i]! + d * sd + mean);
      const actual = s.next.subarray(nTrain);
      const mae = meanAbsoluteError(forecast, actual);
      const naiveMae = meanAbsoluteError(s.last.subarray(nTrain), actual);
      out.log(
        `Test MAE ${mae.toFixed(4)} vs naive last-value MAE ${naiveMae.toFixed(4)} (ratio ${(mae / naiveMae).toFixed(3)})`,
      );
      for (let i = Math.max(0, nTest - 3); i < nTest; i++) {
        out.log(
          `  ${series.labels[window + nTrain + i + 1]}: actual ${actual[i]!.toFixed(2)}, forecast ${forecast[i]!.toFixed(2)}, naive ${s.last[nTrain + i]!.toFixed(2)}`,
        );
      }
      return { mae, naiveMae, trainSamples: nTrain, testSamples: nTest, firstTest };
    } finally {
      xTrain.dispose();
      yTrain.dispose();
      xTest.dispose();
    }
  } finally {
    model.dispose();
  }
}
