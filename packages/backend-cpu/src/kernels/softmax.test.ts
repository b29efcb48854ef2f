import type { Operand } from '@neurona/core';
import { describe, expect, it } from 'vitest';
import { cpu } from '../index.js';

const be = cpu({ fast: false }); // these tests pin down the reference kernels
const up = (data: number[], shape: number[]): Operand => ({
  handle: be.upload(Float32Array.from(data), { shape, dtype: 'float32' }),
  shape,
  dtype: 'float32',
});
const f32 = (shape: number[]) => ({ shape, dtype: 'float32' as const });
const softmax = (x: number[], shape: number[]) =>
  Array.from(be.readSync(be.kernels.softmax(up(x, shape), f32(shape))));
const logSoftmax = (x: number[], shape: number[]) =>
  Array.from(be.readSync(be.kernels.logSoftmax(up(x, shape), f32(shape))));

describe('softmax', () => {
  it('small hand cases', () => {
    // [0, ln 3]: e^0 = 1, e^ln3 = 3 -> [1/4, 3/4]
    const r = softmax([0, Math.log(3)], [2]);
    expect(r[0]).toBeCloseTo(0.25, 7);
    expect(r[1]).toBeCloseTo(0.75, 7);
  });

  it('over the last axis of a matrix', () => {
    // row [1,2,3]: shift by 3 -> e^-2 = 0.135335283, e^-1 = 0.367879441, 1; sum = 1.503214724
    //   -> [0.090030573, 0.244728471, 0.665240956]; row [1,1,1] -> 1/3 each
    const r = softmax([1, 2, 3, 1, 1, 1], [2, 3]);
    const want = [0.09003057317038046, 0.24472847105479767, 0.6652409557748219, 1 / 3, 1 / 3, 1 / 3];
    for (let i = 0; i < want.length; i++) expect(r[i]).toBeCloseTo(want[i]!, 7);
  });

  it('is stable for huge logits', () => {
    expect(softmax([1000, 1000], [2])).toEqual([0.5, 0.5]); // exp(1000) would overflow without the shift
    expect(softmax([-1000, 0], [2])).toEqual([0, 1]);
    expect(softmax([5], [1])).toEqual([1]);
  });

  it('NaN in a row makes that row NaN only', () => {
    const r = softmax([Number.NaN, 1, 0, 0], [2, 2]);
    expect(r.slice(0, 2)).toEqual([Number.NaN, Number.NaN]);
    expect(r.slice(2)).toEqual([0.5, 0.5]);
  });

  it('size-0 inputs and scalars', () => {
    expect(softmax([], [0, 3])).toEqual([]);
    expect(softmax([], [2, 0])).toEqual([]);
    expect(softmax([7], [])).toEqual([1]);
  });
});

describe('logSoftmax', () => {
  it('hand cases', () => {
    // [0, 0] -> -ln 2 each
    expect(logSoftmax([0, 0], [2])).toEqual([Math.fround(-Math.LN2), Math.fround(-Math.LN2)]);
    // [1,2,3] -> x - 3 - ln(1.503214724) = x - 3.407605964
    const r = logSoftmax([1, 2, 3], [3]);
    const want = [-2.40760596444437, -1.40760596444437, -0.40760596444437];
    for (let i = 0; i < 3; i++) expect(r[i]).toBeCloseTo(want[i]!, 6);
  });

  it('is stable where log(softmax) would give -Infinity', () => {
    // [1000, 0]: max 1000, log(1 + e^-1000) = 0 -> [0, -1000]; softmax would underflow to 0 and log to -Inf
    expect(logSoftmax([1000, 0], [2])).toEqual([0, -1000]);
    expect(logSoftmax([-1000, -1000], [1, 2])).toEqual([Math.fround(-Math.LN2), Math.fround(-Math.LN2)]);
  });

  it('size-0 inputs', () => {
    expect(logSoftmax([], [3, 0])).toEqual([]);
    expect(logSoftmax([], [0])).toEqual([]);
  });

  it('does not mutate its input', () => {
    const x = up([1, 2], [2]);
    be.kernels.logSoftmax(x, f32([2]));
    be.kernels.softmax(x, f32([2]));
    expect(Array.from(be.readSync(x.handle))).toEqual([1, 2]);
  });
});
