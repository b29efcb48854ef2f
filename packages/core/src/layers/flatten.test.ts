import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { Flatten, flatten } from './flatten.js';
import { testLayer } from './testing/harness.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

testLayer('Flatten rank 3', () => flatten(), [2, 3, 4], { params: 0 });
testLayer('Flatten rank 4', () => nr.layers.flatten(), [2, 2, 3, 2]);
testLayer('Flatten rank 2', () => flatten(), [3, 5]);

describe('Flatten', () => {
  it('keeps the batch dimension and row-major order', async () => {
    const x = nr.tensor3d([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ]);
    const y = flatten().apply(x);
    expect(y.shape).toEqual([2, 4]);
    expect(await y.array()).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    y.dispose();
    expect(x.isDisposed).toBe(false);
    x.dispose();
  });

  it('turns a rank-1 input into [batch, 1]', () => {
    const x = nr.tensor1d([1, 2, 3]);
    const layer = flatten();
    const y = layer.apply(x);
    expect(y.shape).toEqual([3, 1]);
    expect(layer.computeOutputShape([null])).toEqual([null, 1]);
    nr.dispose([x, y]);
  });

  it('computes output shapes, unknown when a dimension is unknown', () => {
    const layer = flatten();
    expect(layer.computeOutputShape([null, 28, 28, 1])).toEqual([null, 784]);
    expect(layer.computeOutputShape([null, null, 4])).toEqual([null, null]);
    expect(layer.computeOutputShape([5, 2, 3])).toEqual([5, 6]);
  });

  it('rejects channels-first data and scalars', () => {
    expect(() => new Flatten({ dataFormat: 'channelsFirst' as 'channelsLast', name: 'f1' })).toThrow(
      "Flatten 'f1': dataFormat 'channelsFirst' is not supported (only 'channelsLast')",
    );
    expect(() => flatten({ name: 'f2' }).computeOutputShape([])).toThrow(
      "Flatten 'f2': expected input of rank >= 1, got []",
    );
  });

  it('serialises dataFormat and rebuilds from its config', () => {
    const layer = flatten({ name: 'flat', inputShape: [2, 3] });
    const config = layer.getConfig();
    expect(config).toEqual({
      name: 'flat',
      trainable: true,
      dtype: 'float32',
      batchInputShape: [null, 2, 3],
      dataFormat: 'channelsLast',
    });
    expect(new Flatten(config as ConstructorParameters<typeof Flatten>[0]).getConfig()).toEqual(config);
  });
});
