import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { Conv2D, conv2d } from './conv2d.js';
import { testLayer } from './testing/harness.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5): void => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(tol);
};

testLayer('Conv2D valid', () => conv2d({ filters: 2, kernelSize: 3 }), [2, 5, 5, 3], { params: 56 });
testLayer(
  'Conv2D same, strided, tanh',
  () => conv2d({ filters: 3, kernelSize: [2, 3], strides: 2, padding: 'same', activation: 'tanh' }),
  [1, 5, 6, 2],
  { params: 2 * 3 * 2 * 3 + 3 },
);
testLayer(
  'Conv2D dilated without bias',
  () => nr.layers.conv2d({ filters: 2, kernelSize: 2, dilationRate: 2, useBias: false }),
  [2, 5, 5, 1],
  { params: 8 },
);

describe('Conv2D', () => {
  it('computes a hand-checked convolution', async () => {
    const layer = conv2d({ filters: 1, kernelSize: 2, kernelInitializer: 'ones', biasInitializer: 'ones' });
    // 3x3 image 1..9: each 2x2 window sum plus bias 1
    const x = nr.tidy(() => nr.reshape(nr.range(1, 10), [1, 3, 3, 1]));
    const y = layer.apply(x);
    expect(y.shape).toEqual([1, 2, 2, 1]);
    expect(Array.from(await y.data())).toEqual([13, 17, 25, 29]);
    nr.dispose([x, y]);
    layer.dispose();
  });

  it('matches nr.conv2d plus bias and activation', async () => {
    const layer = conv2d({ filters: 4, kernelSize: 3, strides: [1, 2], padding: 'same', activation: 'relu' });
    const x = nr.randomNormal([2, 6, 7, 3]);
    const y = layer.apply(x);
    const b = nr.randomNormal([4]);
    layer.setWeights([layer.kernel!, b]);
    const y2 = layer.apply(x);
    const ref = nr.tidy(() => nr.relu(nr.add(nr.conv2d(x, layer.kernel!, [1, 2], 'same', 1), b)));
    expect(y2.shape).toEqual([2, 6, 4, 4]);
    close(await y2.data(), await ref.data());
    nr.dispose([x, y, b, y2, ref]);
    layer.dispose();
  });

  it('creates a Keras-shaped kernel [kh, kw, inChannels, filters] and Keras parameter counts', () => {
    const a = conv2d({ filters: 8, kernelSize: 5 });
    a.ensureBuilt([null, 28, 28, 1]);
    expect(a.kernel!.shape).toEqual([5, 5, 1, 8]);
    expect(a.countParams()).toBe(208);
    const b = conv2d({ filters: 64, kernelSize: 3 });
    b.ensureBuilt([null, 14, 14, 32]);
    expect(b.countParams()).toBe(18496);
    const c = conv2d({ filters: 16, kernelSize: [3, 1], useBias: false });
    c.ensureBuilt([null, 8, 8, 4]);
    expect(c.countParams()).toBe(192);
    a.dispose();
    b.dispose();
    c.dispose();
  });

  it('computes output shapes for valid/same padding, strides, dilation and unknown sizes', () => {
    expect(conv2d({ filters: 8, kernelSize: 5 }).computeOutputShape([null, 28, 28, 1])).toEqual([
      null,
      24,
      24,
      8,
    ]);
    expect(
      conv2d({ filters: 2, kernelSize: 3, strides: 2, padding: 'same' }).computeOutputShape([null, 7, 8, 1]),
    ).toEqual([null, 4, 4, 2]);
    expect(conv2d({ filters: 2, kernelSize: 3, strides: 2 }).computeOutputShape([null, 7, 8, 1])).toEqual([
      null,
      3,
      3,
      2,
    ]);
    expect(
      conv2d({ filters: 1, kernelSize: 3, dilationRate: 2 }).computeOutputShape([null, 7, 7, 1]),
    ).toEqual([null, 3, 3, 1]);
    expect(conv2d({ filters: 1, kernelSize: 3 }).computeOutputShape([null, null, 9, 2])).toEqual([
      null,
      null,
      7,
      1,
    ]);
  });

  it('rejects bad inputs with the layer name, the expected and the actual shape', () => {
    const layer = conv2d({ filters: 2, kernelSize: 3, name: 'c1' });
    const x3 = nr.zeros([2, 5, 5]);
    expect(() => layer.apply(x3)).toThrow(
      "Conv2D 'c1': expected input of rank 4 [batch, height, width, channels], got [null, 5, 5]",
    );
    const x = nr.zeros([1, 5, 5, 3]);
    nr.dispose(layer.apply(x));
    const other = nr.zeros([1, 5, 5, 2]);
    expect(() => layer.computeOutputShape([null, 5, 5, 2])).toThrow(
      "Conv2D 'c1': expected input with 3 channels, got [null, 5, 5, 2]",
    );
    expect(() => layer.apply(other)).toThrow(/'c1'/);
    const small = nr.zeros([1, 2, 5, 1]);
    expect(() => conv2d({ filters: 1, kernelSize: 3, name: 'c2' }).apply(small)).toThrow(
      "Conv2D 'c2': input [null, 2, 5, 1] is smaller than the 3x3 kernel (dilation 1x1) with 'valid' padding",
    );
    expect(() => conv2d({ filters: 1, kernelSize: 3, name: 'c3' }).ensureBuilt([null, 5, 5, null])).toThrow(
      "Conv2D 'c3': the channel dimension of the input must be known, got [null, 5, 5, null]",
    );
    nr.dispose([x3, x, other, small]);
    layer.dispose();
  });

  it('validates its arguments', () => {
    expect(() =>
      conv2d({ filters: 1, kernelSize: 3, dataFormat: 'channelsFirst' as 'channelsLast', name: 'cf' }),
    ).toThrow("Conv2D 'cf': dataFormat 'channelsFirst' is not supported (only 'channelsLast', NHWC)");
    expect(() => conv2d({ filters: 1, kernelSize: 3, strides: 2, dilationRate: 2, name: 'sd' })).toThrow(
      "Conv2D 'sd': strides [2, 2] > 1 cannot be combined with dilationRate [2, 2] > 1",
    );
    expect(() => conv2d({ filters: 0, kernelSize: 3 })).toThrow(/filters must be a positive integer, got 0/);
    expect(() => conv2d({ filters: 1, kernelSize: [0, 3] as [number, number] })).toThrow(
      /kernelSize must be a positive integer or a pair of them, got \[0,3\]/,
    );
    expect(() => conv2d({ filters: 1, kernelSize: 3, padding: 'causal' as 'same' })).toThrow(
      /padding must be 'valid' or 'same', got 'causal'/,
    );
  });

  it('serialises pairs, padding and initializers, and rebuilds from its config', () => {
    const layer = conv2d({
      filters: 4,
      kernelSize: 3,
      strides: [2, 1],
      padding: 'same',
      activation: 'relu',
      kernelRegularizer: nr.regularizers.l1({ l1: 0.1 }),
      name: 'conv_cfg',
      dataFormat: 'channels_last',
    });
    const config = layer.getConfig();
    expect(config).toEqual({
      name: 'conv_cfg',
      trainable: true,
      dtype: 'float32',
      filters: 4,
      kernelSize: [3, 3],
      strides: [2, 1],
      padding: 'same',
      dataFormat: 'channelsLast',
      dilationRate: [1, 1],
      activation: 'relu',
      useBias: true,
      kernelInitializer: {
        className: 'GlorotUniform',
        config: { seed: null }, // Keras's named initializers take only a seed
      },
      biasInitializer: { className: 'Zeros', config: {} },
      kernelRegularizer: { className: 'L1L2', config: { l1: 0.1, l2: 0 } },
      biasRegularizer: null,
    });
    const copy = new Conv2D(config as unknown as ConstructorParameters<typeof Conv2D>[0]);
    expect(copy.getConfig()).toEqual(config);
    expect(copy.kernelSize).toEqual([3, 3]);
  });
});
