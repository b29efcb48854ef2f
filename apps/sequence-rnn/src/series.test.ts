import { cpu } from '@neurona/backend-cpu';
import * as nr from '@neurona/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentOutput } from './progress.js';
import { diffWindows, meanAbsoluteError, trainSeries } from './series.js';
import { loadSeries, parseCsvSeries, type Series, splitCsvLine } from './series-data.js';

describe('diffWindows', () => {
  it('pairs the last `window` changes with the next change, last value and next value', () => {
    // values 1 2 4 7 11: changes 1 2 3 4
    const s = diffWindows(Float64Array.from([1, 2, 4, 7, 11]), 2);
    expect(s.count).toBe(2);
    expect(Array.from(s.x)).toEqual([1, 2, 2, 3]);
    expect(Array.from(s.y)).toEqual([3, 4]);
    expect(Array.from(s.last)).toEqual([4, 7]);
    expect(Array.from(s.next)).toEqual([7, 11]);
    expect(diffWindows(Float64Array.from([1, 2, 3]), 2).count).toBe(0);
    expect(() => diffWindows(Float64Array.from([1, 2]), 0)).toThrow(
      /window must be a positive integer, got 0/,
    );
  });

  it('meanAbsoluteError averages absolute differences', () => {
    expect(meanAbsoluteError([1, 2, 3], [2, 4, 3])).toBe(1);
    expect(() => meanAbsoluteError([1], [1, 2])).toThrow(/equal length, got 1 and 2/);
  });
});

describe('parseCsvSeries', () => {
  it('reads the named column, labelled by the first, skipping blank lines', () => {
    const s = parseCsvSeries(
      'Date,CO2,adjusted CO2\n1958-03-01,315.7,314.44\n\n1958-04-01,317.45,315.16\n',
      'adjusted CO2',
    );
    expect(s.name).toBe('adjusted CO2');
    expect(s.labels).toEqual(['1958-03-01', '1958-04-01']);
    expect(Array.from(s.values)).toEqual([314.44, 315.16]);
    expect(Array.from(parseCsvSeries('Date,CO2\n1958-03-01,315.7\n').values)).toEqual([315.7]);
  });

  it('handles quoted fields', () => {
    expect(splitCsvLine('"a, b",2,"say ""hi"""')).toEqual(['a, b', '2', 'say "hi"']);
  });

  it('names a missing column and a non-numeric value with its line', () => {
    expect(() => parseCsvSeries('Date,CO2\n1,2\n', 'ppm', 'co2.csv')).toThrow(
      /co2.csv: no column 'ppm' \(columns: Date, CO2\)/,
    );
    expect(() => parseCsvSeries('Date,CO2\n1,2\n2,n/a\n', undefined, 'co2.csv')).toThrow(
      /co2.csv: line 3: column 'CO2' is not a number \('n\/a'\)/,
    );
  });
});

describe('trainSeries', () => {
  beforeAll(async () => {
    await nr.setBackend(cpu());
  });

  it('forecasts a noisy seasonal series with a trend better than the last value', async () => {
    // 20 "years" of monthly values: trend 0.1/month, yearly cycle of amplitude 3, Gaussian noise 0.2.
    const rng = new nr.Rng(7);
    const values = Float64Array.from(
      { length: 240 },
      (_, t) => 0.1 * t + 3 * Math.sin((2 * Math.PI * t) / 12) + 0.2 * rng.normal(),
    );
    const series: Series = { name: 'synthetic', labels: Array.from(values, (_, t) => String(t)), values };
    const before = nr.memory().numTensors;
    const r = await trainSeries(
      { series, window: 12, cell: 'lstm', units: 16, epochs: 10, batchSize: 32, learningRate: 0.01, seed: 1 },
      silentOutput(),
    );
    expect(r.testSamples).toBe(45); // round(0.2 * (240 - 1 - 12))
    expect(r.trainSamples).toBe(182);
    expect(r.mae).toBeLessThan(0.6 * r.naiveMae);
    expect(nr.memory().numTensors).toBe(before);
  });

  it('forecasts the real Mauna Loa CO2 series better than the last value', async () => {
    const series = loadSeries();
    expect(series.values.length).toBeGreaterThan(700);
    const r = await trainSeries(
      { series, window: 24, cell: 'lstm', units: 16, epochs: 10, batchSize: 32, learningRate: 0.01, seed: 1 },
      silentOutput(),
    );
    expect(r.mae).toBeLessThan(0.8 * r.naiveMae);
  });
});
