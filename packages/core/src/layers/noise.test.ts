import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { GaussianNoise } from './noise.js';
import { SpatialDropout1D, SpatialDropout2D } from './spatial-dropout.js';
import { testLayer } from './testing/harness.js';
import { expectTfjsAgrees } from './testing/tfjs.js';

beforeAll(async () => {
  await nr.setBackend(cpu({ fast: false }));
});

testLayer('GaussianNoise', () => nr.layers.gaussianNoise({ stddev: 0.3 }), [3, 4], {
  training: true,
  params: 0,
});
testLayer('GaussianNoise', () => nr.layers.gaussianNoise({ stddev: 0.3 }), [3, 4]);
testLayer('SpatialDropout1D', () => nr.layers.spatialDropout1d({ rate: 0.5 }), [3, 5, 4], { training: true });
testLayer('SpatialDropout2D', () => nr.layers.spatialDropout2d({ rate: 0.4 }), [2, 3, 3, 4], {
  training: true,
});

/** Population mean and standard deviation. */
function stats(v: ArrayLike<number>): { mean: number; std: number } {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  const mean = s / v.length;
  let q = 0;
  for (let i = 0; i < v.length; i++) q += (v[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(q / v.length) };
}

describe('GaussianNoise', () => {
  it('adds zero-mean noise of the given deviation while training only, repeatably under nr.seed', async () => {
    const layer = new GaussianNoise({ stddev: 0.5 });
    const x = nr.fill([200, 50], 2);
    nr.seed(3);
    const y = layer.apply(x, { training: true });
    const { mean, std } = stats(await y.data());
    // 10,000 draws: the sample mean is within 4 standard errors (0.02) of 2, the deviation within 2%
    expect(Math.abs(mean - 2)).toBeLessThan(0.02);
    expect(Math.abs(std - 0.5)).toBeLessThan(0.01);
    nr.seed(3);
    const again = layer.apply(x, { training: true });
    expect(Array.from(await again.data())).toEqual(Array.from(await y.data()));
    const inference = layer.apply(x);
    expect(stats(await inference.data())).toEqual({ mean: 2, std: 0 });
    nr.dispose([x, y, again, inference]);
    expect(() => new GaussianNoise({ name: 'g', stddev: -1 })).toThrow(
      "GaussianNoise 'g': stddev must be a finite number >= 0, got -1",
    );
  });
});

describe('SpatialDropout1D / SpatialDropout2D', () => {
  it('drop whole channels, scale the rest by 1 / (1 - rate), and leave inference unchanged', async () => {
    const rate = 0.5;
    const x = nr.ones([8, 6, 16]);
    const y = new SpatialDropout1D({ rate }).apply(x, { training: true });
    const d = await y.data();
    let dropped = 0;
    for (let b = 0; b < 8; b++) {
      for (let c = 0; c < 16; c++) {
        const column = Array.from({ length: 6 }, (_, t) => d[(b * 6 + t) * 16 + c]!);
        expect(new Set(column).size, `example ${b} channel ${c}`).toBe(1);
        expect([0, 1 / (1 - rate)]).toContain(column[0]);
        if (column[0] === 0) dropped++;
      }
    }
    // 128 Bernoulli(0.5) channels: far from none and from all
    expect(dropped).toBeGreaterThan(30);
    expect(dropped).toBeLessThan(98);
    const same = new SpatialDropout2D({ rate }).apply(nr.ones([2, 3, 3, 2]));
    expect(stats(await same.data())).toEqual({ mean: 1, std: 0 });
    nr.dispose([x, y, same]);
  });

  it('check the rank, name the layer and save Keras keys', () => {
    expect(() => new SpatialDropout2D({ name: 's', rate: 0.1 }).computeOutputShape([null, 4, 3])).toThrow(
      "SpatialDropout2D 's': expected input of rank 4 [batch, height, width, channels], got [null, 4, 3]",
    );
    expect(() => new SpatialDropout1D({ name: 's1', rate: 1 })).toThrow(
      "SpatialDropout1D 's1': rate must be a number in [0, 1), got 1",
    );
    expect(new SpatialDropout1D({ name: 'a', rate: 0.2 }).getConfig()).toEqual({
      name: 'a',
      trainable: true,
      dtype: 'float32',
      rate: 0.2,
      seed: null,
    });
    expect(new SpatialDropout2D({ rate: 0.2 }).getConfig().dataFormat).toBe('channelsLast');
  });

  it('SpatialDropout1D and GaussianNoise load in tfjs-layers 4.22 and back (identity at inference)', async () => {
    await expectTfjsAgrees(
      [
        nr.layers.spatialDropout1d({ rate: 0.3, inputShape: [4, 3] }),
        nr.layers.gaussianNoise({ stddev: 0.2 }),
      ],
      [2, 4, 3],
    );
    // (tfjs-layers 4.22 has no SpatialDropout2D; Keras has it with these keys)
  });
});
