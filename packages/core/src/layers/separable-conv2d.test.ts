import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { separableConv2d } from './separable-conv2d.js';
import { testLayer } from './testing/harness.js';
import { expectModelInterop, expectSameAsTfjs } from './testing/tfjs-compare.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await nr.setBackend(cpu());
});

testLayer('SeparableConv2D valid', () => separableConv2d({ filters: 2, kernelSize: 3 }), [2, 5, 5, 3], {
  params: 27 + 3 * 2 + 2,
});
testLayer(
  'SeparableConv2D same, strided, multiplier 2, tanh',
  () =>
    separableConv2d({
      filters: 3,
      kernelSize: [2, 3],
      strides: 2,
      padding: 'same',
      depthMultiplier: 2,
      activation: 'tanh',
    }),
  [1, 5, 6, 2],
  { params: 2 * 3 * 2 * 2 + 4 * 3 + 3 },
);
testLayer(
  'SeparableConv2D dilated, relu, without bias',
  () => separableConv2d({ filters: 2, kernelSize: 2, dilationRate: 2, activation: 'relu', useBias: false }),
  [2, 5, 5, 2],
  { params: 8 + 4 },
);

describe('SeparableConv2D', () => {
  it('computes a hand-checked separable convolution', async () => {
    // 2x2 image, 2 channels: c0 = [1, 2, 3, 4], c1 = [10, 20, 30, 40]; 2x2 depthwise kernel of ones gives
    // [10, 100]; the pointwise kernel [[1, 0.5], [-1, 0.1]] mixes them: [10 - 100, 5 + 10] = [-90, 15]; bias [1, 2].
    const layer = separableConv2d({ filters: 2, kernelSize: 2, name: 'sep' });
    const x = nr.tensor4d([1, 10, 2, 20, 3, 30, 4, 40], [1, 2, 2, 2]);
    nr.dispose(layer.apply(x));
    expect(layer.weights.map((w) => [w.name, w.shape])).toEqual([
      ['sep/depthwise_kernel', [2, 2, 2, 1]],
      ['sep/pointwise_kernel', [1, 1, 2, 2]],
      ['sep/bias', [2]],
    ]);
    const ws = [nr.ones([2, 2, 2, 1]), nr.tensor4d([1, 0.5, -1, 0.1], [1, 1, 2, 2]), nr.tensor1d([1, 2])];
    layer.setWeights(ws);
    const y = layer.apply(x);
    expect(y.shape).toEqual([1, 1, 1, 2]);
    const v = await y.data();
    expect(v[0]).toBeCloseTo(-89, 5);
    expect(v[1]).toBeCloseTo(17, 5);
    nr.dispose([x, y, ws]);
    layer.dispose();
  });

  it('matches tfjs-layers 4.22 on the same weights', async () => {
    for (const args of [
      { filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' },
      { filters: 2, kernelSize: [3, 2], strides: 2, padding: 'same', depthMultiplier: 3 },
      { filters: 4, kernelSize: 2, dilationRate: 2, useBias: false, activation: 'sigmoid' },
      { filters: 1, kernelSize: 3, strides: [1, 2], padding: 'valid', depthMultiplier: 2 },
    ] as const) {
      await expectSameAsTfjs(
        separableConv2d(args as nr.layers.SeparableConv2DArgs),
        tfl.layers.separableConv2d(args as unknown as Parameters<typeof tfl.layers.separableConv2d>[0]),
        [2, 7, 6, 3],
      );
    }
  });

  it('saves what tfjs-layers loads and loads what it saves (Keras config names)', async () => {
    const args = { filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' } as const;
    await expectModelInterop(
      [
        separableConv2d({
          ...args,
          depthMultiplier: 2,
          biasInitializer: 'randomNormal',
          inputShape: [6, 5, 2],
        }),
      ],
      // (tfjs-layers 4.22 leaves depth_multiplier out of the SeparableConv2D config it saves, so a model it
      // saves with a multiplier above 1 cannot be loaded back, by tfjs either: its side uses the default 1)
      [tfl.layers.separableConv2d({ ...args, biasInitializer: 'randomNormal', inputShape: [6, 5, 2] })],
      [2, 6, 5, 2],
    );
  });

  it('rejects bad inputs and arguments with the layer name', () => {
    const layer = separableConv2d({ filters: 2, kernelSize: 3, name: 's1' });
    const x3 = nr.zeros([2, 5, 5]);
    expect(() => layer.apply(x3)).toThrow(
      "SeparableConv2D 's1': expected input of rank 4 [batch, height, width, channels], got [null, 5, 5]",
    );
    const x = nr.zeros([1, 5, 5, 3]);
    nr.dispose(layer.apply(x));
    expect(() => layer.computeOutputShape([null, 5, 5, 2])).toThrow(
      "SeparableConv2D 's1': expected input with 3 channels, got [null, 5, 5, 2]",
    );
    expect(() => separableConv2d({ filters: 2, kernelSize: 3, depthMultiplier: 1.5, name: 's2' })).toThrow(
      "SeparableConv2D 's2': depthMultiplier must be a positive integer, got 1.5",
    );
    expect(() =>
      separableConv2d({
        filters: 2,
        kernelSize: 3,
        pointwiseConstraint: 'nonNeg' as unknown as null,
        name: 's3',
      }),
    ).toThrow(
      'SeparableConv2D \'s3\': pointwiseConstraint is not supported (weight constraints are not implemented), got "nonNeg"',
    );
    nr.dispose([x3, x]);
    layer.dispose();
  });
});
