// depthwiseConv2d against an independent float64 loop written here, against tfjs 4.22, and composite vs
// native kernels (forward and both gradients); gradients by float64 finite differences.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';

const native = cpu();
const reference = cpu({ fast: false });

/** The CPU backend without its depthwise kernels, so core's composites run. */
function plainCpu(): nr.Backend {
  const b = cpu();
  return {
    ...b,
    name: 'cpu-plain',
    kernels: {
      ...b.kernels,
      depthwiseConv2d: undefined,
      depthwiseConv2dGradInput: undefined,
      depthwiseConv2dGradFilter: undefined,
    },
  };
}

function hostData(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 0x100000000) * 2 - 1;
  }
  return out;
}

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const scale = Math.max(1, Math.abs(expected[i]!));
    if (Math.abs(actual[i]! - expected[i]!) > tol * scale) {
      throw new Error(`index ${i}: got ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

/** Depthwise convolution in float64, straight from the definition (explicit pads). */
function hostDepthwise(
  x: Float32Array,
  xs: readonly number[],
  f: Float32Array,
  fs: readonly number[],
  info: nr.Conv2DInfo,
): Float64Array {
  const [N, H, W, C] = xs as [number, number, number, number];
  const [fh, fw, , M] = fs as [number, number, number, number];
  const { outHeight: OH, outWidth: OW } = info;
  const y = new Float64Array(N * OH * OW * C * M);
  for (let n = 0; n < N; n++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++)
        for (let c = 0; c < C; c++)
          for (let m = 0; m < M; m++) {
            let acc = 0;
            for (let r = 0; r < fh; r++)
              for (let s = 0; s < fw; s++) {
                const ih = oh * info.strideHeight - info.padTop + r * info.dilationHeight;
                const iw = ow * info.strideWidth - info.padLeft + s * info.dilationWidth;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                acc += x[((n * H + ih) * W + iw) * C + c]! * f[((r * fw + s) * C + c) * M + m]!;
              }
            y[((n * OH + oh) * OW + ow) * C * M + c * M + m] = acc;
          }
  return y;
}

interface Case {
  x: number[];
  f: number[];
  strides: number | [number, number];
  padding: 'same' | 'valid';
  dilations: number | [number, number];
}

const CASES: Case[] = [
  { x: [1, 5, 5, 3], f: [3, 3, 3, 1], strides: 1, padding: 'same', dilations: 1 },
  { x: [2, 6, 7, 2], f: [3, 3, 2, 2], strides: 2, padding: 'same', dilations: 1 },
  { x: [1, 6, 6, 4], f: [2, 3, 4, 1], strides: [2, 1], padding: 'valid', dilations: 1 },
  { x: [2, 7, 6, 1], f: [3, 2, 1, 3], strides: 1, padding: 'same', dilations: 2 },
  { x: [1, 4, 4, 5], f: [1, 1, 5, 2], strides: 1, padding: 'valid', dilations: 1 },
];
const label = (c: Case): string =>
  `x ${JSON.stringify(c.x)} f ${JSON.stringify(c.f)} strides ${c.strides} ${c.padding} dilations ${c.dilations}`;

beforeAll(async () => {
  await tf.setBackend('cpu');
  await nr.setBackend(native);
});

afterEach(async () => {
  await nr.setBackend(native);
});

describe('depthwiseConv2dInfo', () => {
  it('gives inChannels * multiplier output channels and conv2d geometry', () => {
    const info = nr.depthwiseConv2dInfo([2, 7, 8, 3], [3, 3, 3, 2], 2, 'same');
    expect([info.outHeight, info.outWidth, info.outChannels]).toEqual([4, 4, 6]);
    expect([info.padTop, info.padBottom, info.padLeft, info.padRight]).toEqual([1, 1, 0, 1]);
  });

  it('throws errors naming the op and the shapes', () => {
    expect(() => nr.depthwiseConv2dInfo([1, 5, 5, 3], [3, 3, 2, 1])).toThrow(
      'depthwiseConv2d: x [1, 5, 5, 3] has 3 channels but filter [3, 3, 2, 1] expects 2 (filter is [fh, fw, inChannels, multiplier])',
    );
    expect(() => nr.depthwiseConv2dInfo([5, 5], [3, 3, 1, 1])).toThrow(
      'depthwiseConv2d: x must have rank 4 [batch, height, width, channels] or 3, got [5, 5]',
    );
    expect(() => nr.depthwiseConv2dInfo([1, 5, 5, 1], [3, 3, 1])).toThrow(
      'depthwiseConv2d: filter must have rank 4 [filterHeight, filterWidth, inChannels, multiplier], got [3, 3, 1]',
    );
    expect(() => nr.depthwiseConv2dInfo([1, 2, 2, 1], [3, 3, 1, 1])).toThrow(
      'depthwiseConv2d: the 3x3 window is larger than the padded input (2x2)',
    );
    const xi = nr.zeros([1, 4, 4, 2], 'int32');
    expect(() => nr.depthwiseConv2d(xi, nr.zeros([2, 2, 2, 1]))).toThrow(
      "depthwiseConv2d: argument 'x' must be float32, got int32",
    );
    const info = nr.depthwiseConv2dInfo([1, 4, 4, 2], [2, 2, 2, 1]);
    expect(() =>
      nr.depthwiseConv2dBackpropInput(nr.zeros([1, 4, 4, 2]), nr.zeros([2, 2, 2, 1]), info),
    ).toThrow(
      "depthwiseConv2dGradInput: argument 'dy' has shape [1, 4, 4, 2], expected [1, 3, 3, 2] from the convolution info",
    );
    xi.dispose();
  });
});

describe('depthwiseConv2d forward', () => {
  const backends = { native, reference, composite: plainCpu() } as const;
  for (const c of CASES) {
    it(`${label(c)}: every kernel path matches float64 and tfjs`, async () => {
      const xd = hostData(size(c.x), 1);
      const fd = hostData(size(c.f), 2);
      const info = nr.depthwiseConv2dInfo(c.x, c.f, c.strides, c.padding, c.dilations);
      const expected = hostDepthwise(xd, c.x, fd, c.f, info);
      const ty = tf.depthwiseConv2d(
        tf.tensor4d(xd, c.x as [number, number, number, number]),
        tf.tensor4d(fd, c.f as [number, number, number, number]),
        c.strides,
        c.padding,
        'NHWC',
        c.dilations,
      );
      expectClose(await ty.data(), expected, 1e-5);
      expect(ty.shape).toEqual([info.batch, info.outHeight, info.outWidth, info.outChannels]);
      ty.dispose();
      for (const [name, b] of Object.entries(backends)) {
        await nr.setBackend(b);
        const y = nr.depthwiseConv2d(
          nr.tensor(xd, c.x),
          nr.tensor(fd, c.f),
          c.strides,
          c.padding,
          c.dilations,
        );
        expect(y.shape, name).toEqual(ty.shape);
        expectClose(await y.data(), expected, 1e-5);
        y.dispose();
      }
    });
  }

  it('takes an unbatched rank-3 input and returns rank 3', async () => {
    const y = nr.depthwiseConv2d(nr.ones([3, 3, 2]), nr.ones([2, 2, 2, 1]), 1, 'valid');
    expect(y.shape).toEqual([2, 2, 2]);
    expect(Array.from(await y.data())).toEqual([4, 4, 4, 4, 4, 4, 4, 4]);
    y.dispose();
  });
});

describe('depthwiseConv2d gradients', () => {
  // (tfjs has no depthwise gradient with dilations > 1: those are checked by finite differences below)
  for (const c of CASES.filter((k) => k.dilations === 1)) {
    it(`${label(c)}: native, reference and composite gradients match tfjs`, async () => {
      const xd = hostData(size(c.x), 3);
      const fd = hostData(size(c.f), 4);
      const info = nr.depthwiseConv2dInfo(c.x, c.f, c.strides, c.padding, c.dilations);
      const oshape = [info.batch, info.outHeight, info.outWidth, info.outChannels];
      const rd = hostData(size(oshape), 5);
      const x4 = c.x as [number, number, number, number];
      const f4 = c.f as [number, number, number, number];
      const [tdx, tdw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(
          tf.mul(
            tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.padding, 'NHWC', c.dilations),
            tf.tensor(rd, oshape),
          ),
        ),
      )([tf.tensor4d(xd, x4), tf.tensor4d(fd, f4)]);
      const theirs = [await tdx!.data(), await tdw!.data()];
      tf.dispose([tdx!, tdw!]);
      for (const b of [native, reference, plainCpu()]) {
        await nr.setBackend(b);
        const r = nr.tensor(rd, oshape);
        const [dx, dw] = nr.grads((a, f) =>
          nr.sum(nr.mul(nr.depthwiseConv2d(a, f, c.strides, c.padding, c.dilations), r)),
        )([nr.tensor(xd, c.x), nr.tensor(fd, c.f)]);
        expectClose(await dx!.data(), theirs[0]!, 1e-4);
        expectClose(await dw!.data(), theirs[1]!, 1e-4);
        nr.dispose([r, dx!, dw!]);
      }
    });
  }

  for (const backend of ['native', 'composite'] as const) {
    it(`${backend}: first and second order match finite differences`, async () => {
      await nr.setBackend(backend === 'native' ? native : plainCpu());
      const x = nr.tensor(hostData(2 * 5 * 4 * 2, 6), [2, 5, 4, 2]);
      const w = nr.tensor(hostData(3 * 2 * 2 * 2, 7), [3, 2, 2, 2]);
      const dilated = (a: nr.Tensor, b: nr.Tensor) => nr.depthwiseConv2d(a, b, 1, 'same', [2, 1]);
      const r0 = await nr.gradCheck(dilated, [x, w], { eps: 1e-2, tol: 1e-3 });
      expect(r0.maxRelError.every((e) => e < 1e-3)).toBe(true);
      const f = (a: nr.Tensor, b: nr.Tensor) => nr.depthwiseConv2d(a, b, [2, 1], 'same', 1);
      const r1 = await nr.gradCheck(f, [x, w], { eps: 1e-2, tol: 1e-3 });
      expect(r1.maxRelError.every((e) => e < 1e-3)).toBe(true);
      const info = nr.depthwiseConv2dInfo(x.shape, w.shape, [2, 1], 'same', 1);
      const dy = nr.tensor(hostData(2 * info.outHeight * info.outWidth * 4, 8), [
        2,
        info.outHeight,
        info.outWidth,
        4,
      ]);
      const r2 = await nr.gradCheck((d, k) => nr.depthwiseConv2dBackpropInput(d, k, info), [dy, w], {
        eps: 1e-2,
        tol: 1e-3,
      });
      expect(r2.passed).toBe(true);
      const r3 = await nr.gradCheck((a, d) => nr.depthwiseConv2dBackpropFilter(a, d, info), [x, dy], {
        eps: 1e-2,
        tol: 1e-3,
      });
      expect(r3.passed).toBe(true);
      nr.dispose([x, w, dy]);
    });
  }

  it('leaves only its results (forward and gradients), native and composite', async () => {
    for (const b of [native, plainCpu()]) {
      await nr.setBackend(b);
      const x = nr.tensor(hostData(2 * 6 * 6 * 2, 9), [2, 6, 6, 2]);
      const w = nr.tensor(hostData(3 * 3 * 2 * 2, 10), [3, 3, 2, 2]);
      const tensors = nr.memory().numTensors;
      const handles = b.stats().handles;
      const y = nr.depthwiseConv2d(x, w, 2, 'same');
      expect(nr.memory().numTensors).toBe(tensors + 1);
      expect(b.stats().handles).toBe(handles + 1);
      y.dispose();
      const g = nr.tidy(() => nr.grads((a, f) => nr.sum(nr.depthwiseConv2d(a, f, 1, 'same', 2)))([x, w]));
      expect(nr.memory().numTensors).toBe(tensors + 2);
      expect(b.stats().handles).toBe(handles + 2);
      nr.dispose(g);
      expect(b.stats().handles).toBe(handles);
      nr.dispose([x, w]);
    }
  });
});
