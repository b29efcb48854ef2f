import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { AveragePooling1D, GlobalAveragePooling1D, GlobalMaxPooling1D, MaxPooling1D } from './pooling1d.js';
import { testLayer } from './testing/harness.js';
import { expectTfjsAgrees } from './testing/tfjs.js';

beforeAll(async () => {
  await nr.setBackend(cpu({ fast: false }));
});

/** Distinct values, so each max is unique and finite differences hold. */
const distinct = (shape: number[]) => (): nr.Tensor => {
  const n = shape.reduce((p, d) => p * d, 1);
  return nr.tensor(
    Array.from({ length: n }, (_, i) => ((i * 7919) % n) * 0.1),
    shape,
  );
};

testLayer('MaxPooling1D', () => nr.layers.maxPooling1d({ poolSize: 2 }), [2, 6, 3], {
  input: distinct([2, 6, 3]),
});
testLayer(
  'AveragePooling1D same',
  () => nr.layers.averagePooling1d({ poolSize: 3, strides: 2, padding: 'same' }),
  [2, 5, 3],
);
testLayer('GlobalAveragePooling1D', () => nr.layers.globalAveragePooling1d(), [2, 4, 3], { params: 0 });
testLayer('GlobalMaxPooling1D keepDims', () => nr.layers.globalMaxPooling1d({ keepDims: true }), [2, 4, 3], {
  input: distinct([2, 4, 3]),
});

describe('1-D pooling', () => {
  it('pools over steps per channel (hand-computed)', async () => {
    // channel 0: 1, 5, 2, 4; channel 1: 10, 20, 30, 40
    const x = nr.tensor3d([
      [
        [1, 10],
        [5, 20],
        [2, 30],
        [4, 40],
      ],
    ]);
    const mx = new MaxPooling1D({ poolSize: 2 }).apply(x);
    expect(await mx.array()).toEqual([
      [
        [5, 20],
        [4, 40],
      ],
    ]);
    const avg = new AveragePooling1D({ poolSize: 3, strides: 1 }).apply(x);
    expect(avg.shape).toEqual([1, 2, 2]);
    const a = Array.from(await avg.data());
    expect(a.map((v) => Math.round(v * 1e5) / 1e5)).toEqual([2.66667, 20, 3.66667, 30]);
    const gmp = new GlobalMaxPooling1D().apply(x);
    expect(await gmp.array()).toEqual([[5, 40]]);
    const gap = new GlobalAveragePooling1D().apply(x);
    expect(await gap.array()).toEqual([[3, 25]]);
    nr.dispose([x, mx, avg, gmp, gap]);
  });

  it('save Keras / tfjs keys and accept [n] lengths', () => {
    const p = new MaxPooling1D({ name: 'm', poolSize: [3], strides: [1] });
    expect(p.getConfig()).toEqual({
      name: 'm',
      trainable: true,
      dtype: 'float32',
      poolSize: [3],
      padding: 'valid',
      strides: [1],
      dataFormat: 'channelsLast',
    });
    expect(new AveragePooling1D({ poolSize: 4 }).strides).toBe(4);
    expect(new GlobalAveragePooling1D({ keepdims: true }).getConfig().keepdims).toBe(true);
    expect(p.computeOutputShape([null, null, 8])).toEqual([null, null, 8]);
  });

  it('reject bad arguments and inputs, naming the layer and the shapes', () => {
    expect(() => new MaxPooling1D({ name: 'm', poolSize: 0 })).toThrow(
      "MaxPooling1D 'm': poolSize must be a positive integer (or [n]), got 0",
    );
    expect(() => new MaxPooling1D({ name: 'm2', poolSize: 4 }).computeOutputShape([null, 3, 2])).toThrow(
      "MaxPooling1D 'm2': input [null, 3, 2] is shorter than the pool window 4 with 'valid' padding",
    );
    expect(() => new GlobalMaxPooling1D({ name: 'g' }).computeOutputShape([null, 3, 2, 1])).toThrow(
      "GlobalMaxPooling1D 'g': expected input of rank 3 [batch, steps, channels], got [null, 3, 2, 1]",
    );
  });

  it('agree with tfjs-layers 4.22 both ways', async () => {
    await expectTfjsAgrees(
      [
        nr.layers.maxPooling1d({ poolSize: 2, inputShape: [9, 3] }),
        nr.layers.averagePooling1d({ poolSize: 3, strides: 2, padding: 'same' }),
        nr.layers.globalMaxPooling1d(),
      ],
      [2, 9, 3],
    );
    await expectTfjsAgrees(
      [
        nr.layers.averagePooling1d({ poolSize: 2, strides: 1, inputShape: [5, 2] }),
        nr.layers.globalAveragePooling1d(),
      ],
      [3, 5, 2],
    );
  });
});
