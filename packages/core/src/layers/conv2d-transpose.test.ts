import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { conv2dTranspose } from './conv2d-transpose.js';
import { testLayer } from './testing/harness.js';
import { expectModelInterop, expectSameAsTfjs } from './testing/tfjs-compare.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await nr.setBackend(cpu());
});

testLayer('Conv2DTranspose valid', () => conv2dTranspose({ filters: 2, kernelSize: 3 }), [2, 3, 3, 3], {
  params: 3 * 3 * 2 * 3 + 2,
});
testLayer(
  'Conv2DTranspose same, stride 2, tanh',
  () => conv2dTranspose({ filters: 3, kernelSize: [2, 3], strides: 2, padding: 'same', activation: 'tanh' }),
  [1, 3, 4, 2],
  { params: 2 * 3 * 3 * 2 + 3 },
);
testLayer(
  'Conv2DTranspose with outputPadding, without bias',
  () =>
    conv2dTranspose({ filters: 2, kernelSize: 3, strides: [2, 3], outputPadding: [1, 2], useBias: false }),
  [2, 3, 2, 1],
  { params: 18 },
);

describe('nr.conv2dTranspose', () => {
  it('matches tf.conv2dTranspose', async () => {
    for (const [xs, fs, os, strides, pad] of [
      [[1, 3, 3, 2], [3, 3, 4, 2], [1, 6, 6, 4], 2, 'same'],
      [[2, 3, 4, 3], [2, 3, 2, 3], [2, 6, 9, 2], [2, 2], 'valid'],
      [[1, 4, 4, 1], [3, 3, 2, 1], [1, 4, 4, 2], 1, 'same'],
      [[1, 2, 3, 2], [2, 2, 3, 2], [1, 6, 9, 3], 3, 'valid'],
    ] as const) {
      nr.seed(3);
      const x = nr.randomUniform([...xs], -1, 1);
      const f = nr.randomUniform([...fs], -1, 1);
      const y = nr.conv2dTranspose(x, f, os, strides, pad);
      const ty = tf.conv2dTranspose(
        tf.tensor4d(await x.data(), [...xs] as [number, number, number, number]),
        tf.tensor4d(await f.data(), [...fs] as [number, number, number, number]),
        [...os] as [number, number, number, number],
        typeof strides === 'number' ? strides : [strides[0], strides[1]],
        pad,
      );
      expect(y.shape).toEqual(ty.shape);
      const a = await y.data();
      const b = await ty.data();
      for (let i = 0; i < b.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1e-5);
      nr.dispose([x, f, y]);
      ty.dispose();
    }
  });

  it('is the adjoint of conv2d: <convT(x), y> = <x, conv2d(y)>, also with outputPadding shapes', async () => {
    for (const [xs, fs, os, strides, pad] of [
      [[1, 4, 4, 2], [3, 3, 3, 2], [1, 8, 8, 3], 2, 'same'],
      [[2, 3, 2, 1], [3, 3, 2, 1], [2, 8, 8, 2], [2, 3], 'valid'], // Keras outputPadding [1, 2]
      [[1, 4, 4, 1], [4, 4, 1, 1], [1, 7, 7, 1], 2, 'same'], // outputPadding 0 of an odd output
    ] as const) {
      nr.seed(4);
      const x = nr.randomUniform([...xs], -1, 1);
      const f = nr.randomUniform([...fs], -1, 1);
      const y = nr.randomUniform([...os], -1, 1);
      const lhs = nr.tidy(() => nr.sum(nr.mul(nr.conv2dTranspose(x, f, os, strides, pad), y)));
      const rhs = nr.tidy(() => nr.sum(nr.mul(x, nr.conv2d(y, f, strides, pad))));
      expect((await lhs.data())[0]).toBeCloseTo((await rhs.data())[0]!, 4);
      nr.dispose([x, f, y, lhs, rhs]);
    }
  });

  it('has gradients matching finite differences (a conv2d for x, a filter gradient for the filter)', async () => {
    nr.seed(5);
    const x = nr.randomUniform([1, 3, 3, 2], -1, 1);
    const f = nr.randomUniform([3, 3, 2, 2], -1, 1);
    const r = await nr.gradCheck((a, b) => nr.conv2dTranspose(a, b, [1, 6, 6, 2], 2, 'same'), [x, f], {
      eps: 1e-2,
      tol: 1e-3,
    });
    expect(r.passed).toBe(true);
    nr.dispose([x, f]);
  });

  it('names the op, the shapes and what does not fit', () => {
    const x = nr.zeros([1, 3, 3, 2]);
    expect(() => nr.conv2dTranspose(x, nr.zeros([3, 3, 4, 1]), [1, 6, 6, 4], 2, 'same')).toThrow(
      'conv2dTranspose: x [1, 3, 3, 2] has 2 channels but filter [3, 3, 4, 1] expects 1 (filter is [fh, fw, outChannels, inChannels])',
    );
    expect(() => nr.conv2dTranspose(x, nr.zeros([3, 3, 4, 2]), [1, 9, 9, 4], 2, 'same')).toThrow(
      'conv2dTranspose: outputShape [1, 9, 9, 4] does not fit x [1, 3, 3, 2]: a conv2d of that shape with a 3x3 filter, strides 2 and padding "same" gives 5x5, not 3x3',
    );
    expect(() => nr.conv2dTranspose(x, nr.zeros([3, 3, 4, 2]), [6, 6, 4], 2, 'same')).toThrow(
      'conv2dTranspose: outputShape [6, 6, 4] must have the rank of x [1, 3, 3, 2]',
    );
    x.dispose();
  });
});

describe('Conv2DTranspose', () => {
  it('computes a hand-checked transposed convolution', async () => {
    // One input pixel per channel-1 image, value 2, stride 2 'valid', 2x2 kernel of ones, bias 1:
    // each input pixel paints its own 2x2 block: [[3, 3, 5, 5], [3, 3, 5, 5]] for inputs [2, 4].
    const layer = conv2dTranspose({
      filters: 1,
      kernelSize: 2,
      strides: 2,
      kernelInitializer: 'ones',
      biasInitializer: 'ones',
    });
    const x = nr.tensor4d([2, 4], [1, 1, 2, 1]);
    const y = layer.apply(x);
    expect(y.shape).toEqual([1, 2, 4, 1]);
    expect(Array.from(await y.data())).toEqual([3, 3, 5, 5, 3, 3, 5, 5]);
    nr.dispose([x, y]);
    layer.dispose();
  });

  it('matches tfjs-layers 4.22 on the same weights', async () => {
    for (const args of [
      { filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' },
      { filters: 2, kernelSize: [3, 2], strides: [2, 1], padding: 'valid' },
      { filters: 4, kernelSize: 5, strides: 2, padding: 'same', useBias: false, activation: 'sigmoid' },
      { filters: 1, kernelSize: 2, strides: 3, padding: 'valid' },
    ] as const) {
      await expectSameAsTfjs(
        conv2dTranspose(args as nr.layers.Conv2DTransposeArgs),
        tfl.layers.conv2dTranspose(args as unknown as Parameters<typeof tfl.layers.conv2dTranspose>[0]),
        [2, 4, 5, 3],
      );
    }
  });

  it('reads channels-first images (dataFormat channelsFirst, as converted Keras 2 GANs use it) as tfjs-layers does', async () => {
    const args = {
      filters: 3,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      dataFormat: 'channelsFirst',
    } as const;
    await expectSameAsTfjs(
      conv2dTranspose({ ...args, biasInitializer: 'randomNormal' }),
      tfl.layers.conv2dTranspose({ ...args, biasInitializer: 'randomNormal' }),
      [2, 5, 4, 3],
    );
    expect(conv2dTranspose(args).computeOutputShape([null, 5, 4, 3])).toEqual([null, 3, 8, 6]);
    expect(() => conv2dTranspose({ ...args, dataFormat: 'nchw' as never })).toThrow(
      /Conv2DTranspose '.*': dataFormat must be 'channelsLast' or 'channelsFirst', got "nchw"/,
    );
  });

  it('saves what tfjs-layers loads and loads what it saves (Keras config names)', async () => {
    const args = { filters: 2, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' } as const;
    await expectModelInterop(
      [conv2dTranspose({ ...args, biasInitializer: 'randomNormal', inputShape: [3, 4, 2] })],
      [tfl.layers.conv2dTranspose({ ...args, biasInitializer: 'randomNormal', inputShape: [3, 4, 2] })],
      [2, 3, 4, 2],
    );
  });

  it('computes Keras output shapes, outputPadding included', () => {
    const shape = (args: nr.layers.Conv2DTransposeArgs, input: (number | null)[]) =>
      conv2dTranspose(args).computeOutputShape(input);
    expect(shape({ filters: 2, kernelSize: 3, strides: 2, padding: 'same' }, [null, 7, 5, 1])).toEqual([
      null,
      14,
      10,
      2,
    ]);
    expect(shape({ filters: 2, kernelSize: 3, strides: 2 }, [null, 7, 5, 1])).toEqual([null, 15, 11, 2]);
    expect(shape({ filters: 2, kernelSize: 2, strides: 3 }, [null, 7, 5, 1])).toEqual([null, 21, 15, 2]);
    expect(
      shape({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', outputPadding: 0 }, [null, 4, null, 1]),
    ).toEqual([null, 7, null, 2]);
    expect(
      shape({ filters: 1, kernelSize: 3, strides: [2, 3], outputPadding: [1, 2] }, [null, 3, 2, 1]),
    ).toEqual([null, 8, 8, 1]);
  });

  it('rejects bad inputs and arguments with the layer name', () => {
    const layer = conv2dTranspose({ filters: 2, kernelSize: 3, name: 't1' });
    const x3 = nr.zeros([2, 5, 5]);
    expect(() => layer.apply(x3)).toThrow(
      "Conv2DTranspose 't1': expected input of rank 4 [batch, height, width, channels], got [null, 5, 5]",
    );
    const x = nr.zeros([1, 2, 2, 3]);
    nr.dispose(layer.apply(x));
    expect(() => layer.computeOutputShape([null, 5, 5, 2])).toThrow(
      "Conv2DTranspose 't1': expected input with 3 channels, got [null, 5, 5, 2]",
    );
    expect(() =>
      conv2dTranspose({ filters: 1, kernelSize: 3, strides: 2, outputPadding: 2, name: 't2' }),
    ).toThrow(
      "Conv2DTranspose 't2': outputPadding must be non-negative integers below the strides [2, 2], got 2",
    );
    expect(() => conv2dTranspose({ filters: 1, kernelSize: 3, dilationRate: 2, name: 't3' })).toThrow(
      "Conv2DTranspose 't3': dilationRate [2, 2] is not supported (only 1)",
    );
    expect(() => conv2dTranspose({ filters: 0, kernelSize: 3, name: 't4' })).toThrow(
      "Conv2DTranspose 't4': filters must be a positive integer, got 0",
    );
    nr.dispose([x3, x]);
    layer.dispose();
  });
});
