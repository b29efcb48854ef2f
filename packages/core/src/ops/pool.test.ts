import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';

const native = cpu();

/** The CPU backend without its fused pooling kernels, so core's composites run. */
function plainCpu(): nr.Backend {
  const b = cpu();
  return {
    ...b,
    name: 'cpu-plain',
    kernels: {
      ...b.kernels,
      maxPool: undefined,
      maxPoolGrad: undefined,
      avgPool: undefined,
      avgPoolGrad: undefined,
    },
  };
}

/** Deterministic host data: a shuffled arithmetic progression (distinct values 0.1 apart, no ties). */
function distinctData(n: number, seed: number): Float32Array {
  const v = Array.from({ length: n }, (_, i) => (i - n / 2) * 0.1);
  let s = seed >>> 0;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [v[i], v[j]] = [v[j]!, v[i]!];
  }
  return Float32Array.from(v);
}

const seq = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Math.abs(actual[i]! - expected[i]!) > tol * Math.max(1, Math.abs(expected[i]!))) {
      throw new Error(`index ${i}: got ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

async function values(t: nr.Tensor): Promise<number[]> {
  const d = Array.from((await t.data()) as Float32Array);
  t.dispose();
  return d;
}

beforeAll(async () => {
  await nr.setBackend(native);
});

afterEach(async () => {
  await nr.setBackend(native);
});

describe('pool2dInfo', () => {
  it("resolves 'same' and explicit padding", () => {
    const s = nr.pool2dInfo([1, 3, 3, 2], 2, 2, 'same');
    expect([s.outHeight, s.outWidth, s.padTop, s.padBottom, s.padLeft, s.padRight, s.channels]).toEqual([
      2, 2, 0, 1, 0, 1, 2,
    ]);
    const v = nr.pool2dInfo([4, 4, 3], [2, 2], [2, 2], 'valid');
    expect([v.batch, v.outHeight, v.outWidth]).toEqual([1, 2, 2]);
    const e = nr.pool2dInfo([1, 5, 5, 1], 3, 2, [
      [1, 2],
      [0, 0],
    ]);
    expect([e.outHeight, e.outWidth]).toEqual([3, 2]);
  });

  it('throws clear errors', () => {
    expect(() => nr.pool2dInfo([1, 4, 4, 1], 2, 2, 2)).toThrow(
      /pool2d: padding 2 must be smaller than the 2x2 window/,
    );
    expect(() => nr.pool2dInfo([4, 4], 2)).toThrow(/pool2d: x must have rank 4/);
    expect(() => nr.pool2dInfo([1, 4, 4, 1], 0)).toThrow(/pool2d: filterSize must be a positive integer/);
    expect(() => nr.pool2dInfo([1, 2, 2, 1], 3)).toThrow(
      /the 3x3 window is larger than the padded input \(2x2\)/,
    );
  });
});

for (const backend of ['native', 'composite'] as const) {
  describe(`pooling (${backend}, hand-computed)`, () => {
    beforeAll(async () => {
      await nr.setBackend(backend === 'native' ? native : plainCpu());
    });
    afterEach(async () => {
      await nr.setBackend(backend === 'native' ? native : plainCpu());
    });

    it('maxPool and avgPool 2x2 stride 2, valid', async () => {
      const x = nr.tensor(seq(16), [1, 4, 4, 1]);
      expect(await values(nr.maxPool(x, 2, 2, 'valid'))).toEqual([6, 8, 14, 16]);
      expect(await values(nr.avgPool(x, 2, 2, 'valid'))).toEqual([3.5, 5.5, 11.5, 13.5]);
      x.dispose();
    });

    it("'same' with an odd input: padding never wins and is not counted", async () => {
      const x = nr.tensor(seq(9), [1, 3, 3, 1]);
      expect(await values(nr.maxPool(x, 2, 2, 'same'))).toEqual([5, 6, 8, 9]);
      expect(await values(nr.avgPool(x, 2, 2, 'same'))).toEqual([3, 4.5, 7.5, 9]);
      const neg = nr.neg(x);
      expect(await values(nr.maxPool(neg, 3, 1, 'same'))).toEqual([-1, -1, -2, -1, -1, -2, -4, -4, -5]);
      expect(await values(nr.avgPool(x, 3, 1, 'same'))).toEqual([3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7]);
      nr.dispose([x, neg]);
    });

    it('pools channels independently, with an unbatched rank-3 input', async () => {
      const x = nr.tensor([1, -1, 4, -4, 2, -2, 3, -3], [2, 2, 2]);
      const y = nr.maxPool(x, 2);
      expect(y.shape).toEqual([1, 1, 2]);
      expect(await values(y)).toEqual([4, -1]);
      expect(await values(nr.avgPool(x, 2))).toEqual([2.5, -2.5]);
      x.dispose();
    });

    it('maxPool gradient goes to the first maximum and accumulates over overlapping windows', async () => {
      const g = nr.grad((t) => nr.maxPool(t, 2, 1, 'valid'));
      const ties = nr.ones([1, 2, 2, 1]);
      expect(await values(g(ties))).toEqual([1, 0, 0, 0]);
      const x = nr.tensor([1, 2, 3, 4, 9, 5, 6, 7, 8], [1, 3, 3, 1]);
      expect(await values(g(x))).toEqual([0, 0, 0, 0, 4, 0, 0, 0, 0]);
      nr.dispose([ties, x]);
    });

    it("avgPool gradient with 'same' padding divides by the in-bounds count", async () => {
      const x = nr.tensor(seq(9), [1, 3, 3, 1]);
      const dx = nr.grad((t) => nr.avgPool(t, 2, 2, 'same'))(x);
      expect(await values(dx)).toEqual([0.25, 0.25, 0.5, 0.25, 0.25, 0.5, 0.5, 0.5, 1]);
      x.dispose();
    });
  });
}

describe('pooling errors', () => {
  it('names the op and the problem', () => {
    const x = nr.zeros([1, 4, 4, 1]);
    expect(() => nr.maxPool(x, 5, 1)).toThrow(
      /maxPool: the 5x5 window is larger than the padded input \(4x4\)/,
    );
    expect(() => nr.avgPool(x, 2, 0)).toThrow(/avgPool: strides must be a positive integer/);
    expect(() => nr.maxPool(nr.zeros([4, 4]), 2)).toThrow(/maxPool: x must have rank 4.*got \[4, 4\]/);
    expect(() => nr.avgPool(nr.zeros([1, 4, 4, 1], 'int32'), 2)).toThrow(
      /avgPool: argument 'x' must be float32/,
    );
    expect(() => nr.maxPool(x, 2, 1, 3)).toThrow(/maxPool: padding 3 must be smaller than the 2x2 window/);
    const info = nr.pool2dInfo([1, 4, 4, 1], 2, 2, 'valid');
    expect(() => nr.avgPoolBackprop(nr.zeros([1, 4, 4, 1]), info)).toThrow(
      /avgPoolGrad: argument 'dy' has shape \[1, 4, 4, 1\], expected \[1, 2, 2, 1\]/,
    );
    x.dispose();
  });
});

interface Case {
  readonly x: number[];
  readonly filter: number | [number, number];
  readonly strides: number | [number, number];
  readonly pad: nr.Padding;
}

const CASES: Case[] = [
  { x: [2, 7, 6, 3], filter: [3, 2], strides: [2, 1], pad: 'same' },
  { x: [1, 8, 7, 2], filter: 3, strides: 1, pad: 'valid' },
  {
    x: [2, 6, 5, 2],
    filter: [2, 3],
    strides: 3,
    pad: [
      [1, 1],
      [0, 2],
    ],
  },
  { x: [1, 9, 9, 1], filter: 2, strides: 3, pad: 'same' },
  { x: [3, 4, 4, 4], filter: 3, strides: 2, pad: 1 },
];

/** Forward and input gradient of `sum(pool(x) * r)` for max and average pooling on the active backend. */
async function forwardAndGrads(c: Case): Promise<Float32Array[]> {
  const info = nr.pool2dInfo(c.x, c.filter, c.strides, c.pad);
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const x = nr.tensor(distinctData(size(c.x), 1), c.x);
  const outShape = [info.batch, info.outHeight, info.outWidth, info.channels];
  const r = nr.tensor(distinctData(size(outShape), 2), outShape);
  const out = nr.tidy(() =>
    [nr.maxPool, nr.avgPool].flatMap((pool) => {
      const f = (t: nr.Tensor) => pool(t, c.filter, c.strides, c.pad);
      return [f(x), nr.grad((t) => nr.sum(nr.mul(f(t), r)))(x)];
    }),
  );
  const data = (await Promise.all(out.map((t) => t.data()))) as Float32Array[];
  nr.dispose([x, r, out]);
  return data;
}

describe('pooling composites agree with the native kernels', () => {
  for (const c of CASES) {
    it(`x ${JSON.stringify(c.x)} filter ${c.filter} strides ${c.strides} pad ${JSON.stringify(c.pad)}`, async () => {
      const expected = await forwardAndGrads(c);
      await nr.setBackend(plainCpu());
      const actual = await forwardAndGrads(c);
      for (let i = 0; i < expected.length; i++) expectClose(actual[i]!, expected[i]!);
    });
  }
});

describe('pooling gradients (finite differences)', () => {
  for (const backend of ['native', 'composite'] as const) {
    it(`${backend}: maxPool, avgPool and their backward ops`, async () => {
      await nr.setBackend(backend === 'native' ? native : plainCpu());
      const x = nr.tensor(distinctData(2 * 5 * 4 * 2, 3), [2, 5, 4, 2]);
      const opts = { eps: 1e-2, tol: 1e-3 };
      expect((await nr.gradCheck((t) => nr.maxPool(t, [3, 2], [2, 1], 'same'), [x], opts)).passed).toBe(true);
      expect((await nr.gradCheck((t) => nr.avgPool(t, 2, 2, 'same'), [x], opts)).passed).toBe(true);
      const info = nr.pool2dInfo(x.shape, [3, 2], [2, 1], 'same');
      const dy = nr.tensor(distinctData(2 * info.outHeight * info.outWidth * 2, 4), [
        2,
        info.outHeight,
        info.outWidth,
        2,
      ]);
      expect((await nr.gradCheck((d) => nr.maxPoolBackprop(d, x, info), [dy], opts)).passed).toBe(true);
      expect((await nr.gradCheck((d) => nr.avgPoolBackprop(d, info), [dy], opts)).passed).toBe(true);
      nr.dispose([x, dy]);
    });
  }
});

describe('pooling memory', () => {
  for (const backend of ['native', 'composite'] as const) {
    it(`${backend}: leaves only its result (forward and gradients)`, async () => {
      const b = backend === 'native' ? native : plainCpu();
      await nr.setBackend(b);
      const x = nr.tensor(distinctData(2 * 6 * 6 * 2, 5), [2, 6, 6, 2]);
      const tensors = nr.memory().numTensors;
      const handles = b.stats().handles;
      for (const pool of [nr.maxPool, nr.avgPool]) {
        const y = pool(x, 3, 2, 'same');
        expect(nr.memory().numTensors).toBe(tensors + 1);
        expect(b.stats().handles).toBe(handles + 1);
        y.dispose();
        const dx = nr.tidy(() => nr.grad((t) => nr.sum(nr.square(pool(t, 2, 1, 'same'))))(x));
        expect(nr.memory().numTensors).toBe(tensors + 1);
        expect(b.stats().handles).toBe(handles + 1);
        dx.dispose();
      }
      expect(nr.memory().numTensors).toBe(tensors);
      expect(b.stats().handles).toBe(handles);
      x.dispose();
    });
  }
});
