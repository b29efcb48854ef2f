import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { Cropping2D, ZeroPadding2D } from './padding.js';
import { testLayer } from './testing/harness.js';
import { expectTfjsAgrees } from './testing/tfjs.js';

beforeAll(async () => {
  await nr.setBackend(cpu({ fast: false }));
});

testLayer(
  'ZeroPadding2D',
  () =>
    nr.layers.zeroPadding2d({
      padding: [
        [0, 1],
        [2, 1],
      ],
    }),
  [2, 3, 3, 2],
  {
    params: 0,
  },
);
testLayer('Cropping2D', () => nr.layers.cropping2d({ cropping: [1, 2] }), [2, 4, 5, 2]);

describe('ZeroPadding2D and Cropping2D', () => {
  it('pad and crop the spatial axes (hand-computed)', async () => {
    const x = nr.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const p = new ZeroPadding2D({
      padding: [
        [1, 0],
        [0, 1],
      ],
    }).apply(x);
    expect(p.shape).toEqual([1, 3, 3, 1]);
    expect(Array.from(await p.data())).toEqual([0, 0, 0, 1, 2, 0, 3, 4, 0]);
    const c = new Cropping2D({
      cropping: [
        [1, 0],
        [0, 1],
      ],
    }).apply(p);
    expect(Array.from(await c.data())).toEqual([1, 2, 3, 4]);
    nr.dispose([x, p, c]);
  });

  it('accept the three padding forms and save [[top, bottom], [left, right]]', () => {
    expect(new ZeroPadding2D().padding).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(new ZeroPadding2D({ padding: [2, 3] }).getConfig().padding).toEqual([
      [2, 2],
      [3, 3],
    ]);
    expect(new Cropping2D({ cropping: 2 }).getConfig()).toMatchObject({
      cropping: [
        [2, 2],
        [2, 2],
      ],
      dataFormat: 'channelsLast',
    });
    expect(new ZeroPadding2D().computeOutputShape([null, null, 5, 3])).toEqual([null, null, 7, 3]);
  });

  it('reject bad arguments and inputs, naming the layer and the shapes', () => {
    expect(() => new ZeroPadding2D({ name: 'z', padding: [1, -1] })).toThrow(
      "ZeroPadding2D 'z': padding must be an integer >= 0, a pair [height, width] or [[top, bottom], [left, right]], got [1,-1]",
    );
    expect(() => new ZeroPadding2D({ name: 'z2' }).computeOutputShape([null, 4, 3])).toThrow(
      "ZeroPadding2D 'z2': expected input of rank 4 [batch, height, width, channels], got [null, 4, 3]",
    );
    expect(() => new Cropping2D({ name: 'c', cropping: 2 }).computeOutputShape([null, 4, 8, 3])).toThrow(
      "Cropping2D 'c': cropping [[2,2],[2,2]] leaves nothing of input [null, 4, 8, 3]",
    );
    expect(() => new Cropping2D({ dataFormat: 'channelsFirst' as 'channelsLast' })).toThrow(/not supported/);
  });

  it('agree with tfjs-layers 4.22 both ways', async () => {
    await expectTfjsAgrees(
      [
        nr.layers.zeroPadding2d({
          padding: [
            [0, 1],
            [2, 1],
          ],
          inputShape: [3, 4, 2],
        }),
        nr.layers.cropping2d({
          cropping: [
            [1, 0],
            [1, 2],
          ],
        }),
      ],
      [2, 3, 4, 2],
    );
  });
});
