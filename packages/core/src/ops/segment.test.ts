import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';

/** A CPU backend without the fused kernel, so the op falls back to its composite default. */
function cpuWithoutSegmentKernel(): nr.Backend {
  const base = cpu();
  const { unsortedSegmentSum: _dropped, ...kernels } = base.kernels;
  return { ...base, name: 'cpu-no-segment', kernels };
}

const variants: [string, () => nr.Backend][] = [
  ['fused kernel', cpu],
  ['composite default', cpuWithoutSegmentKernel],
];

for (const [label, make] of variants) {
  describe(`unsortedSegmentSum (${label})`, () => {
    beforeAll(async () => {
      await nr.setBackend(make());
    });

    it('uses the expected path', () => {
      expect(typeof nr.getBackend().kernels.unsortedSegmentSum === 'function').toBe(label === 'fused kernel');
    });

    it('sums rows into buckets', async () => {
      const x = nr.tensor([
        [1, 2],
        [3, 4],
        [5, 6],
      ]);
      const y = nr.unsortedSegmentSum(x, [1, 0, 1], 3);
      expect(y.shape).toEqual([3, 2]);
      expect(y.dtype).toBe('float32');
      expect(await y.array()).toEqual([
        [3, 4],
        [6, 8],
        [0, 0],
      ]);
      expect(await nr.unsortedSegmentSum([1, 2, 3, 4], [0, 0, 0, 1], 2).array()).toEqual([6, 4]);
      const r3 = nr.unsortedSegmentSum(nr.ones([2, 2, 3]), [1, 1], 2);
      expect(await r3.array()).toEqual([
        [
          [0, 0, 0],
          [0, 0, 0],
        ],
        [
          [2, 2, 2],
          [2, 2, 2],
        ],
      ]);
    });

    it('drops rows whose id is out of range', async () => {
      expect(await nr.unsortedSegmentSum([1, 2, 3, 4], [-1, 0, 2, 1], 2).array()).toEqual([2, 4]);
    });

    it('handles int32 and empty inputs', async () => {
      const y = nr.unsortedSegmentSum(nr.tensor([5, 7, 9], undefined, 'int32'), [1, 1, 0], 2);
      expect(y.dtype).toBe('int32');
      expect(Array.from(await y.data())).toEqual([9, 12]);
      expect(
        await nr.unsortedSegmentSum(nr.zeros([0, 2]), nr.tensor([], undefined, 'int32'), 2).array(),
      ).toEqual([
        [0, 0],
        [0, 0],
      ]);
      expect(nr.unsortedSegmentSum(nr.ones([2]), [0, 1], 0).shape).toEqual([0]);
    });

    it('validates its arguments', () => {
      const x = nr.zeros([3, 2]);
      expect(() => nr.unsortedSegmentSum(x, [0, 1], 2)).toThrow(
        /unsortedSegmentSum: segmentIds must have shape \[3\] \(one id per row of x \[3, 2\]\), got \[2\]/,
      );
      expect(() => nr.unsortedSegmentSum(x, nr.tensor([0, 1, 2]), 2)).toThrow(
        /unsortedSegmentSum: argument 'segmentIds' must be int32, got float32/,
      );
      expect(() => nr.unsortedSegmentSum(x, [0, 1, 2], -1)).toThrow(
        /numSegments must be a non-negative integer, got -1/,
      );
      expect(() => nr.unsortedSegmentSum(nr.scalar(1), [0], 1)).toThrow(/x must have rank >= 1/);
      expect(() => nr.unsortedSegmentSum(nr.tensor([true]), [0], 1)).toThrow(
        /argument 'x' must be float32 or int32/,
      );
    });

    it('has the gather gradient (zero for dropped rows)', async () => {
      const ids = nr.tensor([2, 0, 2, 5, -1], undefined, 'int32');
      const r = await nr.gradCheck((x) => nr.unsortedSegmentSum(x, ids, 3), [nr.randomNormal([5, 3])]);
      expect(r.passed, `maxRelError ${r.maxRelError}`).toBe(true);
      const dy = nr.tensor([10, 20, 30]);
      const g = nr.grad((x) => nr.unsortedSegmentSum(x, ids, 3))(nr.zeros([5]), dy);
      expect(Array.from(await g.data())).toEqual([30, 10, 30, 0, 0]);
    });

    it('backs the gradient of gather', async () => {
      const idx = nr.tensor([[1, 1, 0]], undefined, 'int32');
      const r = await nr.gradCheck((x) => nr.gather(x, idx, 1), [nr.randomNormal([2, 3, 2])]);
      expect(r.passed, `maxRelError ${r.maxRelError}`).toBe(true);
    });

    it('frees its intermediates', () => {
      const x = nr.randomNormal([4, 3]);
      const before = nr.memory().numTensors;
      nr.tidy(() => {
        nr.valueAndGrad((a) => nr.sum(nr.square(nr.unsortedSegmentSum(a, [0, 2, 2, 7], 3))))(x);
      });
      expect(nr.memory().numTensors).toBe(before);
      x.dispose();
    });
  });
}
