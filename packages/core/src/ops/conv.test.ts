import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';

const native = cpu();

/** The CPU backend without its fused conv kernels, so core's composites run. */
function plainCpu(): nr.Backend {
  const b = cpu();
  return {
    ...b,
    name: 'cpu-plain',
    kernels: { ...b.kernels, conv2d: undefined, conv2dGradInput: undefined, conv2dGradFilter: undefined },
  };
}

/** Deterministic host data in [-1, 1). */
function hostData(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 0x100000000) * 2 - 1;
  }
  return out;
}

const seq = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const scale = Math.max(1, Math.abs(expected[i]!));
    if (Math.abs(actual[i]! - expected[i]!) > tol * scale) {
      throw new Error(`index ${i}: got ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

beforeAll(async () => {
  await nr.setBackend(native);
});

afterEach(async () => {
  await nr.setBackend(native);
});

describe('isPointwiseConv', () => {
  it('is true exactly when im2col would be x itself', () => {
    expect(nr.isPointwiseConv(nr.conv2dInfo([2, 4, 5, 3], [1, 1, 3, 8]))).toBe(true);
    expect(nr.isPointwiseConv(nr.conv2dInfo([2, 4, 5, 3], [1, 1, 3, 8], 1, 'same'))).toBe(true);
    expect(nr.isPointwiseConv(nr.conv2dInfo([2, 4, 5, 3], [1, 1, 3, 8], 2))).toBe(false);
    expect(
      nr.isPointwiseConv(
        nr.conv2dInfo([2, 4, 5, 3], [1, 1, 3, 8], 1, [
          [1, 0],
          [0, 0],
        ]),
      ),
    ).toBe(false);
    expect(nr.isPointwiseConv(nr.conv2dInfo([2, 4, 5, 3], [3, 1, 3, 8]))).toBe(false);
  });
});

describe('conv2dInfo', () => {
  it("resolves 'same' padding with odd and even sizes (TF rule: extra pad at the end)", () => {
    const odd = nr.conv2dInfo([1, 5, 5, 1], [3, 3, 1, 2], [2, 2], 'same', 1);
    expect([odd.outHeight, odd.outWidth, odd.padTop, odd.padBottom, odd.padLeft, odd.padRight]).toEqual([
      3, 3, 1, 1, 1, 1,
    ]);
    const even = nr.conv2dInfo([2, 6, 4, 3], [3, 2, 3, 5], [2, 1], 'same', 1);
    expect([even.outHeight, even.outWidth, even.padTop, even.padBottom, even.padLeft, even.padRight]).toEqual(
      [3, 4, 0, 1, 0, 1],
    );
    const dilated = nr.conv2dInfo([1, 5, 5, 1], [3, 3, 1, 1], 1, 'same', 2);
    expect([dilated.outHeight, dilated.padTop, dilated.padBottom]).toEqual([5, 2, 2]);
    expect(even.batch).toBe(2);
    expect(even.outChannels).toBe(5);
  });

  it('handles valid, numeric and explicit padding and unbatched shapes', () => {
    const v = nr.conv2dInfo([7, 7, 2], [3, 3, 2, 1], 2, 'valid');
    expect([v.batch, v.outHeight, v.outWidth, v.padTop]).toEqual([1, 3, 3, 0]);
    const n = nr.conv2dInfo([1, 4, 4, 1], [3, 3, 1, 1], 1, 1);
    expect([n.outHeight, n.outWidth, n.padTop, n.padRight]).toEqual([4, 4, 1, 1]);
    const e = nr.conv2dInfo([1, 4, 4, 1], [2, 2, 1, 1], 1, [
      [1, 0],
      [0, 2],
    ]);
    expect([e.outHeight, e.outWidth, e.padTop, e.padBottom, e.padLeft, e.padRight]).toEqual([
      4, 5, 1, 0, 0, 2,
    ]);
  });

  it('throws clear errors', () => {
    expect(() => nr.conv2dInfo([1, 4, 4, 2], [3, 3, 3, 1])).toThrow(
      /conv2d: x \[1, 4, 4, 2\] has 2 channels.*expects 3/,
    );
    expect(() => nr.conv2dInfo([4, 4], [3, 3, 1, 1])).toThrow(/conv2d: x must have rank 4.*got \[4, 4\]/);
    expect(() => nr.conv2dInfo([1, 4, 4, 1], [3, 3, 1])).toThrow(/conv2d: filter must have rank 4/);
    expect(() => nr.conv2dInfo([1, 4, 4, 1], [3, 3, 1, 1], 0)).toThrow(
      /conv2d: strides must be a positive integer/,
    );
    expect(() => nr.conv2dInfo([1, 4, 4, 1], [3, 3, 1, 1], [1, -2])).toThrow(/strides/);
    expect(() => nr.conv2dInfo([1, 4, 4, 1], [3, 3, 1, 1], 1, 'valid', 0)).toThrow(/conv2d: dilations/);
    expect(() => nr.conv2dInfo([1, 2, 2, 1], [3, 3, 1, 1])).toThrow(
      /conv2d: the 3x3 window is larger than the padded input \(2x2\)/,
    );
    expect(() => nr.conv2dInfo([1, 4, 4, 1], [3, 3, 1, 1], 1, 'valid', 2)).toThrow(/5x5 once dilated/);
    // @ts-expect-error invalid padding on purpose
    expect(() => nr.conv2dInfo([1, 4, 4, 1], [3, 3, 1, 1], 1, 'full')).toThrow(/conv2d: padding must be/);
    expect(() => nr.conv2dInfo([1, 4, 4, 1], [3, 3, 1, 1], 1, -1)).toThrow(/conv2d: padding must be/);
  });
});

describe('conv2d forward (hand-computed)', () => {
  for (const backend of ['native', 'composite'] as const) {
    describe(backend, () => {
      beforeAll(async () => {
        await nr.setBackend(backend === 'native' ? native : plainCpu());
      });
      afterEach(async () => {
        await nr.setBackend(backend === 'native' ? native : plainCpu());
      });
      const run = async (
        xs: number[],
        xShape: number[],
        ws: number[],
        wShape: number[],
        ...args: unknown[]
      ) => {
        const x = nr.tensor(xs, xShape);
        const w = nr.tensor(ws, wShape);
        const y = (nr.conv2d as (...a: unknown[]) => nr.Tensor)(x, w, ...args);
        const out = { shape: y.shape, data: Array.from((await y.data()) as Float32Array) };
        nr.dispose([x, w, y]);
        return out;
      };

      it('stride 2, valid', async () => {
        const r = await run(seq(16), [1, 4, 4, 1], [1, 1, 1, 1], [2, 2, 1, 1], 2, 'valid');
        expect(r.shape).toEqual([1, 2, 2, 1]);
        expect(r.data).toEqual([14, 22, 46, 54]);
      });

      it("'same' with an odd input (3x3 filter, stride 1)", async () => {
        const r = await run(seq(9), [1, 3, 3, 1], new Array(9).fill(1), [3, 3, 1, 1], 1, 'same');
        expect(r.data).toEqual([12, 21, 16, 27, 45, 33, 24, 39, 28]);
      });

      it("'same' with an even input and stride 2 (padding only at the bottom/right)", async () => {
        const r = await run(seq(16), [1, 4, 4, 1], new Array(9).fill(1), [3, 3, 1, 1], 2, 'same');
        expect(r.shape).toEqual([1, 2, 2, 1]);
        expect(r.data).toEqual([54, 45, 72, 54]);
      });

      it('dilation 2', async () => {
        const r = await run(seq(25), [1, 5, 5, 1], [1, 1, 1, 1], [2, 2, 1, 1], 1, 'valid', 2);
        expect(r.shape).toEqual([1, 3, 3, 1]);
        expect(r.data).toEqual([28, 32, 36, 48, 52, 56, 68, 72, 76]);
      });

      it('mixes channels with the [fh, fw, inC, outC] filter layout, batched', async () => {
        const r = await run([1, 2, -1, 0.5], [2, 1, 1, 2], [1, 2, 3, 4], [1, 1, 2, 2]);
        expect(r.shape).toEqual([2, 1, 1, 2]);
        expect(r.data).toEqual([7, 10, 0.5, 0]);
      });

      it('takes an unbatched rank-3 input and returns rank 3', async () => {
        const r = await run(seq(16), [4, 4, 1], [1, 1, 1, 1], [2, 2, 1, 1], 2);
        expect(r.shape).toEqual([2, 2, 1]);
        expect(r.data).toEqual([14, 22, 46, 54]);
      });
    });
  }
});

describe('conv2d errors', () => {
  it('names the op and the shapes', () => {
    const x = nr.zeros([1, 4, 4, 2]);
    expect(() => nr.conv2d(x, nr.zeros([3, 3, 1, 1]))).toThrow(/conv2d: x \[1, 4, 4, 2\] has 2 channels/);
    expect(() => nr.conv2d(x, nr.zeros([5, 5, 2, 1]))).toThrow(/larger than the padded input \(4x4\)/);
    expect(() => nr.conv2d(nr.zeros([4, 4]), nr.zeros([3, 3, 1, 1]))).toThrow(/conv2d: x must have rank 4/);
    expect(() => nr.conv2d(nr.zeros([1, 4, 4, 1], 'int32'), nr.zeros([3, 3, 1, 1]))).toThrow(
      /conv2d: argument 'x' must be float32, got int32/,
    );
    const info = nr.conv2dInfo([1, 4, 4, 2], [3, 3, 2, 1], 1, 'same');
    expect(() => nr.conv2dBackpropInput(nr.zeros([1, 3, 3, 1]), nr.zeros([3, 3, 2, 1]), info)).toThrow(
      /conv2dGradInput: argument 'dy' has shape \[1, 3, 3, 1\], expected \[1, 4, 4, 1\]/,
    );
    x.dispose();
  });
});

interface Case {
  readonly x: number[];
  readonly w: number[];
  readonly strides: number | [number, number];
  readonly padding: nr.Padding;
  readonly dilations: number | [number, number];
}

const CASES: Case[] = [
  { x: [2, 7, 6, 3], w: [3, 2, 3, 4], strides: [2, 1], padding: 'same', dilations: 1 },
  { x: [1, 8, 7, 2], w: [3, 3, 2, 3], strides: 1, padding: 'valid', dilations: 2 },
  {
    x: [2, 6, 5, 2],
    w: [2, 3, 2, 2],
    strides: 3,
    padding: [
      [1, 2],
      [0, 1],
    ],
    dilations: 1,
  },
  { x: [1, 6, 6, 1], w: [3, 3, 1, 2], strides: 2, padding: 'same', dilations: 2 },
  { x: [3, 5, 5, 4], w: [1, 1, 4, 3], strides: 2, padding: 1, dilations: 1 },
];

/** Forward, dx and dw of `sum(conv2d(x, w) * r)` on the active backend. */
async function forwardAndGrads(c: Case): Promise<Float32Array[]> {
  const info = nr.conv2dInfo(c.x, c.w, c.strides, c.padding, c.dilations);
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const x = nr.tensor(hostData(size(c.x), 1), c.x);
  const w = nr.tensor(hostData(size(c.w), 2), c.w);
  const outShape = [info.batch, info.outHeight, info.outWidth, info.outChannels];
  const r = nr.tensor(hostData(size(outShape), 3), outShape);
  const f = (a: nr.Tensor, b: nr.Tensor) => nr.conv2d(a, b, c.strides, c.padding, c.dilations);
  const [y, dx, dw] = nr.tidy(() => [f(x, w), ...nr.grads((a, b) => nr.sum(nr.mul(f(a, b), r)))([x, w])]);
  const out = (await Promise.all([y, dx!, dw!].map((t) => t.data()))) as Float32Array[];
  nr.dispose([x, w, r, y, dx, dw]);
  return out;
}

describe('conv2d composite agrees with the native kernels', () => {
  for (const c of CASES) {
    it(`x ${JSON.stringify(c.x)} w ${JSON.stringify(c.w)} strides ${c.strides} padding ${JSON.stringify(c.padding)} dilations ${c.dilations}`, async () => {
      await nr.setBackend(native);
      const expected = await forwardAndGrads(c);
      await nr.setBackend(plainCpu());
      const actual = await forwardAndGrads(c);
      for (let i = 0; i < 3; i++) expectClose(actual[i]!, expected[i]!, 1e-4);
    });
  }
});

describe('conv2d gradients (finite differences)', () => {
  for (const backend of ['native', 'composite'] as const) {
    it(`${backend}: conv2d, conv2dBackpropInput and conv2dBackpropFilter`, async () => {
      await nr.setBackend(backend === 'native' ? native : plainCpu());
      const x = nr.tensor(hostData(2 * 5 * 4 * 2, 4), [2, 5, 4, 2]);
      const w = nr.tensor(hostData(3 * 2 * 2 * 3, 5), [3, 2, 2, 3]);
      const conv = (a: nr.Tensor, b: nr.Tensor) => nr.conv2d(a, b, [2, 1], 'same', [1, 2]);
      const r1 = await nr.gradCheck(conv, [x, w], { eps: 1e-2, tol: 1e-3 });
      expect(r1.maxRelError.every((e) => e < 1e-3)).toBe(true);

      // The backward ops are themselves differentiable (second-order gradients).
      const info = nr.conv2dInfo(x.shape, w.shape, [2, 1], 'same', [1, 2]);
      const dy = nr.tensor(hostData(2 * info.outHeight * info.outWidth * 3, 6), [
        2,
        info.outHeight,
        info.outWidth,
        3,
      ]);
      const r2 = await nr.gradCheck((d, f) => nr.conv2dBackpropInput(d, f, info), [dy, w], {
        eps: 1e-2,
        tol: 1e-3,
      });
      expect(r2.passed).toBe(true);
      const r3 = await nr.gradCheck((a, d) => nr.conv2dBackpropFilter(a, d, info), [x, dy], {
        eps: 1e-2,
        tol: 1e-3,
      });
      expect(r3.passed).toBe(true);
      nr.dispose([x, w, dy]);
    });
  }
});

describe('conv2d memory', () => {
  for (const backend of ['native', 'composite'] as const) {
    it(`${backend}: leaves only its result (forward and gradients)`, async () => {
      const b = backend === 'native' ? native : plainCpu();
      await nr.setBackend(b);
      const x = nr.tensor(hostData(2 * 6 * 6 * 2, 7), [2, 6, 6, 2]);
      const w = nr.tensor(hostData(3 * 3 * 2 * 2, 8), [3, 3, 2, 2]);
      const tensors = nr.memory().numTensors;
      const handles = b.stats().handles;
      const y = nr.conv2d(x, w, 2, 'same');
      expect(nr.memory().numTensors).toBe(tensors + 1);
      expect(b.stats().handles).toBe(handles + 1);
      y.dispose();
      const grads = nr.tidy(() => nr.grads((a, f) => nr.sum(nr.conv2d(a, f, 1, 'same', 2)))([x, w]));
      expect(nr.memory().numTensors).toBe(tensors + 2);
      expect(b.stats().handles).toBe(handles + 2);
      nr.dispose(grads);
      expect(nr.memory().numTensors).toBe(tensors);
      expect(b.stats().handles).toBe(handles);
      nr.dispose([x, w]);
    });
  }
});
