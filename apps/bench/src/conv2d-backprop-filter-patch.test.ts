import '../../../test-utils/quiet-tfjs.js';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers tfjs's gradient functions
import { describe, expect, it } from 'vitest';
import { patchCalls, registerWasmPatches } from './conv2d-backprop-filter-patch.js';
import { randomFloats } from './data.js';

type Case = {
  x: [number, number, number, number];
  f: [number, number, number, number];
  stride: number;
  pad: 'valid' | 'same';
};

/** Gradient of sum(conv2d(x, f) * w) with respect to f, on the current tfjs backend. */
async function filterGrad(c: Case): Promise<Float32Array> {
  const x = tf.tensor4d(
    randomFloats(
      c.x.reduce((a, b) => a * b),
      11,
    ),
    c.x,
  );
  const f = tf.tensor4d(
    randomFloats(
      c.f.reduce((a, b) => a * b),
      12,
    ),
    c.f,
  );
  const y = tf.conv2d(x, f, c.stride, c.pad);
  const w = tf.tensor(randomFloats(y.size, 13), y.shape);
  const g = tf.grad((k: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, k as tf.Tensor4D, c.stride, c.pad), w)))(f);
  const out = (await g.data()) as Float32Array;
  tf.dispose([x, f, y, w, g]);
  return out;
}

describe('tfjs-wasm+patch: Conv2DBackpropFilter written for the bench', () => {
  const cases: Case[] = [
    { x: [2, 9, 9, 3], f: [3, 3, 3, 4], stride: 1, pad: 'valid' },
    { x: [3, 8, 7, 2], f: [3, 2, 2, 5], stride: 2, pad: 'same' },
    { x: [1, 200, 3, 1], f: [5, 1, 1, 2], stride: 1, pad: 'same' }, // more positions than one tile
  ];

  it('matches tfjs-cpu (which has the kernel) on valid and same padding, strides 1 and 2', async () => {
    tf.env().set('PROD', true);
    await tf.setBackend('cpu');
    const expected = await Promise.all(cases.map(filterGrad));
    await tf.setBackend('wasm');
    await expect(filterGrad(cases[0]!)).rejects.toThrow(/Kernel 'Conv2DBackpropFilter' not registered/);
    const patch = registerWasmPatches();
    try {
      expect(patch.names).toEqual(['Conv2DBackpropFilter', 'UnsortedSegmentSum']);
      const before = patchCalls.Conv2DBackpropFilter!;
      const tensorsBefore = tf.memory().numTensors;
      for (const [i, c] of cases.entries()) {
        const got = await filterGrad(c);
        expect(got.length).toBe(expected[i]!.length);
        const want = expected[i]!;
        let worst = 0;
        for (let j = 0; j < got.length; j++) {
          worst = Math.max(worst, Math.abs(got[j]! - want[j]!) / (1 + Math.abs(want[j]!)));
        }
        expect(worst).toBeLessThan(1e-5);
      }
      expect(patchCalls.Conv2DBackpropFilter! - before).toBe(cases.length);
      expect(tf.memory().numTensors).toBe(tensorsBefore);
    } finally {
      patch.unregister();
    }
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
  });
});
