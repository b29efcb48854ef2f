import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { conv1d } from './conv1d.js';
import { testLayer } from './testing/harness.js';
import { expectModelInterop, expectSameAsTfjs } from './testing/tfjs-compare.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await nr.setBackend(cpu());
});

testLayer('Conv1D valid', () => conv1d({ filters: 3, kernelSize: 3 }), [2, 7, 2], { params: 3 * 2 * 3 + 3 });
testLayer(
  'Conv1D same, strided, relu',
  () => conv1d({ filters: 2, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh' }),
  [2, 9, 3],
  { params: 4 * 3 * 2 + 2 },
);
testLayer(
  'Conv1D causal, dilated, without bias',
  () => conv1d({ filters: 2, kernelSize: 3, padding: 'causal', dilationRate: 2, useBias: false }),
  [1, 8, 2],
  { params: 12 },
);

describe('Conv1D', () => {
  it('computes hand-checked valid and causal convolutions', async () => {
    // Sequence 1..5, kernel [1, 10] (tap 0 weight 1, tap 1 weight 10), bias 0.
    const x = nr.tensor3d([1, 2, 3, 4, 5], [1, 5, 1]);
    const make = (padding: 'valid' | 'causal') => {
      const l = conv1d({ filters: 1, kernelSize: 2, padding, biasInitializer: 'zeros' });
      const y0 = l.apply(x);
      const k = nr.tensor3d([1, 10], [2, 1, 1]);
      const b = nr.zeros([1]);
      l.setWeights([k, b]);
      nr.dispose([y0, k, b]);
      return l;
    };
    const valid = make('valid');
    const y = valid.apply(x);
    // out[t] = x[t] + 10 * x[t + 1]
    expect(Array.from(await y.data())).toEqual([21, 32, 43, 54]);
    const causal = make('causal');
    const yc = causal.apply(x);
    // out[t] = x[t - 1] + 10 * x[t], with x[-1] = 0: step t never sees a later step
    expect(Array.from(await yc.data())).toEqual([10, 21, 32, 43, 54]);
    nr.dispose([x, y, yc]);
    valid.dispose();
    causal.dispose();
  });

  it('matches tfjs-layers 4.22 on the same weights', async () => {
    for (const args of [
      { filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' },
      { filters: 2, kernelSize: 4, strides: 2, padding: 'valid' },
      { filters: 4, kernelSize: 3, padding: 'same', dilationRate: 2, activation: 'sigmoid' },
      { filters: 2, kernelSize: 2, strides: 3, padding: 'same', useBias: false },
    ] as const) {
      await expectSameAsTfjs(
        conv1d(args as nr.layers.Conv1DArgs),
        tfl.layers.conv1d(args as unknown as Parameters<typeof tfl.layers.conv1d>[0]),
        [2, 11, 3],
      );
    }
  });

  it("'causal' equals tfjs-layers' 'valid' on the input zero-padded on the left (tfjs 4.22 lacks causal)", async () => {
    const ours = conv1d({
      filters: 3,
      kernelSize: 3,
      padding: 'causal',
      dilationRate: 2,
      activation: 'relu',
    });
    const theirs = tfl.layers.conv1d({
      filters: 3,
      kernelSize: 3,
      padding: 'valid',
      dilationRate: 2,
      activation: 'relu',
    });
    nr.seed(8);
    const x = nr.randomUniform([2, 9, 2], -1, 1);
    nr.dispose(ours.apply(x));
    const ws = ours.getWeights().map((w) => nr.randomUniform(w.shape, -1, 1));
    ours.setWeights(ws);
    const y = ours.apply(x);
    const tx = tf.pad(tf.tensor3d(await x.data(), [2, 9, 2]), [
      [0, 0],
      [4, 0],
      [0, 0],
    ]);
    theirs.apply(tx);
    theirs.setWeights(await Promise.all(ws.map(async (w) => tf.tensor(await w.data(), [...w.shape]))));
    const ty = theirs.apply(tx) as tf.Tensor;
    expect(y.shape).toEqual(ty.shape);
    const a = await y.data();
    const b = await ty.data();
    for (let i = 0; i < b.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1e-5);
    nr.dispose([x, y, ws]);
    tf.dispose([tx, ty]);
    ours.dispose();
    theirs.dispose();
  });

  it('saves what tfjs-layers loads and loads what it saves (Keras config names)', async () => {
    const args = {
      filters: 3,
      kernelSize: 3,
      padding: 'same',
      dilationRate: 2,
      activation: 'relu',
    } as const;
    await expectModelInterop(
      [conv1d({ ...args, biasInitializer: 'randomNormal', inputShape: [9, 2] })],
      [tfl.layers.conv1d({ ...args, biasInitializer: 'randomNormal', inputShape: [9, 2] })],
      [2, 9, 2],
    );
  });

  it('computes output shapes for valid, same and causal padding and unknown lengths', () => {
    const shape = (args: nr.layers.Conv1DArgs, input: (number | null)[]) =>
      conv1d(args).computeOutputShape(input);
    expect(shape({ filters: 2, kernelSize: 3 }, [null, 10, 4])).toEqual([null, 8, 2]);
    expect(shape({ filters: 2, kernelSize: 3, strides: 3, padding: 'same' }, [null, 10, 4])).toEqual([
      null,
      4,
      2,
    ]);
    expect(shape({ filters: 2, kernelSize: 5, padding: 'causal', dilationRate: 3 }, [null, 10, 4])).toEqual([
      null,
      10,
      2,
    ]);
    expect(shape({ filters: 2, kernelSize: [3] }, [null, null, 4])).toEqual([null, null, 2]);
  });

  it('rejects bad inputs and arguments with the layer name', () => {
    const layer = conv1d({ filters: 2, kernelSize: 3, name: 'c1' });
    const x4 = nr.zeros([1, 2, 5, 5]);
    expect(() => layer.apply(x4)).toThrow(
      "Conv1D 'c1': expected input of rank 3 [batch, steps, channels], got [null, 2, 5, 5]",
    );
    const x = nr.zeros([1, 5, 3]);
    nr.dispose(layer.apply(x));
    expect(() => layer.computeOutputShape([null, 5, 2])).toThrow(
      "Conv1D 'c1': expected input with 3 channels, got [null, 5, 2]",
    );
    const short = nr.zeros([1, 2, 1]);
    expect(() => conv1d({ filters: 1, kernelSize: 3, name: 'c2' }).apply(short)).toThrow(
      "Conv1D 'c2': input [null, 2, 1] is smaller than the 3 kernel (dilation 1) with 'valid' padding",
    );
    expect(() => conv1d({ filters: 1, kernelSize: [3, 3] as unknown as [number], name: 'c3' })).toThrow(
      "Conv1D 'c3': kernelSize must be a positive integer (or a list of one), got [3,3]",
    );
    expect(() => conv1d({ filters: 1, kernelSize: 3, padding: 'full' as 'same', name: 'c4' })).toThrow(
      "Conv1D 'c4': padding must be 'valid', 'same' or 'causal', got 'full'",
    );
    expect(() => conv1d({ filters: 1, kernelSize: 3, strides: 2, dilationRate: 2, name: 'c5' })).toThrow(
      "Conv1D 'c5': strides [2] > 1 cannot be combined with dilationRate [2] > 1",
    );
    nr.dispose([x4, x, short]);
    layer.dispose();
  });
});
