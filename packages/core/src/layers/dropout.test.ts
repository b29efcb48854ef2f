import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { Dropout, dropout } from './dropout.js';
import { testLayer } from './testing/harness.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

testLayer('Dropout', () => dropout({ rate: 0.5 }), [3, 4], { params: 0 });
testLayer('Dropout', () => dropout({ rate: 0.5 }), [3, 4], { training: true });
testLayer(
  'Dropout with noiseShape',
  () => nr.layers.dropout({ rate: 0.3, noiseShape: [null, 1, 3] }),
  [2, 4, 3],
  {
    training: true,
  },
);

async function trainingOutput(rate: number, shape: number[], seed: number): Promise<Float32Array> {
  const layer = dropout({ rate });
  const x = nr.ones(shape);
  nr.seed(seed);
  const y = layer.apply(x, { training: true });
  const d = (await y.data()) as Float32Array;
  nr.dispose([x, y]);
  return d;
}

describe('Dropout', () => {
  it('zeroes about `rate` of the inputs and scales the rest by 1 / (1 - rate)', async () => {
    const d = await trainingOutput(0.25, [40, 100], 3);
    let zeros = 0;
    let total = 0;
    for (const v of d) {
      if (v === 0) zeros++;
      else expect(v).toBeCloseTo(1 / 0.75, 6);
      total += v;
    }
    expect(zeros / d.length).toBeGreaterThan(0.22);
    expect(zeros / d.length).toBeLessThan(0.28);
    expect(total / d.length).toBeGreaterThan(0.95); // expectation preserved
    expect(total / d.length).toBeLessThan(1.05);
  });

  it('draws identical masks for the same seed and different ones otherwise', async () => {
    const a = await trainingOutput(0.5, [8, 8], 11);
    const b = await trainingOutput(0.5, [8, 8], 11);
    const c = await trainingOutput(0.5, [8, 8], 12);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('takes its mask from the global generator (nr.randomUniform after the same seed)', async () => {
    const d = await trainingOutput(0.4, [5, 6], 21);
    nr.seed(21);
    const u = nr.randomUniform([5, 6]);
    const ud = await u.data();
    u.dispose();
    expect(Array.from(d, (v) => v !== 0)).toEqual(Array.from(ud, (v) => v >= 0.4));
  });

  it('is the identity at inference, by default, and with rate 0', async () => {
    const x = nr.randomNormal([4, 5]);
    const xd = Array.from(await x.data());
    const layer = dropout({ rate: 0.9 });
    for (const y of [
      layer.apply(x),
      layer.apply(x, { training: false }),
      dropout({ rate: 0 }).apply(x, { training: true }),
    ]) {
      expect(Array.from(await y.data())).toEqual(xd);
      expect(y).not.toBe(x);
      y.dispose();
    }
    x.dispose();
  });

  it('broadcasts a noiseShape mask (whole rows kept or dropped)', async () => {
    const x = nr.ones([16, 6]);
    nr.seed(5);
    const y = dropout({ rate: 0.5, noiseShape: [null, 1] }).apply(x, { training: true });
    const rows = (await y.array()) as number[][];
    for (const row of rows) expect(new Set(row).size).toBe(1);
    expect(new Set(rows.map((r) => r[0])).size).toBe(2);
    nr.dispose([x, y]);
  });

  it('validates rate and noiseShape, naming the layer', () => {
    expect(() => dropout({ rate: 1, name: 'dr' })).toThrow(
      "Dropout 'dr': rate must be a number in [0, 1), got 1",
    );
    expect(() => dropout({ rate: -0.1 })).toThrow(/rate must be a number in \[0, 1\)/);
    expect(() => dropout({ rate: Number.NaN })).toThrow(/rate must be/);
    expect(() => dropout({ rate: 0.5, noiseShape: [0, 1] })).toThrow(/noiseShape entries must be positive/);
    const layer = dropout({ rate: 0.5, noiseShape: [null, 1], name: 'dn' });
    const x = nr.zeros([2, 3, 4]);
    expect(() => layer.apply(x, { training: true })).toThrow(
      "Dropout 'dn': noiseShape [null, 1] must have the input's rank with entries null, 1 or equal to the input's, got input [null, 3, 4]",
    );
    const bad = dropout({ rate: 0.5, noiseShape: [null, 2] });
    const x2 = nr.zeros([2, 3]);
    expect(() => bad.apply(x2, { training: true })).toThrow(/noiseShape \[null, 2\]/);
    nr.dispose([x, x2]);
  });

  it('serialises rate, noiseShape and seed and rebuilds from its config', () => {
    const layer = dropout({ rate: 0.2, noiseShape: [null, 1], seed: 3, name: 'drop' });
    const config = layer.getConfig();
    expect(config).toEqual({
      name: 'drop',
      trainable: true,
      dtype: 'float32',
      rate: 0.2,
      noiseShape: [null, 1],
      seed: 3,
    });
    const copy = new Dropout(config as unknown as ConstructorParameters<typeof Dropout>[0]);
    expect(copy.getConfig()).toEqual(config);
    expect(dropout({ rate: 0.1 }).getConfig()).toMatchObject({ noiseShape: null, seed: null });
  });
});
