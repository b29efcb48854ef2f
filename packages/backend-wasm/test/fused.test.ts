/**
 * The native product + bias + activation kernels against float64 loops on the host, with the traps of
 * tfjs-wasm's operator caches in mind: the same weights called with another bias, without bias, with the
 * other activation, seen with another shape; a bias whose data was made with another rank; and the
 * fallbacks (batched `b`, empty and zero-depth products, zero input channels). The conformance suite
 * checks the same kernels against the composite and their gradients.
 */
import type { Conv2DInfo, Operand } from '@neurona/core';
import * as nr from '@neurona/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WasmBackend, wasm } from '../src/index.js';

let be: WasmBackend;
const made: Operand[] = [];

beforeAll(async () => {
  be = await wasm();
});

afterAll(() => {
  for (const x of made) be.dispose(x.handle);
  expect(be.stats().handles).toBe(0);
});

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

function up(data: readonly number[], shape: number[]): Operand {
  const x = {
    handle: be.upload(Float32Array.from(data), { shape, dtype: 'float32' }),
    shape,
    dtype: 'float32' as const,
  };
  made.push(x);
  return x;
}

/** The same data seen with another shape of equal size. */
const as = (x: Operand, shape: number[]): Operand => ({ ...x, shape });

type Act = 'linear' | 'relu';
const activate = (v: number, act: Act): number => (act === 'relu' ? Math.max(0, v) : v);

/** Row-major float64 `act(op(a) op(b) + bias)` for rank-3 operands, a batch of 1 broadcasting. */
function refMatmul(
  a: readonly number[],
  as3: number[],
  b: readonly number[],
  bs3: number[],
  bias: readonly number[] | null,
  act: Act,
  ta: boolean,
  tb: boolean,
): number[] {
  const [ab, a1, a2] = as3 as [number, number, number];
  const [bb, b1, b2] = bs3 as [number, number, number];
  const [m, k] = ta ? [a2, a1] : [a1, a2];
  const n = tb ? b1 : b2;
  const batch = Math.max(ab, bb);
  const out: number[] = [];
  for (let t = 0; t < batch; t++) {
    const a0 = ab === 1 ? 0 : t * a1 * a2;
    const b0 = bb === 1 ? 0 : t * b1 * b2;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = bias ? bias[j]! : 0;
        for (let p = 0; p < k; p++) {
          const av = a[a0 + (ta ? p * m + i : i * k + p)]!;
          const bv = b[b0 + (tb ? j * k + p : p * n + j)]!;
          acc += av * bv;
        }
        out.push(activate(acc, act));
      }
    }
  }
  return out;
}

/** float64 `act(conv2d(x, f) + bias)`, NHWC, `[fh, fw, inC, outC]` filter, geometry from `info`. */
function refConv(
  x: readonly number[],
  f: readonly number[],
  bias: readonly number[] | null,
  act: Act,
  info: Conv2DInfo,
) {
  const { batch, inHeight: H, inWidth: W, inChannels: C, outChannels: O, outHeight: OH, outWidth: OW } = info;
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        for (let o = 0; o < O; o++) {
          let acc = bias ? bias[o]! : 0;
          for (let kh = 0; kh < info.filterHeight; kh++) {
            const ih = oh * info.strideHeight - info.padTop + kh * info.dilationHeight;
            if (ih < 0 || ih >= H) continue;
            for (let kw = 0; kw < info.filterWidth; kw++) {
              const iw = ow * info.strideWidth - info.padLeft + kw * info.dilationWidth;
              if (iw < 0 || iw >= W) continue;
              for (let c = 0; c < C; c++) {
                acc +=
                  x[((b * H + ih) * W + iw) * C + c]! * f[((kh * info.filterWidth + kw) * C + c) * O + o]!;
              }
            }
          }
          out.push(activate(acc, act));
        }
      }
    }
  }
  return out;
}

function expectClose(got: ArrayLike<number>, want: readonly number[], what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (Math.abs(got[i]! - want[i]!) > 1e-4 * (1 + Math.abs(want[i]!))) {
      expect.fail(`${what}: element ${i} is ${got[i]}, expected ${want[i]}`);
    }
  }
}

function runMatmul(a: Operand, b: Operand, bias: Operand | null, act: Act, ta: boolean, tb: boolean) {
  const m = ta ? a.shape[2]! : a.shape[1]!;
  const n = tb ? b.shape[1]! : b.shape[2]!;
  const shape = [Math.max(a.shape[0]!, b.shape[0]!), m, n];
  const h = be.kernels.matmulBiasActivation(a, b, bias, act, ta, tb, { shape, dtype: 'float32' });
  const got = be.readSync(h);
  be.dispose(h);
  return got;
}

describe('wasm matmulBiasActivation', () => {
  it('keeps the weights, bias and activation apart across calls (XNNPACK operator cache)', () => {
    const av = values(2 * 3 * 10, 1);
    const wv = values(10 * 4, 2);
    const b1 = values(4, 3);
    const b2 = values(4, 4);
    const a = up(av, [2, 3, 10]);
    const w = up(wv, [1, 10, 4]);
    const bias1 = up(b1, [4]);
    const bias2 = up(b2, [4]);
    const calls: [Operand | null, readonly number[] | null, Act][] = [
      [bias1, b1, 'relu'],
      [bias1, b1, 'linear'],
      [bias2, b2, 'relu'],
      [null, null, 'relu'],
      [null, null, 'linear'],
      [bias1, b1, 'relu'],
    ];
    for (const [bias, bv, act] of calls) {
      const want = refMatmul(av, [2, 3, 10], wv, [1, 10, 4], bv, act, false, false);
      expectClose(runMatmul(a, w, bias, act, false, false), want, `a·w ${bv ? 'bias ' : ''}${act}`);
    }
    // The same data as [1, 20, 2] weights, no bias, relu (the cache key of an earlier call): another
    // packed operator, not the [10, 4] one.
    const want = refMatmul(av, [1, 3, 20], wv, [1, 20, 2], null, 'relu', false, false);
    expectClose(
      runMatmul(as(a, [1, 3, 20]), as(w, [1, 20, 2]), null, 'relu', false, false),
      want,
      'reshaped w',
    );
  });

  it('handles transposes, a bias made with another rank, and the fallbacks', () => {
    const av = values(2 * 7 * 5, 5);
    const wv = values(6 * 7, 6);
    const bv = values(6, 7);
    const a = up(av, [2, 7, 5]);
    const bias = up(bv, [1, 6]);
    for (const [ta, tb] of [
      [true, true],
      [true, false],
      [false, true],
    ] as const) {
      const aShape = ta ? [2, 7, 5] : [2, 5, 7];
      const bShape = tb ? [1, 6, 7] : [1, 7, 6];
      const w = up(wv, bShape);
      const want = refMatmul(av, aShape, wv, bShape, bv, 'relu', ta, tb);
      expectClose(runMatmul(as(a, aShape), w, as(bias, [6]), 'relu', ta, tb), want, `ta ${ta} tb ${tb}`);
    }
    // A batched b (no XNNPACK path): matmul, then Add and Relu.
    const wb = values(2 * 5 * 3, 8);
    const want = refMatmul(
      av.slice(0, 2 * 7 * 5),
      [2, 7, 5],
      wb,
      [2, 5, 3],
      bv.slice(0, 3),
      'relu',
      false,
      false,
    );
    const b3 = up(bv.slice(0, 3), [3]);
    expectClose(runMatmul(a, up(wb, [2, 5, 3]), b3, 'relu', false, false), want, 'batched b');
    // Zero depth: act(bias) in every row; zero rows: an empty result.
    const z = runMatmul(up([], [1, 2, 0]), up([], [1, 0, 3]), b3, 'relu', false, false);
    expectClose(z, refMatmul([], [1, 2, 0], [], [1, 0, 3], bv.slice(0, 3), 'relu', false, false), 'k = 0');
    expect(runMatmul(up([], [1, 0, 4]), up(values(12, 9), [1, 4, 3]), b3, 'relu', false, false).length).toBe(
      0,
    );
  });
});

describe('wasm conv2dBiasActivation', () => {
  function runConv(x: Operand, f: Operand, bias: Operand | null, act: Act, info: Conv2DInfo) {
    const shape = [info.batch, info.outHeight, info.outWidth, info.outChannels];
    const h = be.kernels.conv2dBiasActivation(x, f, bias, act, info, { shape, dtype: 'float32' });
    const got = be.readSync(h);
    be.dispose(h);
    return got;
  }

  it('matches the float64 loop over paddings, strides, dilations, biases and activations', () => {
    const xv = values(2 * 7 * 6 * 3, 11);
    const fv = values(3 * 3 * 3 * 4, 12);
    const b1 = values(4, 13);
    const b2 = values(4, 14);
    const x = up(xv, [2, 7, 6, 3]);
    const f = up(fv, [3, 3, 3, 4]);
    const bias1 = up(b1, [4]);
    const bias2 = up(b2, [1, 4]);
    const geometries = [
      nr.conv2dInfo([2, 7, 6, 3], [3, 3, 3, 4], 1, 'same'),
      nr.conv2dInfo([2, 7, 6, 3], [3, 3, 3, 4], 2, 'valid'),
      nr.conv2dInfo([2, 7, 6, 3], [3, 3, 3, 4], [1, 2], 'same', [2, 1]),
    ];
    for (const info of geometries) {
      const calls: [Operand | null, readonly number[] | null, Act][] = [
        [bias1, b1, 'relu'],
        [bias1, b1, 'linear'],
        [as(bias2, [4]), b2, 'relu'],
        [null, null, 'relu'],
      ];
      for (const [bias, bv, act] of calls) {
        const what = `conv s${info.strideHeight},${info.strideWidth} ${bv ? 'bias ' : ''}${act}`;
        expectClose(runConv(x, f, bias, act, info), refConv(xv, fv, bv, act, info), what);
      }
    }
  });

  it('zero input channels give act(bias) everywhere', () => {
    const info = nr.conv2dInfo([1, 3, 3, 0], [2, 2, 0, 2], 1, 'valid');
    const bias = up([0.5, -0.5], [2]);
    expectClose(
      runConv(up([], [1, 3, 3, 0]), up([], [2, 2, 0, 2]), bias, 'relu', info),
      [0.5, 0, 0.5, 0, 0.5, 0, 0.5, 0],
      'inC 0',
    );
  });
});
