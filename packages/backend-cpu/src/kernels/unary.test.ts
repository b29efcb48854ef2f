import type { DType, Handle, Operand, UnaryOp } from '@neurona/core';
import { describe, expect, it } from 'vitest';
import { cpu } from '../index.js';

const be = cpu({ fast: false }); // these tests pin down the reference kernels
function up(data: number[], shape: number[], dtype: DType = 'float32'): Operand {
  const arr =
    dtype === 'float32'
      ? new Float32Array(data)
      : dtype === 'int32'
        ? new Int32Array(data)
        : new Uint8Array(data);
  return { handle: be.upload(arr, { shape, dtype }), shape, dtype };
}
function run(op: UnaryOp, x: Operand, dtype: DType = 'float32'): ReturnType<typeof be.readSync> {
  const h: Handle = be.kernels.unary(op, x, { shape: x.shape, dtype });
  const r = be.readSync(h);
  be.dispose(h);
  return r;
}
const f = (op: UnaryOp, v: number[]): number[] => Array.from(run(op, up(v, [v.length])));

describe('unary kernel', () => {
  it('neg, abs, sign, square on float32', () => {
    expect(f('neg', [1, -2.5])).toEqual([-1, 2.5]);
    expect(f('abs', [-3, 2])).toEqual([3, 2]);
    // sign: negative -> -1, 0 -> 0, positive -> 1, NaN stays NaN
    expect(f('sign', [-2.5, 0, 3, Number.NaN])).toEqual([-1, 0, 1, Number.NaN]);
    expect(f('square', [-3, 0.5])).toEqual([9, 0.25]);
  });

  it('neg, abs, sign, square keep int32', () => {
    const x = up([-3, 5, 0], [3], 'int32');
    for (const [op, want] of [
      ['neg', [3, -5, 0]],
      ['abs', [3, 5, 0]],
      ['sign', [-1, 1, 0]],
      ['square', [9, 25, 0]], // (-3)^2 = 9, 5^2 = 25
    ] as const) {
      const r = run(op, x, 'int32');
      expect(r).toBeInstanceOf(Int32Array);
      expect(Array.from(r)).toEqual(want);
    }
  });

  it('exp, expm1, log, log1p', () => {
    const e = f('exp', [0, 1]);
    expect(e[0]).toBe(1);
    expect(e[1]).toBe(Math.fround(Math.E));
    // expm1(1e-7) = 1e-7 + 1e-14/2 + ... ; exp(x) - 1 in float32 would give 1.19e-7
    expect(f('expm1', [1e-7])[0]).toBe(Math.fround(1.00000005e-7));
    expect(f('log', [1, 0, -1])).toEqual([0, Number.NEGATIVE_INFINITY, Number.NaN]);
    expect(f('log', [Math.E])[0]).toBeCloseTo(1, 6); // the input is e rounded to float32
    // log1p(1e-7) = 1e-7 - 1e-14/2 + ...
    expect(f('log1p', [1e-7])[0]).toBe(Math.fround(9.9999995e-8));
  });

  it('sqrt, rsqrt, reciprocal', () => {
    expect(f('sqrt', [4, 9, 0])).toEqual([2, 3, 0]);
    expect(f('rsqrt', [4, 0.25])).toEqual([0.5, 2]); // 1/sqrt(4) = 0.5, 1/sqrt(0.25) = 2
    expect(f('reciprocal', [2, -4])).toEqual([0.5, -0.25]);
    expect(f('rsqrt', [0])).toEqual([Number.POSITIVE_INFINITY]);
  });

  it('sigmoid is exact at 0 and stable for large |x|', () => {
    const s = f('sigmoid', [0, 2, -2, 100, -100, 1000, -1000, Number.NaN]);
    expect(s[0]).toBe(0.5);
    expect(s[1]).toBe(Math.fround(1 / (1 + Math.exp(-2)))); // 0.8807970779778823
    expect(s[2]).toBe(Math.fround(Math.exp(-2) / (1 + Math.exp(-2)))); // 0.11920292202211755
    expect(s[3]).toBe(1);
    expect(s[4]).toBe(Math.fround(Math.exp(-100))); // 3.72e-44, a float32 subnormal, not 0/0
    expect(s[5]).toBe(1);
    expect(s[6]).toBe(0);
    expect(s[7]).toBeNaN();
  });

  it('tanh and relu', () => {
    expect(f('tanh', [0, 1, -30])).toEqual([0, Math.fround(0.7615941559557649), -1]);
    expect(f('relu', [-1, 0, 2, Number.NaN])).toEqual([0, 0, 2, Number.NaN]);
  });

  it('step: 1 where x >= 0, else 0, NaN stays NaN', () => {
    expect(f('step', [-0.5, 0, 2, Number.NaN, Number.NEGATIVE_INFINITY])).toEqual([0, 1, 1, Number.NaN, 0]);
  });

  it('erf is correctly rounded to float32 at reference points', () => {
    // Reference values of erf (15+ digits); an A&S 7.1.26 approximation (error 1.5e-7) fails this.
    const ref: [number, number][] = [
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [1.5, 0.9661051464753108],
      [2, 0.9953222650189527],
      [3, 0.9999779095030014],
      [-1, -0.8427007929497149],
    ];
    const got = f(
      'erf',
      ref.map(([x]) => x),
    );
    expect(got).toEqual(ref.map(([, want]) => Math.fround(want)));
    expect(f('erf', [0, 10, -10, Number.NaN])).toEqual([0, 1, -1, Number.NaN]);
  });

  it('floor, ceil, round (half to even)', () => {
    expect(f('floor', [1.7, -1.2])).toEqual([1, -2]);
    expect(f('ceil', [1.2, -1.7])).toEqual([2, -1]);
    // halves go to the even neighbour: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -2.5 -> -2, -3.5 -> -4
    expect(f('round', [0.5, 1.5, 2.5, -2.5, -3.5, 2.4, 2.6, -1.6])).toEqual([0, 2, 2, -2, -4, 2, 3, -2]);
  });

  it('transcendental ops on int32 give float32', () => {
    const r = run('exp', up([0, 1], [2], 'int32'));
    expect(r).toBeInstanceOf(Float32Array);
    expect(Array.from(r)).toEqual([1, Math.fround(Math.E)]);
    expect(Array.from(run('sqrt', up([4], [1], 'int32')))).toEqual([2]);
  });

  it('logicalNot maps bool to bool', () => {
    const r = run('logicalNot', up([1, 0, 1], [3], 'bool'), 'bool');
    expect(r).toBeInstanceOf(Uint8Array);
    expect(Array.from(r)).toEqual([0, 1, 0]);
  });

  it('handles size-0 tensors and scalars', () => {
    expect(run('exp', up([], [0, 3])).length).toBe(0);
    expect(Array.from(run('neg', up([3], [])))).toEqual([-3]);
  });

  it('does not mutate its input', () => {
    const x = up([-1, 2], [2]);
    run('neg', x);
    run('relu', x);
    expect(Array.from(be.readSync(x.handle))).toEqual([-1, 2]);
  });
});
