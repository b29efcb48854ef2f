import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { depthwiseConv2d } from './depthwise-conv2d.js';
import { testLayer } from './testing/harness.js';
import { expectModelInterop, expectSameAsTfjs } from './testing/tfjs-compare.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await nr.setBackend(cpu());
});

testLayer('DepthwiseConv2D valid', () => depthwiseConv2d({ kernelSize: 3 }), [2, 5, 5, 3], {
  params: 27 + 3,
});
testLayer(
  'DepthwiseConv2D same, strided, multiplier 2, relu',
  () =>
    depthwiseConv2d({
      kernelSize: [2, 3],
      strides: 2,
      padding: 'same',
      depthMultiplier: 2,
      activation: 'tanh',
    }),
  [1, 5, 6, 2],
  { params: 2 * 3 * 2 * 2 + 4 },
);
testLayer(
  'DepthwiseConv2D dilated without bias',
  () => depthwiseConv2d({ kernelSize: 2, dilationRate: 2, useBias: false }),
  [2, 5, 5, 2],
  { params: 8 },
);

describe('DepthwiseConv2D', () => {
  it('computes a hand-checked depthwise convolution (channels never mix)', async () => {
    const layer = depthwiseConv2d({ kernelSize: 2, depthwiseInitializer: 'ones', biasInitializer: 'ones' });
    // 3x3 image with channel 0 = 1..9 and channel 1 = 10 * (1..9): each 2x2 window sum plus bias 1
    const x = nr.tidy(() => {
      const a = nr.reshape(nr.range(1, 10), [1, 3, 3, 1]);
      return nr.concat([a, nr.mul(a, 10)], 3);
    });
    const y = layer.apply(x);
    expect(y.shape).toEqual([1, 2, 2, 2]);
    expect(Array.from(await y.data())).toEqual([13, 121, 17, 161, 25, 241, 29, 281]);
    expect(layer.weights.map((w) => w.name)).toEqual([
      `${layer.name}/depthwise_kernel`,
      `${layer.name}/bias`,
    ]);
    nr.dispose([x, y]);
    layer.dispose();
  });

  it('matches tfjs-layers 4.22 on the same weights', async () => {
    for (const args of [
      { kernelSize: 3, padding: 'same', activation: 'relu' },
      { kernelSize: [3, 2], strides: 2, padding: 'same', depthMultiplier: 3 },
      // (tfjs-layers 4.22 ignores DepthwiseConv2D's dilationRate; dilations are checked against tf.depthwiseConv2d
      // in ops/depthwise-conv.test.ts)
      { kernelSize: 2, useBias: false, activation: 'sigmoid' },
      { kernelSize: 3, strides: [1, 2], padding: 'valid', depthMultiplier: 2 },
    ] as const) {
      await expectSameAsTfjs(
        depthwiseConv2d(args as nr.layers.DepthwiseConv2DArgs),
        tfl.layers.depthwiseConv2d(args as unknown as Parameters<typeof tfl.layers.depthwiseConv2d>[0]),
        [2, 7, 6, 3],
      );
    }
  });

  it('saves what tfjs-layers loads and loads what it saves (Keras config names)', async () => {
    const args = {
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      depthMultiplier: 2,
      activation: 'relu',
    } as const;
    await expectModelInterop(
      [depthwiseConv2d({ ...args, biasInitializer: 'randomNormal', inputShape: [6, 5, 2] })],
      [tfl.layers.depthwiseConv2d({ ...args, biasInitializer: 'randomNormal', inputShape: [6, 5, 2] })],
      [2, 6, 5, 2],
    );
  });

  it('rejects bad inputs and arguments with the layer name', () => {
    const layer = depthwiseConv2d({ kernelSize: 3, name: 'd1' });
    const x3 = nr.zeros([2, 5, 5]);
    expect(() => layer.apply(x3)).toThrow(
      "DepthwiseConv2D 'd1': expected input of rank 4 [batch, height, width, channels], got [null, 5, 5]",
    );
    const x = nr.zeros([1, 5, 5, 3]);
    nr.dispose(layer.apply(x));
    expect(() => layer.computeOutputShape([null, 5, 5, 2])).toThrow(
      "DepthwiseConv2D 'd1': expected input with 3 channels, got [null, 5, 5, 2]",
    );
    const small = nr.zeros([1, 2, 5, 1]);
    expect(() => depthwiseConv2d({ kernelSize: 3, name: 'd2' }).apply(small)).toThrow(
      "DepthwiseConv2D 'd2': input [null, 2, 5, 1] is smaller than the 3x3 kernel (dilation 1x1) with 'valid' padding",
    );
    expect(() => depthwiseConv2d({ kernelSize: 3, depthMultiplier: 0, name: 'd3' })).toThrow(
      "DepthwiseConv2D 'd3': depthMultiplier must be a positive integer, got 0",
    );
    expect(() => depthwiseConv2d({ kernelSize: 3, strides: 2, dilationRate: 2, name: 'd4' })).toThrow(
      "DepthwiseConv2D 'd4': strides [2, 2] > 1 cannot be combined with dilationRate [2, 2] > 1",
    );
    expect(() =>
      depthwiseConv2d({
        kernelSize: 3,
        depthwiseConstraint: { className: 'MaxNorm' } as unknown as null,
        name: 'd5',
      }),
    ).toThrow(
      "DepthwiseConv2D 'd5': depthwiseConstraint is not supported (weight constraints are not implemented)",
    );
    nr.dispose([x3, x, small]);
    layer.dispose();
  });
});
