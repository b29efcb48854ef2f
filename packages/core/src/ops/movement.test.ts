import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

const f32 = (values: nr.TensorLike): nr.Tensor => nr.tensor(values);
const i32 = (values: nr.TensorLike): nr.Tensor => nr.tensor(values, undefined, 'int32');

async function expectGrad(f: (...xs: nr.Tensor[]) => nr.Tensor, xs: nr.Tensor[]): Promise<void> {
  const r = await nr.gradCheck(f, xs);
  expect(
    r.maxRelError.every((e) => e < 1e-3),
    `maxRelError ${r.maxRelError}`,
  ).toBe(true);
  expect(r.passed).toBe(true);
}

describe('slice', () => {
  it('extracts blocks with tfjs begin/size semantics', async () => {
    const x = f32([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(await nr.slice(x, [0, 1], [2, 2]).array()).toEqual([
      [2, 3],
      [5, 6],
    ]);
    expect(await nr.slice(x, 1).array()).toEqual([[4, 5, 6]]);
    expect(await nr.slice(x, [0, 2], [-1, -1]).array()).toEqual([[3], [6]]);
    expect(await nr.slice(x, [1], [1]).array()).toEqual([[4, 5, 6]]);
    expect(await nr.slice([1, 2, 3, 4], 1, 2).array()).toEqual([2, 3]);
    expect(nr.slice(x, [0, 3]).shape).toEqual([2, 0]);
    expect(await nr.slice(x, [0, 0]).array()).toEqual(await x.array());
  });

  it('keeps int32 and bool dtypes', async () => {
    const s = nr.slice(i32([5, 6, 7]), [1], [2]);
    expect(s.dtype).toBe('int32');
    expect(Array.from(await s.data())).toEqual([6, 7]);
    const b = nr.slice(nr.tensor([true, false, true]), [1]);
    expect(b.dtype).toBe('bool');
    expect(Array.from(await b.data())).toEqual([0, 1]);
  });

  it('rejects out-of-range begin and size', () => {
    const x = nr.zeros([2, 3]);
    expect(() => nr.slice(x, [0, 4])).toThrow(/slice: begin\[1\] = 4 is out of range \[0, 3\].*\[2, 3\]/);
    expect(() => nr.slice(x, [-1, 0])).toThrow(/slice: begin\[0\] = -1/);
    expect(() => nr.slice(x, [1, 1], [2, 1])).toThrow(
      /slice: begin \[1, 1\] \+ size \[2, 1\] exceeds.*\[2, 3\] at axis 0/,
    );
    expect(() => nr.slice(x, [0, 0, 0])).toThrow(/slice: .*at most 2 entries/);
  });

  it('has the pad-back gradient', async () => {
    const x = nr.randomNormal([3, 4]);
    await expectGrad((a) => nr.slice(a, [1, 1], [2, -1]), [x]);
    const g = nr.grad((a) => nr.sum(nr.slice(a, [1], [1])))(f32([1, 2, 3]));
    expect(Array.from(await g.data())).toEqual([0, 1, 0]);
  });
});

describe('pad', () => {
  it('pads with zeros or a constant', async () => {
    expect(
      await nr
        .pad(f32([[1, 2]]), [
          [1, 0],
          [0, 1],
        ])
        .array(),
    ).toEqual([
      [0, 0, 0],
      [1, 2, 0],
    ]);
    expect(await nr.pad(f32([1, 2]), [[1, 1]], -1).array()).toEqual([-1, 1, 2, -1]);
    const b = nr.pad(nr.tensor([true]), [[1, 1]], 1);
    expect(b.dtype).toBe('bool');
    expect(Array.from(await b.data())).toEqual([1, 1, 1]);
    expect(await nr.pad(i32([3]), [[0, 2]]).array()).toEqual([3, 0, 0]);
  });

  it('rejects bad paddings', () => {
    const x = nr.zeros([2, 3]);
    expect(() => nr.pad(x, [[1, 1]])).toThrow(
      /pad: expected 2 \[before, after\] pairs for x of shape \[2, 3\], got 1/,
    );
    expect(() =>
      nr.pad(x, [
        [1, 1],
        [-1, 0],
      ]),
    ).toThrow(/pad: paddings\[1\] must be a pair of non-negative integers/);
    expect(() => nr.pad(i32([1]), [[1, 1]], 0.5)).toThrow(
      /pad: constantValue 0.5 cannot be stored in an int32/,
    );
  });

  it('has the slice gradient', async () => {
    await expectGrad(
      (a) =>
        nr.pad(
          a,
          [
            [1, 2],
            [0, 3],
          ],
          4,
        ),
      [nr.randomNormal([2, 3])],
    );
  });
});

describe('concat and stack', () => {
  it('joins along any axis', async () => {
    const a = f32([
      [1, 2],
      [3, 4],
    ]);
    const b = f32([[5, 6]]);
    expect(await nr.concat([a, b]).array()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(await nr.concat([a, f32([[7], [8]])], 1).array()).toEqual([
      [1, 2, 7],
      [3, 4, 8],
    ]);
    expect(await nr.concat([a, f32([[7], [8]])], -1).array()).toEqual([
      [1, 2, 7],
      [3, 4, 8],
    ]);
    expect(await nr.concat([[1], [2, 3], nr.zeros([0])]).array()).toEqual([1, 2, 3]);
    expect(await nr.concat([a]).array()).toEqual(await a.array());
    const ints = nr.concat([i32([1]), i32([2])]);
    expect(ints.dtype).toBe('int32');
  });

  it('reports shape, dtype and axis errors', () => {
    const a = nr.zeros([2, 3]);
    const b = nr.zeros([3, 3]);
    expect(() => nr.concat([a, b], 1)).toThrow(/concat.*\[2, 3\].*\[3, 3\].*axis 1: dimension 0 differs/);
    expect(() => nr.concat([a, nr.zeros([2])])).toThrow(/concat.*\[2, 3\].*\[2\].*ranks differ/);
    expect(() => nr.concat([a, nr.zeros([2, 3], 'int32')])).toThrow(
      /concat: tensors\[1\] has dtype int32.*float32/,
    );
    expect(() => nr.concat([a, b], 2)).toThrow(/concat: axis 2 is out of range for a tensor of rank 2/);
    expect(() => nr.concat([])).toThrow(/concat: expected a non-empty list/);
    expect(() => nr.concat([nr.scalar(1), nr.scalar(2)])).toThrow(/concat: cannot concatenate scalars/);
  });

  it('stacks along a new axis', async () => {
    expect(await nr.stack([f32([1, 2]), f32([3, 4])]).array()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(await nr.stack([f32([1, 2]), f32([3, 4])], 1).array()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(nr.stack([nr.zeros([2, 3]), nr.zeros([2, 3])], -1).shape).toEqual([2, 3, 2]);
    expect(await nr.stack([nr.scalar(1), nr.scalar(2)]).array()).toEqual([1, 2]);
    expect(() => nr.stack([nr.zeros([2]), nr.zeros([3])])).toThrow(
      /stack: tensors\[1\] is \[3\].*tensors\[0\] is \[2\]/,
    );
    expect(() => nr.stack([nr.zeros([2])], 2)).toThrow(/stack: axis 2 is out of range/);
  });

  it('routes gradients to each input', async () => {
    await expectGrad((a, b) => nr.concat([a, b], 1), [nr.randomNormal([2, 3]), nr.randomNormal([2, 1])]);
    await expectGrad((a, b) => nr.stack([a, b], 1), [nr.randomNormal([2, 3]), nr.randomNormal([2, 3])]);
    const [ga, gb] = nr.grads((a, b) => nr.sum(nr.mul(nr.concat([a, b]), f32([1, 2, 3]))))([
      f32([0]),
      f32([0, 0]),
    ]);
    expect(Array.from(await ga!.data())).toEqual([1]);
    expect(Array.from(await gb!.data())).toEqual([2, 3]);
  });
});

describe('split', () => {
  it('splits evenly or by sizes', async () => {
    const parts = nr.split(f32([1, 2, 3, 4]), 2);
    expect(await Promise.all(parts.map((p) => p.array()))).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const [c, d] = nr.split(f32([[1, 2, 3]]), [1, -1], 1);
    expect(await c!.array()).toEqual([[1]]);
    expect(await d!.array()).toEqual([[2, 3]]);
    expect(nr.split(nr.zeros([2, 6]), [1, 2, 3], -1).map((p) => p.shape)).toEqual([
      [2, 1],
      [2, 2],
      [2, 3],
    ]);
  });

  it('rejects sizes that do not fit', () => {
    const x = nr.zeros([2, 5]);
    expect(() => nr.split(x, 2, 1)).toThrow(
      /split: axis 1 of \[2, 5\] \(size 5\) cannot be split into 2 equal parts/,
    );
    expect(() => nr.split(x, [2, 2], 1)).toThrow(/split: sizes \[2, 2\] do not add up to 5/);
    expect(() => nr.split(x, [-1, -1], 1)).toThrow(/split: sizes/);
    expect(() => nr.split(nr.scalar(1), 1)).toThrow(/split: cannot split a scalar/);
  });

  it('is differentiable', async () => {
    await expectGrad(
      (a) => {
        const [p, q, r] = nr.split(a, [1, 2, 1], 1);
        return nr.concat([nr.mul(r!, 3), p!, nr.square(q!)], 1);
      },
      [nr.randomNormal([2, 4])],
    );
  });
});

describe('gather', () => {
  it('takes slices at indices of any shape', async () => {
    expect(await nr.gather(f32([10, 20, 30]), [2, 0]).array()).toEqual([30, 10]);
    const m = f32([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(await nr.gather(m, [[2], [0]]).array()).toEqual([[[5, 6]], [[1, 2]]]);
    expect(await nr.gather(m, [1, 1, 0], 1).array()).toEqual([
      [2, 2, 1],
      [4, 4, 3],
      [6, 6, 5],
    ]);
    expect(await nr.gather(m, nr.scalar(1, 'int32'), -1).array()).toEqual([2, 4, 6]);
    const g = nr.gather(i32([7, 8]), [1]);
    expect(g.dtype).toBe('int32');
    expect(nr.gather(m, i32([]), 0).shape).toEqual([0, 2]);
  });

  it('checks indices', () => {
    const m = nr.zeros([3, 2]);
    expect(() => nr.gather(m, [0, 3])).toThrow(
      /gather: index 3 \(flat position 1 of indices \[2\]\) is out of range \[0, 3\) for axis 0 of x \[3, 2\]/,
    );
    expect(() => nr.gather(m, [-1], 1)).toThrow(/gather: index -1 .* out of range \[0, 2\) for axis 1/);
    expect(() => nr.gather(m, f32([0]))).toThrow(/gather: argument 'indices' must be int32, got float32/);
    expect(() => nr.gather(nr.scalar(1), [0])).toThrow(/gather: x must have rank >= 1/);
    expect(() => nr.gather(m, [0], 2)).toThrow(/gather: axis 2 is out of range/);
  });

  it('sums gradients of repeated indices', async () => {
    const idx = i32([
      [0, 2],
      [2, 2],
    ]);
    const x = nr.randomNormal([3, 4]);
    await expectGrad((a) => nr.gather(a, idx, 0), [x]);
    await expectGrad((a) => nr.gather(a, idx, 1), [nr.randomNormal([2, 3, 2])]);
    await expectGrad((a) => nr.gather(a, nr.scalar(1, 'int32'), 1), [nr.randomNormal([2, 3])]);
    const g = nr.grad((a) => nr.sum(nr.gather(a, [0, 2, 2, 2])))(f32([1, 1, 1]));
    expect(Array.from(await g.data())).toEqual([1, 0, 3]);
  });
});

describe('tile', () => {
  it('repeats along each axis', async () => {
    expect(await nr.tile([1, 2], [2]).array()).toEqual([1, 2, 1, 2]);
    expect(await nr.tile([[1], [2]], [1, 2]).array()).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(await nr.tile([[1, 2]], [2, 2]).array()).toEqual([
      [1, 2, 1, 2],
      [1, 2, 1, 2],
    ]);
    expect(nr.tile([1, 2], [0]).shape).toEqual([0]);
    expect(nr.tile(nr.tensor([true]), [3]).dtype).toBe('bool');
    expect(() => nr.tile([1, 2], [2, 2])).toThrow(
      /tile: reps \[2, 2\] must hold one non-negative integer per axis of x \[2\]/,
    );
    expect(() => nr.tile([1, 2], [-1])).toThrow(/tile: reps \[-1\]/);
  });

  it('sums the gradient of every copy', async () => {
    await expectGrad((a) => nr.tile(a, [2, 3]), [nr.randomNormal([2, 2])]);
    const g = nr.grad((a) => nr.sum(nr.tile(a, [3])))(f32([1, 2]));
    expect(Array.from(await g.data())).toEqual([3, 3]);
  });
});

describe('oneHot', () => {
  it('encodes indices as float32 rows', async () => {
    const y = nr.oneHot([0, 2], 3);
    expect(y.dtype).toBe('float32');
    expect(await y.array()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
    ]);
    expect(await nr.oneHot(i32([[1], [5]]), 2, 5, -1).array()).toEqual([[[-1, 5]], [[-1, -1]]]);
    expect(nr.oneHot(nr.scalar(1, 'int32'), 4).shape).toEqual([4]);
    expect(() => nr.oneHot(f32([1]), 3)).toThrow(/oneHot: argument 'indices' must be int32, got float32/);
    expect(() => nr.oneHot([1], -2)).toThrow(/oneHot: depth must be a non-negative integer, got -2/);
  });
});

describe('memory', () => {
  it('frees every intermediate, forward and backward', () => {
    const x = nr.randomNormal([3, 4]);
    const before = nr.memory().numTensors;
    nr.tidy(() => {
      const f = (a: nr.Tensor): nr.Tensor => {
        const [p, q] = nr.split(a, 2, 1);
        const t = nr.tile(nr.gather(a, [2, 0, 2]), [1, 2]);
        const padded = nr.pad(nr.concat([q!, p!], 1), [
          [0, 0],
          [1, 1],
        ]);
        const s = nr.stack([nr.slice(t, [0, 1], [2, 4]), nr.slice(padded, [1, 0], [2, 4])]);
        return nr.sum(nr.mul(s, nr.oneHot([0, 3], 4)));
      };
      nr.valueAndGrad(f)(x);
      nr.unsortedSegmentSum(x, [1, 0, 1], 2);
    });
    expect(nr.memory().numTensors).toBe(before);
    x.dispose();
  });
});
