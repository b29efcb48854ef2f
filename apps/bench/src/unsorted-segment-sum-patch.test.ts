import '../../../test-utils/quiet-tfjs.js';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers'; // registers tfjs's gradient functions
import { describe, expect, it } from 'vitest';
import { patchCalls, registerWasmPatches } from './conv2d-backprop-filter-patch.js';
import { randomFloats, randomLabels } from './data.js';

/** Gradient of sum(gather(table, ids) * w) with respect to the table (what an Embedding's training needs). */
async function tableGrad(rows: number, cols: number, idShape: number[]): Promise<Float32Array> {
  const table = tf.tensor2d(randomFloats(rows * cols, 21), [rows, cols]);
  const count = idShape.reduce((a, b) => a * b, 1);
  const ids = tf.tensor(randomLabels(count, rows, 22), idShape, 'int32');
  const w = tf.tensor(randomFloats(count * cols, 23), [...idShape, cols]);
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), w)))(table);
  const out = (await g.data()) as Float32Array;
  tf.dispose([table, ids, w, g]);
  return out;
}

describe('tfjs-wasm+patch: UnsortedSegmentSum written for the bench', () => {
  const cases: Array<[number, number, number[]]> = [
    [7, 3, [20]], // repeated ids: rows receive several contributions
    [82, 32, [4, 10]], // a batch of windows, as tfjs-layers' Embedding gathers them
  ];

  it('matches tfjs-cpu on the gradient of gather, with repeated ids and 2-D id tensors', async () => {
    tf.env().set('PROD', true);
    await tf.setBackend('cpu');
    const expected = await Promise.all(cases.map((c) => tableGrad(...c)));
    await tf.setBackend('wasm');
    await expect(tableGrad(...cases[0]!)).rejects.toThrow(/Kernel 'UnsortedSegmentSum' not registered/);
    const patch = registerWasmPatches();
    try {
      expect(patch.names).toContain('UnsortedSegmentSum');
      const before = patchCalls.UnsortedSegmentSum!;
      const tensorsBefore = tf.memory().numTensors;
      for (const [i, c] of cases.entries()) {
        const got = await tableGrad(...c);
        const want = expected[i]!;
        expect(got.length).toBe(want.length);
        let worst = 0;
        for (let j = 0; j < got.length; j++)
          worst = Math.max(worst, Math.abs(got[j]! - want[j]!) / (1 + Math.abs(want[j]!)));
        expect(worst).toBeLessThan(1e-5);
      }
      expect(patchCalls.UnsortedSegmentSum! - before).toBe(cases.length);
      expect(tf.memory().numTensors).toBe(tensorsBefore);
      // Hand-checked case: ids [1, 0, 1] over rows of width 2 sum into rows 1 and 0; row 2 gets nothing.
      const s = tf.unsortedSegmentSum(
        tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]),
        tf.tensor1d([1, 0, 1], 'int32'),
        3,
      );
      expect(Array.from(await s.data())).toEqual([3, 4, 6, 8, 0, 0]);
      s.dispose();
    } finally {
      patch.unregister();
    }
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeUndefined();
  });
});
