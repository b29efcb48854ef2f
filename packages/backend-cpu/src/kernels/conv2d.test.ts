import type { Conv2DInfo, Operand } from '@neurona/core';
import { describe, expect, it } from 'vitest';
import { cpu } from '../index.js';
import { conv2d, conv2dGradFilter, conv2dGradInput } from './conv2d.js';

const be = cpu({ fast: false }); // these tests pin down the reference kernels
const up = (data: ArrayLike<number>, shape: number[]): Operand => ({
  handle: be.upload(Float32Array.from(data), { shape, dtype: 'float32' }),
  shape,
  dtype: 'float32',
});
const iota = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => i + from);

/** Conv2DInfo from explicit geometry; pads = [top, left, bottom, right]. */
function geom(
  [batch, inHeight, inWidth, inChannels]: number[],
  [filterHeight, filterWidth, , outChannels]: number[],
  [strideHeight, strideWidth]: number[],
  [dilationHeight, dilationWidth]: number[],
  [padTop, padLeft, padBottom, padRight]: number[],
): Conv2DInfo {
  const effH = (filterHeight! - 1) * dilationHeight! + 1;
  const effW = (filterWidth! - 1) * dilationWidth! + 1;
  return {
    batch: batch!,
    inHeight: inHeight!,
    inWidth: inWidth!,
    inChannels: inChannels!,
    outChannels: outChannels!,
    filterHeight: filterHeight!,
    filterWidth: filterWidth!,
    strideHeight: strideHeight!,
    strideWidth: strideWidth!,
    dilationHeight: dilationHeight!,
    dilationWidth: dilationWidth!,
    padTop: padTop!,
    padLeft: padLeft!,
    padBottom: padBottom!,
    padRight: padRight!,
    outHeight: Math.floor((inHeight! + padTop! + padBottom! - effH) / strideHeight!) + 1,
    outWidth: Math.floor((inWidth! + padLeft! + padRight! - effW) / strideWidth!) + 1,
  };
}
const yShape = (g: Conv2DInfo) => [g.batch, g.outHeight, g.outWidth, g.outChannels];
const xShape = (g: Conv2DInfo) => [g.batch, g.inHeight, g.inWidth, g.inChannels];
const wShape = (g: Conv2DInfo) => [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels];
const f32 = (shape: number[]) => ({ shape, dtype: 'float32' as const });

function fwd(x: number[], w: number[], g: Conv2DInfo): number[] {
  return Array.from(be.readSync(be.kernels.conv2d(up(x, xShape(g)), up(w, wShape(g)), g, f32(yShape(g)))));
}
function gradX(dy: number[], w: number[], g: Conv2DInfo): number[] {
  return Array.from(
    be.readSync(be.kernels.conv2dGradInput(up(dy, yShape(g)), up(w, wShape(g)), g, f32(xShape(g)))),
  );
}
function gradW(x: number[], dy: number[], g: Conv2DInfo): number[] {
  return Array.from(
    be.readSync(be.kernels.conv2dGradFilter(up(x, xShape(g)), up(dy, yShape(g)), g, f32(wShape(g)))),
  );
}

// x = [[1,2,3],[4,5,6],[7,8,9]] (1x3x3x1), w = [[1,2],[3,4]] (2x2x1x1)
const X3 = iota(9, 1);
const W2 = [1, 2, 3, 4];
// x4[i][j] = 4i + j + 1 (1x4x4x1)
const X4 = iota(16, 1);

describe('conv2d forward: hand-computed', () => {
  it('valid, stride 1', () => {
    // y00 = 1*1 + 2*2 + 4*3 + 5*4 = 37; y01 = 2+6+15+24 = 47; y10 = 4+10+21+32 = 67; y11 = 5+12+24+36 = 77
    expect(fwd(X3, W2, geom([1, 3, 3, 1], [2, 2, 1, 1], [1, 1], [1, 1], [0, 0, 0, 0]))).toEqual([
      37, 47, 67, 77,
    ]);
  });

  it("'same' with asymmetric padding (bottom/right only)", () => {
    // out of bounds reads 0: y02 = 3*1 + 6*3 = 21; y12 = 6*1 + 9*3 = 33; y20 = 7*1 + 8*2 = 23; y21 = 8+18 = 26; y22 = 9
    const g = geom([1, 3, 3, 1], [2, 2, 1, 1], [1, 1], [1, 1], [0, 0, 1, 1]);
    expect(fwd(X3, W2, g)).toEqual([37, 47, 21, 67, 77, 33, 23, 26, 9]);
  });

  it('stride 2 with padding 1 all round, 3x3 ones', () => {
    // windows (rows x cols, in bounds): y00 = 1+2+5+6 = 14; y01 = rows 0-1, cols 1-3 = 2+3+4+6+7+8 = 30
    // y10 = rows 1-3, cols 0-1 = 5+6+9+10+13+14 = 57; y11 = rows 1-3, cols 1-3 = 99
    const g = geom([1, 4, 4, 1], [3, 3, 1, 1], [2, 2], [1, 1], [1, 1, 1, 1]);
    expect(fwd(X4, Array(9).fill(1), g)).toEqual([14, 30, 57, 99]);
  });

  it('dilation 2', () => {
    // y[i][j] = x[i][j] + x[i][j+2] + x[i+2][j] + x[i+2][j+2]: 1+3+9+11 = 24, 2+4+10+12 = 28, 40, 44
    const g = geom([1, 4, 4, 1], [2, 2, 1, 1], [1, 1], [2, 2], [0, 0, 0, 0]);
    expect(fwd(X4, [1, 1, 1, 1], g)).toEqual([24, 28, 40, 44]);
  });

  it('channels in and out (1x1 filter, pointwise path)', () => {
    // x = [1, 2] per pixel; w[c][d] = [[1,2,3],[4,5,6]] -> [1+8, 2+10, 3+12] = [9, 12, 15]
    const g = geom([2, 1, 1, 2], [1, 1, 2, 3], [1, 1], [1, 1], [0, 0, 0, 0]);
    expect(fwd([1, 2, -1, 0], [1, 2, 3, 4, 5, 6], g)).toEqual([9, 12, 15, -1, -2, -3]);
  });

  it('size 0: empty batch, and zero input channels', () => {
    expect(fwd([], W2, geom([0, 3, 3, 1], [2, 2, 1, 1], [1, 1], [1, 1], [0, 0, 0, 0]))).toEqual([]);
    expect(fwd([], [], geom([1, 2, 2, 0], [1, 1, 0, 2], [1, 1], [1, 1], [0, 0, 0, 0]))).toEqual(
      Array(8).fill(0),
    );
  });
});

describe('conv2d gradients: hand-computed', () => {
  it('gradInput of valid 2x2 with dy = ones is the full correlation with w', () => {
    // dx[i][j] = sum of w[i-oh][j-ow] over the 2x2 outputs: [[1,3,2],[4,10,6],[3,7,4]]
    const g = geom([1, 3, 3, 1], [2, 2, 1, 1], [1, 1], [1, 1], [0, 0, 0, 0]);
    expect(gradX([1, 1, 1, 1], W2, g)).toEqual([1, 3, 2, 4, 10, 6, 3, 7, 4]);
  });

  it('gradFilter of valid 2x2 with dy = ones sums each shifted 2x2 block of x', () => {
    // dw[r][s] = sum_{oh,ow} x[oh+r][ow+s]: 1+2+4+5 = 12, 2+3+5+6 = 16, 4+5+7+8 = 24, 5+6+8+9 = 28
    const g = geom([1, 3, 3, 1], [2, 2, 1, 1], [1, 1], [1, 1], [0, 0, 0, 0]);
    expect(gradW(X3, [1, 1, 1, 1], g)).toEqual([12, 16, 24, 28]);
  });

  it('stride 2, pad 1, 3x3 ones, dy = [[1,2],[3,4]]', () => {
    const g = geom([1, 4, 4, 1], [3, 3, 1, 1], [2, 2], [1, 1], [1, 1, 1, 1]);
    // dx: each pixel collects dy of the windows covering it (see the forward windows above)
    expect(gradX([1, 2, 3, 4], Array(9).fill(1), g)).toEqual([
      1, 3, 2, 2, 4, 10, 6, 6, 3, 7, 4, 4, 3, 7, 4, 4,
    ]);
    // dw[r][s] = sum dy[oh][ow] * x[2oh-1+r][2ow-1+s]; e.g. dw00 = 4*x11 = 24, dw11 = 1*1 + 2*3 + 3*9 + 4*11 = 78
    expect(gradW(X4, [1, 2, 3, 4], g)).toEqual([24, 43, 50, 44, 78, 88, 68, 118, 128]);
  });
});

/** Deterministic pseudo-random numbers in [-1, 1). */
function rand(n: number, seed: number): number[] {
  const out: number[] = [];
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(Math.fround(s / 2 ** 31 - 1));
  }
  return out;
}

/** Direct float64 convolution, plus its two adjoints, written from the definition. */
function reference(x: number[], w: number[], dy: number[], g: Conv2DInfo) {
  const { batch: N, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: D } = g;
  const y = new Float64Array(N * OH * OW * D);
  const dx = new Float64Array(N * H * W * C);
  const dw = new Float64Array(g.filterHeight * g.filterWidth * C * D);
  for (let n = 0; n < N; n++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++)
        for (let r = 0; r < g.filterHeight; r++)
          for (let s = 0; s < g.filterWidth; s++) {
            const ih = oh * g.strideHeight - g.padTop + r * g.dilationHeight;
            const iw = ow * g.strideWidth - g.padLeft + s * g.dilationWidth;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
            for (let c = 0; c < C; c++)
              for (let d = 0; d < D; d++) {
                const xi = ((n * H + ih) * W + iw) * C + c;
                const wi = ((r * g.filterWidth + s) * C + c) * D + d;
                const yi = ((n * OH + oh) * OW + ow) * D + d;
                y[yi] = y[yi]! + x[xi]! * w[wi]!;
                dx[xi] = dx[xi]! + dy[yi]! * w[wi]!;
                dw[wi] = dw[wi]! + dy[yi]! * x[xi]!;
              }
          }
  return { y, dx, dw };
}

function expectClose(got: ArrayLike<number>, want: Float64Array, tol: number): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  expect(worst).toBeLessThan(tol);
}

describe('conv2d: random cases against a float64 loop', () => {
  const cases: [string, Conv2DInfo][] = [
    ['3x3 same, 2 batches, 3->4 channels', geom([2, 5, 6, 3], [3, 3, 3, 4], [1, 1], [1, 1], [1, 1, 1, 1])],
    ['stride 2x3, asymmetric pads', geom([1, 7, 8, 2], [3, 2, 2, 3], [2, 3], [1, 1], [0, 1, 1, 0])],
    ['dilation 2x1, stride 2', geom([2, 9, 7, 2], [2, 3, 2, 5], [2, 1], [2, 1], [1, 0, 2, 1])],
    [
      'filter larger than stride grid, 1 output row',
      geom([1, 4, 10, 1], [4, 3, 1, 2], [3, 2], [1, 2], [0, 0, 0, 0]),
    ],
  ];
  for (const [name, g] of cases) {
    it(name, () => {
      const x = rand(g.batch * g.inHeight * g.inWidth * g.inChannels, 7);
      const w = rand(g.filterHeight * g.filterWidth * g.inChannels * g.outChannels, 11);
      const dy = rand(g.batch * g.outHeight * g.outWidth * g.outChannels, 13);
      const ref = reference(x, w, dy, g);
      expectClose(fwd(x, w, g), ref.y, 1e-5);
      expectClose(gradX(dy, w, g), ref.dx, 1e-5);
      expectClose(gradW(x, dy, g), ref.dw, 1e-5);
    });
  }

  it('small chunks of the cols scratch give the same results', () => {
    const g = geom([2, 5, 6, 3], [3, 3, 3, 4], [1, 1], [1, 1], [1, 1, 1, 1]);
    const x = rand(2 * 5 * 6 * 3, 3);
    const w = rand(3 * 3 * 3 * 4, 5);
    const dy = rand(2 * 5 * 6 * 4, 9);
    const ref = reference(x, w, dy, g);
    const inp = (d: number[], shape: number[]) => ({
      data: Float32Array.from(d),
      shape,
      dtype: 'float32' as const,
    });
    // 27 columns per row, 100 elements per chunk -> 3 rows per chunk, 20 chunks
    expectClose(conv2d(inp(x, xShape(g)), inp(w, wShape(g)), g, f32(yShape(g)), 100), ref.y, 1e-5);
    expectClose(conv2dGradInput(inp(dy, yShape(g)), inp(w, wShape(g)), g, f32(xShape(g)), 100), ref.dx, 1e-5);
    expectClose(
      conv2dGradFilter(inp(x, xShape(g)), inp(dy, yShape(g)), g, f32(wShape(g)), 100),
      ref.dw,
      1e-5,
    );
  });

  it('pointwise gradients match the reference', () => {
    const g = geom([2, 3, 4, 5], [1, 1, 5, 3], [1, 1], [1, 1], [0, 0, 0, 0]);
    const x = rand(2 * 3 * 4 * 5, 21);
    const w = rand(5 * 3, 22);
    const dy = rand(2 * 3 * 4 * 3, 23);
    const ref = reference(x, w, dy, g);
    expectClose(fwd(x, w, g), ref.y, 1e-5);
    expectClose(gradX(dy, w, g), ref.dx, 1e-5);
    expectClose(gradW(x, dy, g), ref.dw, 1e-5);
  });

  it('does not mutate its inputs', () => {
    const g = geom([1, 3, 3, 1], [2, 2, 1, 1], [1, 1], [1, 1], [0, 0, 1, 1]);
    const x = up(X3, [1, 3, 3, 1]);
    const w = up(W2, [2, 2, 1, 1]);
    be.kernels.conv2d(x, w, g, f32(yShape(g)));
    be.kernels.conv2dGradInput(up(Array(9).fill(1), yShape(g)), w, g, f32(xShape(g)));
    expect(Array.from(be.readSync(x.handle))).toEqual(X3);
    expect(Array.from(be.readSync(w.handle))).toEqual(W2);
  });
});
