import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { testLayer } from './testing/harness.js';
import { expectClose, expectTfjsAgrees } from './testing/tfjs.js';
import { UpSampling2D } from './upsampling.js';

beforeAll(async () => {
  await nr.setBackend(cpu({ fast: false }));
});

testLayer('UpSampling2D nearest', () => nr.layers.upSampling2d({ size: [2, 3] }), [2, 2, 3, 2], {
  params: 0,
});
testLayer('UpSampling2D bilinear', () => nr.layers.upSampling2d({ interpolation: 'bilinear' }), [2, 3, 2, 2]);

describe('UpSampling2D', () => {
  it('repeats pixels (nearest) and interpolates (bilinear), hand-computed', async () => {
    const x = nr.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const near = new UpSampling2D({ size: [1, 2] }).apply(x);
    expect(near.shape).toEqual([1, 2, 4, 1]);
    expect(Array.from(await near.data())).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    // rows: 1, 2 -> 1, 1.5, 2, 2 (the last sample clamps); same for the other row and for columns
    const bil = new UpSampling2D({ size: [1, 2], interpolation: 'bilinear' }).apply(x);
    expectClose(await bil.data(), [1, 1.5, 2, 2, 3, 3.5, 4, 4], 1e-6);
    nr.dispose([x, near, bil]);
  });

  it('rejects bad arguments and inputs', () => {
    expect(() => new UpSampling2D({ name: 'u', size: 0 })).toThrow(
      "UpSampling2D 'u': size must be a positive integer or a pair of them, got 0",
    );
    expect(() => new UpSampling2D({ name: 'u2', interpolation: 'cubic' as 'nearest' })).toThrow(
      `UpSampling2D 'u2': interpolation must be 'nearest' or 'bilinear', got "cubic"`,
    );
    expect(() => new UpSampling2D({ name: 'u3' }).computeOutputShape([null, 4])).toThrow(
      "UpSampling2D 'u3': expected input of rank 4 [batch, height, width, channels], got [null, 4]",
    );
    expect(new UpSampling2D({ size: 3 }).computeOutputShape([null, null, 4, 2])).toEqual([null, null, 12, 2]);
  });

  it('agrees with tfjs-layers 4.22 both ways (nearest and bilinear)', async () => {
    await expectTfjsAgrees([nr.layers.upSampling2d({ size: [2, 3], inputShape: [3, 4, 2] })], [2, 3, 4, 2]);
    await expectTfjsAgrees(
      [nr.layers.upSampling2d({ size: [3, 2], interpolation: 'bilinear', inputShape: [3, 4, 2] })],
      [2, 3, 4, 2],
    );
  });
});
