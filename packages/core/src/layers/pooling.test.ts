import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { AveragePooling2D, averagePooling2d, MaxPooling2D, maxPooling2d } from './pooling.js';
import { testLayer } from './testing/harness.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

/** Distinct values 0.1 apart in a scrambled order, so max pooling has no near-ties. */
function distinct(shape: number[]): () => nr.Tensor {
  return () => {
    const n = shape.reduce((p, d) => p * d, 1);
    const v = Array.from({ length: n }, (_, i) => ((i * 7919) % n) * 0.1 - n * 0.05);
    return nr.tensor(v, shape);
  };
}

testLayer('MaxPooling2D', () => maxPooling2d(), [2, 4, 4, 3], { input: distinct([2, 4, 4, 3]), params: 0 });
testLayer(
  'MaxPooling2D same, strided',
  () => maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
  [1, 5, 5, 2],
  {
    input: distinct([1, 5, 5, 2]),
  },
);
testLayer('AveragePooling2D', () => averagePooling2d({ poolSize: [2, 3], strides: 1 }), [2, 4, 5, 2]);
testLayer('AveragePooling2D same', () => nr.layers.averagePooling2d({ padding: 'same' }), [1, 5, 5, 2]);

describe('MaxPooling2D / AveragePooling2D', () => {
  it('compute hand-checked values', async () => {
    const x = nr.tidy(() => nr.reshape(nr.range(1, 17), [1, 4, 4, 1]));
    const m = maxPooling2d().apply(x);
    expect(Array.from(await m.data())).toEqual([6, 8, 14, 16]);
    const a = averagePooling2d().apply(x);
    expect(Array.from(await a.data())).toEqual([3.5, 5.5, 11.5, 13.5]);
    // 'same' on 3x3 with 2x2 windows: the border windows average only the in-bounds values
    const x3 = nr.tidy(() => nr.reshape(nr.range(1, 10), [1, 3, 3, 1]));
    const s = averagePooling2d({ padding: 'same' }).apply(x3);
    expect(Array.from(await s.data())).toEqual([3, 4.5, 7.5, 9]);
    const ms = maxPooling2d({ padding: 'same' }).apply(x3);
    expect(Array.from(await ms.data())).toEqual([5, 6, 8, 9]);
    nr.dispose([x, m, a, x3, s, ms]);
  });

  it('default strides to the pool size and compute output shapes', () => {
    const p = maxPooling2d({ poolSize: 3 });
    expect(p.strides).toEqual([3, 3]);
    expect(p.computeOutputShape([null, 10, 9, 4])).toEqual([null, 3, 3, 4]);
    expect(maxPooling2d({ poolSize: 3, padding: 'same' }).computeOutputShape([null, 10, 9, 4])).toEqual([
      null,
      4,
      3,
      4,
    ]);
    expect(averagePooling2d({ poolSize: 2, strides: 1 }).computeOutputShape([null, null, 5, 1])).toEqual([
      null,
      null,
      4,
      1,
    ]);
  });

  it('reject bad inputs and arguments, naming the layer', () => {
    const x = nr.zeros([2, 4, 4]);
    expect(() => maxPooling2d({ name: 'mp' }).apply(x)).toThrow(
      "MaxPooling2D 'mp': expected input of rank 4 [batch, height, width, channels], got [null, 4, 4]",
    );
    const small = nr.zeros([1, 1, 4, 1]);
    expect(() => averagePooling2d({ name: 'ap' }).apply(small)).toThrow(
      "AveragePooling2D 'ap': input [null, 1, 4, 1] is smaller than the 2x2 pool window with 'valid' padding",
    );
    expect(() => maxPooling2d({ poolSize: 0 })).toThrow(/poolSize must be a positive integer/);
    expect(() => maxPooling2d({ dataFormat: 'channelsFirst' as 'channelsLast' })).toThrow(/not supported/);
    nr.dispose([x, small]);
  });

  it('serialise poolSize, strides, padding and rebuild from their config', () => {
    const layer = maxPooling2d({ poolSize: [2, 3], name: 'mp_cfg' });
    const config = layer.getConfig();
    expect(config).toEqual({
      name: 'mp_cfg',
      trainable: true,
      dtype: 'float32',
      poolSize: [2, 3],
      padding: 'valid',
      strides: [2, 3],
      dataFormat: 'channelsLast',
    });
    expect(
      new MaxPooling2D(config as unknown as ConstructorParameters<typeof MaxPooling2D>[0]).getConfig(),
    ).toEqual(config);
    const avg = new AveragePooling2D({ strides: null });
    expect(avg.className).toBe('AveragePooling2D');
    expect(avg.strides).toEqual([2, 2]);
  });
});
