import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import {
  GlobalAveragePooling2D,
  GlobalMaxPooling2D,
  globalAveragePooling2d,
  globalMaxPooling2d,
} from './global-pooling.js';
import { testLayer } from './testing/harness.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

const distinct = (shape: number[]) => (): nr.Tensor => {
  const n = shape.reduce((p, d) => p * d, 1);
  return nr.tensor(
    Array.from({ length: n }, (_, i) => ((i * 7919) % n) * 0.1),
    shape,
  );
};

testLayer('GlobalAveragePooling2D', () => globalAveragePooling2d(), [2, 3, 4, 5], { params: 0 });
testLayer('GlobalAveragePooling2D keepDims', () => globalAveragePooling2d({ keepDims: true }), [2, 3, 3, 2]);
testLayer('GlobalMaxPooling2D', () => nr.layers.globalMaxPooling2d(), [2, 3, 4, 5], {
  input: distinct([2, 3, 4, 5]),
});

describe('GlobalAveragePooling2D / GlobalMaxPooling2D', () => {
  it('reduce height and width per channel', async () => {
    // channel 0 holds 1..4, channel 1 holds 10, 20, 30, 40
    const x = nr.tensor4d(
      [
        [
          [
            [1, 10],
            [2, 20],
          ],
          [
            [3, 30],
            [4, 40],
          ],
        ],
      ],
      [1, 2, 2, 2],
    );
    const avg = globalAveragePooling2d().apply(x);
    expect(await avg.array()).toEqual([[2.5, 25]]);
    const mx = globalMaxPooling2d().apply(x);
    expect(await mx.array()).toEqual([[4, 40]]);
    const kept = globalMaxPooling2d({ keepDims: true }).apply(x);
    expect(kept.shape).toEqual([1, 1, 1, 2]);
    nr.dispose([x, avg, mx, kept]);
  });

  it('compute output shapes and reject non-image inputs', () => {
    expect(globalAveragePooling2d().computeOutputShape([null, 7, 7, 64])).toEqual([null, 64]);
    expect(globalMaxPooling2d({ keepDims: true }).computeOutputShape([null, null, null, 8])).toEqual([
      null,
      1,
      1,
      8,
    ]);
    expect(() => globalMaxPooling2d({ name: 'gmp' }).computeOutputShape([null, 4, 4])).toThrow(
      "GlobalMaxPooling2D 'gmp': expected input of rank 4 [batch, height, width, channels], got [null, 4, 4]",
    );
    expect(() => globalAveragePooling2d({ dataFormat: 'channels_first' as 'channelsLast' })).toThrow(
      /not supported/,
    );
  });

  it('serialise keepdims (the Keras key) and dataFormat and rebuild from their config', () => {
    const layer = new GlobalAveragePooling2D({ name: 'gap', keepDims: true });
    const config = layer.getConfig();
    expect(config).toEqual({
      name: 'gap',
      trainable: true,
      dtype: 'float32',
      dataFormat: 'channelsLast',
      keepdims: true, // Keras spells it as one word
    });
    type Args = ConstructorParameters<typeof GlobalMaxPooling2D>[0];
    expect(new GlobalMaxPooling2D(config as Args).keepDims).toBe(true);
    expect(new GlobalMaxPooling2D().className).toBe('GlobalMaxPooling2D');
  });
});
