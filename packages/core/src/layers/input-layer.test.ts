import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { InputLayer, inputLayer } from './input-layer.js';
import { testLayer } from './testing/harness.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

testLayer('InputLayer', () => inputLayer({ inputShape: [3] }), [2, 3], { params: 0 });
testLayer(
  'InputLayer images',
  () => nr.layers.inputLayer({ batchInputShape: [null, 2, 2, 1] }),
  [2, 2, 2, 1],
);

describe('InputLayer', () => {
  it('passes its input through (as a copy)', async () => {
    const x = nr.tensor2d([[1, 2, 3]]);
    const y = inputLayer({ inputShape: [3] }).apply(x);
    expect(y).not.toBe(x);
    expect(await y.array()).toEqual([[1, 2, 3]]);
    y.dispose();
    expect(x.isDisposed).toBe(false);
    x.dispose();
  });

  it('records its batch input shape', () => {
    expect(inputLayer({ inputShape: [28, 28, 1] }).batchInputShape).toEqual([null, 28, 28, 1]);
    const fixed = inputLayer({ inputShape: [4], batchSize: 8 });
    expect(fixed.batchInputShape).toEqual([8, 4]);
    expect(fixed.computeOutputShape([null, 4])).toEqual([8, 4]);
    expect(inputLayer({ batchShape: [null, 6] }).batchInputShape).toEqual([null, 6]); // Keras 3 name
    expect(inputLayer({ batchInputShape: [null, null, 5] }).computeOutputShape([null, 7, 5])).toEqual([
      null,
      7,
      5,
    ]);
  });

  it('requires a shape and rejects other shapes, naming the layer', () => {
    expect(() => inputLayer({ name: 'in0' })).toThrow("InputLayer 'in0': give inputShape or batchInputShape");
    const layer = inputLayer({ inputShape: [3], name: 'in1' });
    const x = nr.zeros([2, 4]);
    expect(() => layer.apply(x)).toThrow("InputLayer 'in1': expected input shape [null, 3], got [2, 4]");
    expect(() => layer.computeOutputShape([null, 3, 1])).toThrow(
      /expected input shape \[null, 3\], got \[null, 3, 1\]/,
    );
    expect(() => inputLayer({ inputShape: [2], sparse: true })).toThrow(/sparse inputs are not supported/);
    x.dispose();
  });

  it('serialises batchInputShape, has a Keras default name, and rebuilds from its config', () => {
    const layer = new InputLayer({ inputShape: [5] });
    expect(layer.name).toMatch(/^input_layer(_\d+)?$/);
    expect(layer.className).toBe('InputLayer');
    const config = layer.getConfig();
    expect(config).toEqual({
      name: layer.name,
      trainable: true,
      dtype: 'float32',
      batchInputShape: [null, 5],
      sparse: false,
    });
    const copy = new InputLayer(config as unknown as ConstructorParameters<typeof InputLayer>[0]);
    expect(copy.batchInputShape).toEqual([null, 5]);
    expect(copy.getConfig()).toEqual(config);
  });
});
