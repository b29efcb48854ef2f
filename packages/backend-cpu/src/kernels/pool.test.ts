import type { Operand, Pool2DInfo } from '@neurona/core';
import { describe, expect, it } from 'vitest';
import { cpu } from '../index.js';

const be = cpu({ fast: false }); // these tests pin down the reference kernels
const up = (data: ArrayLike<number>, shape: number[]): Operand => ({
  handle: be.upload(Float32Array.from(data), { shape, dtype: 'float32' }),
  shape,
  dtype: 'float32',
});
const NaN_ = Number.NaN;

/** Pool2DInfo from explicit geometry; pads = [top, left, bottom, right]. */
function geom(
  [batch, inHeight, inWidth, channels]: number[],
  [filterHeight, filterWidth]: number[],
  [strideHeight, strideWidth]: number[],
  [padTop, padLeft, padBottom, padRight]: number[],
): Pool2DInfo {
  return {
    batch: batch!,
    inHeight: inHeight!,
    inWidth: inWidth!,
    channels: channels!,
    filterHeight: filterHeight!,
    filterWidth: filterWidth!,
    strideHeight: strideHeight!,
    strideWidth: strideWidth!,
    padTop: padTop!,
    padLeft: padLeft!,
    padBottom: padBottom!,
    padRight: padRight!,
    outHeight: Math.floor((inHeight! + padTop! + padBottom! - filterHeight!) / strideHeight!) + 1,
    outWidth: Math.floor((inWidth! + padLeft! + padRight! - filterWidth!) / strideWidth!) + 1,
  };
}
const xShape = (g: Pool2DInfo) => [g.batch, g.inHeight, g.inWidth, g.channels];
const yShape = (g: Pool2DInfo) => [g.batch, g.outHeight, g.outWidth, g.channels];
const f32 = (shape: number[]) => ({ shape, dtype: 'float32' as const });

const maxPool = (x: number[], g: Pool2DInfo) =>
  Array.from(be.readSync(be.kernels.maxPool(up(x, xShape(g)), g, f32(yShape(g)))));
const avgPool = (x: number[], g: Pool2DInfo) =>
  Array.from(be.readSync(be.kernels.avgPool(up(x, xShape(g)), g, f32(yShape(g)))));
const maxGrad = (dy: number[], x: number[], g: Pool2DInfo) =>
  Array.from(be.readSync(be.kernels.maxPoolGrad(up(dy, yShape(g)), up(x, xShape(g)), g, f32(xShape(g)))));
const avgGrad = (dy: number[], g: Pool2DInfo) =>
  Array.from(be.readSync(be.kernels.avgPoolGrad(up(dy, yShape(g)), g, f32(xShape(g)))));

// 2x2 windows, stride 1, TF 'same' on 3x3: one row/column of padding at the bottom/right only
const SAME3 = geom([1, 3, 3, 1], [2, 2], [1, 1], [0, 0, 1, 1]);

describe('maxPool', () => {
  it('valid 2x2 stride 2', () => {
    // x = [[1,3,2,4],[5,7,6,8],[9,2,1,0],[3,4,6,5]]: max of each quadrant = 7, 8, 9, 6
    const g = geom([1, 4, 4, 1], [2, 2], [2, 2], [0, 0, 0, 0]);
    expect(maxPool([1, 3, 2, 4, 5, 7, 6, 8, 9, 2, 1, 0, 3, 4, 6, 5], g)).toEqual([7, 8, 9, 6]);
  });

  it("'same' asymmetric padding never wins, even over negative values", () => {
    // x = -(1..9); each window's max is its top-left element, so y = x (a 0 pad would give 0s at the edges)
    const x = [-1, -2, -3, -4, -5, -6, -7, -8, -9];
    expect(maxPool(x, SAME3)).toEqual(x);
  });

  it('channels are pooled independently', () => {
    // 1x2x2x2, one 2x2 window: channel 0 = [1, 4, 2, 3] -> 4, channel 1 = [8, 5, 7, 6] -> 8
    const g = geom([1, 2, 2, 2], [2, 2], [1, 1], [0, 0, 0, 0]);
    expect(maxPool([1, 8, 4, 5, 2, 7, 3, 6], g)).toEqual([4, 8]);
  });

  it('NaN propagates; size 0 is fine', () => {
    const g = geom([1, 1, 4, 1], [1, 2], [1, 2], [0, 0, 0, 0]);
    expect(maxPool([1, NaN_, 3, 2], g)).toEqual([NaN_, 3]);
    expect(maxPool([], geom([0, 2, 2, 1], [2, 2], [1, 1], [0, 0, 0, 0]))).toEqual([]);
    expect(maxPool([], geom([1, 2, 2, 0], [2, 2], [1, 1], [0, 0, 0, 0]))).toEqual([]);
  });
});

describe('maxPoolGrad', () => {
  it('routes dy to the first maximum (row-major) of each window', () => {
    // x = [[5,5,2,9],[5,1,9,3]], 2x2 stride 2: window 1 = [5,5 / 5,1] -> first 5 at (0,0);
    // window 2 = [2,9 / 9,3] -> first 9 at (0,3). dy = [10, 20].
    const g = geom([1, 2, 4, 1], [2, 2], [2, 2], [0, 0, 0, 0]);
    expect(maxGrad([10, 20], [5, 5, 2, 9, 5, 1, 9, 3], g)).toEqual([10, 0, 0, 20, 0, 0, 0, 0]);
  });

  it('overlapping windows accumulate', () => {
    // x = [1, 3, 2], 1x2 windows stride 1: both windows pick x[1] -> dx = [0, 10 + 20, 0]
    const g = geom([1, 1, 3, 1], [1, 2], [1, 1], [0, 0, 0, 0]);
    expect(maxGrad([10, 20], [1, 3, 2], g)).toEqual([0, 30, 0]);
  });

  it("'same' padding: each window's top-left wins, so dx = dy", () => {
    const x = [-1, -2, -3, -4, -5, -6, -7, -8, -9];
    const dy = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    expect(maxGrad(dy, x, SAME3)).toEqual(dy);
  });

  it('a NaN window routes to its first NaN; an all -Infinity window to its first element', () => {
    const g = geom([1, 1, 6, 1], [1, 3], [1, 3], [0, 0, 0, 0]);
    const inf = Number.NEGATIVE_INFINITY;
    expect(maxGrad([1, 2], [0, NaN_, NaN_, inf, inf, inf], g)).toEqual([0, 1, 0, 2, 0, 0]);
  });

  it('matches central finite differences on distinct values', () => {
    // f(x) = sum(maxPool(x) * dy) is locally linear when the values are distinct.
    const g = geom([1, 5, 5, 2], [3, 3], [2, 2], [1, 1, 1, 1]);
    const n = 5 * 5 * 2;
    const x = Array.from({ length: n }, (_, i) => ((i * 37) % n) / 7 - 3); // a permutation: distinct values
    const dy = Array.from({ length: g.outHeight * g.outWidth * 2 }, (_, i) => (i % 5) - 1.5);
    const f = (v: number[]) => maxPool(v, g).reduce((s, y, i) => s + y * dy[i]!, 0);
    const grad = maxGrad(dy, x, g);
    const h = 1e-3;
    for (let i = 0; i < n; i++) {
      const xp = x.slice();
      const xm = x.slice();
      xp[i] = xp[i]! + h;
      xm[i] = xm[i]! - h;
      expect(grad[i]).toBeCloseTo((f(xp) - f(xm)) / (2 * h), 2);
    }
  });
});

describe('avgPool', () => {
  it('divides by the number of in-bounds elements', () => {
    // x = [[1,2,3],[4,5,6],[7,8,9]], 2x2 windows, bottom/right padding:
    // (1+2+4+5)/4 = 3, (2+3+5+6)/4 = 4, (3+6)/2 = 4.5, 6, 7, (6+9)/2 = 7.5, (7+8)/2 = 7.5, 8.5, 9/1 = 9
    expect(avgPool([1, 2, 3, 4, 5, 6, 7, 8, 9], SAME3)).toEqual([3, 4, 4.5, 6, 7, 7.5, 7.5, 8.5, 9]);
  });

  it('valid 2x2 stride 2 with two channels', () => {
    // channel 0 = 1..4 -> 2.5, channel 1 = 10, 20, 30, 40 -> 25
    const g = geom([1, 2, 2, 2], [2, 2], [2, 2], [0, 0, 0, 0]);
    expect(avgPool([1, 10, 2, 20, 3, 30, 4, 40], g)).toEqual([2.5, 25]);
  });

  it('size 0', () => {
    expect(avgPool([], geom([0, 2, 2, 3], [2, 2], [1, 1], [0, 0, 0, 0]))).toEqual([]);
  });
});

describe('avgPoolGrad', () => {
  it('spreads dy / count over the in-bounds elements', () => {
    // window counts on SAME3: [[4,4,2],[4,4,2],[2,2,1]]; with dy = 1 each pixel sums 1/count of the windows covering it:
    // dx00 = 1/4; dx01 = 1/4+1/4; dx02 = 1/4+1/2; dx11 = 4 * 1/4; dx12 = 1/4+1/2+1/4+1/2; dx22 = 1/4+1/2+1/2+1
    expect(avgGrad(Array(9).fill(1), SAME3)).toEqual([0.25, 0.5, 0.75, 0.5, 1, 1.5, 0.75, 1.5, 2.25]);
  });

  it('is the adjoint of avgPool', () => {
    // <avgPool(x), dy> = <x, avgPoolGrad(dy)> since avgPool is linear
    const g = geom([2, 5, 4, 3], [3, 2], [2, 1], [1, 0, 1, 1]);
    const nx = 2 * 5 * 4 * 3;
    const ny = g.batch * g.outHeight * g.outWidth * 3;
    const x = Array.from({ length: nx }, (_, i) => Math.sin(i));
    const dy = Array.from({ length: ny }, (_, i) => Math.cos(3 * i));
    const lhs = avgPool(x, g).reduce((s, v, i) => s + v * dy[i]!, 0);
    const rhs = avgGrad(dy, g).reduce((s, v, i) => s + v * x[i]!, 0);
    expect(lhs).toBeCloseTo(rhs, 4);
  });

  it('does not mutate its inputs', () => {
    const dy = up([1, 2, 3, 4], [1, 2, 2, 1]);
    const g = geom([1, 2, 2, 1], [1, 1], [1, 1], [0, 0, 0, 0]);
    be.kernels.avgPoolGrad(dy, g, f32([1, 2, 2, 1]));
    be.kernels.maxPoolGrad(dy, dy, g, f32([1, 2, 2, 1]));
    expect(Array.from(be.readSync(dy.handle))).toEqual([1, 2, 3, 4]);
  });
});
