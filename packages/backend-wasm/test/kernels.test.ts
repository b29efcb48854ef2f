/**
 * What is special about the WASM backend's kernels (the conformance suite covers the rest): the places
 * where we compose or replace tfjs-wasm kernels, checked against hand-computed values or the CPU
 * reference backend on the same data.
 */
import { cpu } from '@neurona/backend-cpu';
import type { Backend, BinaryOp, Conv2DInfo, DType, Operand, TypedArray } from '@neurona/core';
import * as nr from '@neurona/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type WasmBackend, wasm } from '../src/index.js';
import { broadcastTo } from '../src/kernels/broadcast.js';
import { gradFilterByColumns, gradInputByColumns } from '../src/kernels/conv2d-columns.js';
import { loadTfjsWasm } from '../src/module.js';
import { Runner, type TfInfo } from '../src/runner.js';

let be: WasmBackend;
const ref = cpu({ fast: false });

beforeAll(async () => {
  be = await wasm();
});

function typed(data: readonly number[], dtype: DType): TypedArray {
  if (dtype === 'float32') return Float32Array.from(data);
  return dtype === 'int32' ? Int32Array.from(data) : Uint8Array.from(data);
}

function up(b: Backend, data: readonly number[], shape: number[], dtype: DType = 'float32'): Operand {
  return { handle: b.upload(typed(data, dtype), { shape, dtype }), shape, dtype };
}

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

/** Run `k` on the WASM backend and on the CPU reference with the same host inputs; both results. */
function both(
  inputs: readonly { data: readonly number[]; shape: number[]; dtype?: DType }[],
  k: (b: Backend, xs: Operand[]) => ReturnType<Backend['upload']>,
): [TypedArray, TypedArray] {
  const run = (b: Backend): TypedArray => {
    const xs = inputs.map((i) => up(b, i.data, i.shape, i.dtype));
    const h = k(b, xs);
    const out = b.readSync!(h);
    b.dispose(h);
    for (const x of xs) b.dispose(x.handle);
    return out;
  };
  return [run(be), run(ref)];
}

function expectClose(got: TypedArray, want: TypedArray, tol: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (Math.abs(got[i]! - want[i]!) > tol * (1 + Math.abs(want[i]!))) {
      throw new Error(`index ${i}: got ${got[i]}, expected ${want[i]}`);
    }
  }
}

describe('int32 div and mod (ours, not tfjs-wasm FloorDiv / Mod)', () => {
  it('are exact beyond 2^24 and give 0 for a zero divisor, like the CPU backend', () => {
    const a = [2 ** 30 + 1, -(2 ** 30) - 1, 7, -7, 7, -7, 5, 0];
    const b = [3, 3, 2, 2, -2, -2, 0, 0];
    for (const op of ['div', 'mod'] as BinaryOp[]) {
      const [got, want] = both(
        [
          { data: a, shape: [8], dtype: 'int32' },
          { data: b, shape: [8], dtype: 'int32' },
        ],
        (bk, [x, y]) => bk.kernels.binary(op, x!, y!, { shape: [8], dtype: 'int32' }),
      );
      expect(got).toBeInstanceOf(Int32Array);
      expect(Array.from(got)).toEqual(Array.from(want));
    }
    // hand-checked: floor((2^30 + 1) / 3) = 357913941; 7 mod -2 = -1; x / 0 = x mod 0 = 0
    const [div] = both(
      [
        { data: [2 ** 30 + 1, 7, 5], shape: [3], dtype: 'int32' },
        { data: [3, -2, 0], shape: [3], dtype: 'int32' },
      ],
      (bk, [x, y]) => bk.kernels.binary('div', x!, y!, { shape: [3], dtype: 'int32' }),
    );
    expect(Array.from(div)).toEqual([357913941, -4, 0]);
  });

  it('broadcast like the native ops', () => {
    const [got, want] = both(
      [
        { data: [9, -9, 10, -10, 11, -11], shape: [2, 1, 3], dtype: 'int32' },
        { data: [4, -4], shape: [2, 1], dtype: 'int32' },
      ],
      (bk, [x, y]) => bk.kernels.binary('mod', x!, y!, { shape: [2, 2, 3], dtype: 'int32' }),
    );
    expect(Array.from(got)).toEqual(Array.from(want));
  });
});

describe('large float32 broadcasts (a trailing-axes operand is repeated, then the equal-shape op runs)', () => {
  it('match the CPU reference on either side, with leading 1s, and leave other patterns alone', () => {
    const big = { data: values(4096 * 8, 4), shape: [64, 64, 8] };
    const cases: [{ data: number[]; shape: number[] }, { data: number[]; shape: number[] }][] = [
      [big, { data: values(8, 5), shape: [8] }],
      [{ data: values(8, 6), shape: [1, 1, 8] }, big],
      [big, { data: values(512, 7), shape: [64, 8] }],
      [big, { data: values(64, 8), shape: [64, 1, 1] }],
    ];
    for (const op of ['add', 'sub', 'mul', 'div'] as BinaryOp[]) {
      for (const [a, b] of cases) {
        const [got, want] = both([a, b], (bk, [x, y]) =>
          bk.kernels.binary(op, x!, y!, { shape: [64, 64, 8], dtype: 'float32' }),
        );
        expectClose(got, want, 1e-6);
      }
    }
  });
});

describe('broadcastTo (ours: block copies and doubling, instead of tfjs-wasm Tile)', () => {
  it('repeats inner, middle, outer and several axes, for every dtype, like NumPy', async () => {
    const tw = new Runner((await loadTfjsWasm({})).backend);
    const cases: [number[], number[]][] = [
      [
        [3, 1],
        [3, 5],
      ],
      [
        [2, 1, 3],
        [2, 4, 3],
      ],
      [
        [1, 3],
        [4, 3],
      ],
      [[3], [2, 2, 3]],
      [
        [2, 1, 1],
        [2, 3, 2],
      ],
      [
        [1, 2, 1],
        [3, 2, 2],
      ],
      [[], [2, 3]],
      [
        [1, 1],
        [0, 3],
      ],
    ];
    for (const dtype of ['float32', 'int32', 'bool'] as DType[]) {
      for (const [from, to] of cases) {
        const n = from.reduce((p, d) => p * d, 1);
        const data = Array.from({ length: n }, (_, i) => (dtype === 'bool' ? i % 2 : i + 1));
        const x = tw.upload(typed(data, dtype), from, dtype);
        const y = broadcastTo(tw, x, to);
        // Naive reference: out index -> source index, axis by axis (size-1 source axes read index 0).
        const lifted = [...new Array<number>(to.length - from.length).fill(1), ...from];
        const want: number[] = [];
        const total = to.reduce((p, d) => p * d, 1);
        for (let i = 0; i < total; i++) {
          let rest = i;
          let src = 0;
          let stride = 1;
          for (let d = to.length - 1; d >= 0; d--) {
            const c = rest % to[d]!;
            rest = Math.floor(rest / to[d]!);
            src += (lifted[d] === 1 ? 0 : c) * stride;
            stride *= lifted[d]!;
          }
          want.push(data[src]!);
        }
        expect(Array.from(tw.heap(y)), `${dtype} [${from}] -> [${to}]`).toEqual(want);
        tw.free(x, y);
      }
    }
  });
});

describe('composed unary ops', () => {
  it('step is 1 at 0 and NaN stays NaN', () => {
    const x = up(be, [-1, -0, 0, 2, Number.NaN, Number.NEGATIVE_INFINITY], [6]);
    const h = be.kernels.unary('step', x, { shape: [6], dtype: 'float32' });
    expect(Array.from(be.readSync(h))).toEqual([0, 1, 1, 1, Number.NaN, 0]);
    be.dispose(h);
    be.dispose(x.handle);
  });

  it('log1p keeps its digits near 0', () => {
    const x = up(be, [1e-7, -1e-7, 1e-3, 0], [4]);
    const h = be.kernels.unary('log1p', x, { shape: [4], dtype: 'float32' });
    // float32 inputs, log1p in double precision, rounded once to float32 (log(1 + 1e-7) would give 1.19e-7)
    const want = [1e-7, -1e-7, 1e-3, 0].map((v) => Math.fround(Math.log1p(Math.fround(v))));
    expect(Array.from(be.readSync(h))).toEqual(want);
    be.dispose(h);
    be.dispose(x.handle);
  });

  it('float ops of int32 input give float32', () => {
    const x = up(be, [1, 4, 9], [3], 'int32');
    const h = be.kernels.unary('sqrt', x, { shape: [3], dtype: 'float32' });
    const got = be.readSync(h);
    expect(got).toBeInstanceOf(Float32Array);
    expect(Array.from(got)).toEqual([1, 2, 3]);
    be.dispose(h);
    be.dispose(x.handle);
  });
});

describe('cast and where', () => {
  it('cast to bool is x != 0 (tfjs-wasm would truncate bytes: 0.5 -> 0, 256 -> 0)', () => {
    const x = up(be, [0.5, 256, -1, 0, Number.NaN], [5]);
    const h = be.kernels.cast(x, { shape: [5], dtype: 'bool' });
    expect(Array.from(be.readSync(h))).toEqual([1, 1, 1, 0, 1]);
    be.dispose(h);
    be.dispose(x.handle);
  });

  it('where copies int32 and bool exactly, with three-way broadcasting', () => {
    const big = [2147483647, -2147483648, 1, -1, 16777217, 0];
    for (const dtype of ['int32', 'bool'] as DType[]) {
      const a = dtype === 'int32' ? big : [1, 0, 1, 0, 1, 0];
      const [got, want] = both(
        [
          { data: [1, 0], shape: [2, 1], dtype: 'bool' },
          { data: a, shape: [1, 6], dtype },
          { data: dtype === 'int32' ? [7] : [1], shape: [1], dtype },
        ],
        (bk, [c, x, y]) => bk.kernels.where(c!, x!, y!, { shape: [2, 6], dtype }),
      );
      expect(Array.from(got)).toEqual(Array.from(want));
    }
  });
});

describe('unsortedSegmentSum as ScatterNd', () => {
  it('drops ids outside [0, numSegments) instead of writing out of bounds', () => {
    const x = up(be, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [5, 2]);
    const ids = up(be, [1, 0, 1, 5, -1], [5], 'int32');
    const h = be.kernels.unsortedSegmentSum(x, ids, 3, { shape: [3, 2], dtype: 'float32' });
    expect(Array.from(be.readSync(h))).toEqual([3, 4, 6, 8, 0, 0]);
    for (const k of [h, x.handle, ids.handle]) be.dispose(k);
  });
});

describe('convolution gradients: both paths (XNNPACK convolutions, columns around GEMMs) match the CPU', () => {
  type Case = [string, number[], number[], number | [number, number], 'same' | 'valid', number, number];
  const cases: Case[] = [
    ['stride 1, same, dilation 2', [2, 7, 6, 3], [3, 2, 3, 2], 1, 'same', 2, 1e-5],
    ['stride 2, same, dilation 2', [3, 9, 8, 3], [3, 3, 3, 4], 2, 'same', 2, 1e-5],
    ['stride [2, 1], valid', [2, 7, 6, 2], [2, 3, 2, 3], [2, 1], 'valid', 1, 1e-5],
    ['stride 3 leaving rows unread', [1, 9, 8, 2], [2, 2, 2, 2], 3, 'valid', 1, 1e-5],
    // 16 * 16 positions x 5 * 5 * 16 fields per image: 40 images per chunk of columns, so 48 take two.
    // Each filter-gradient entry sums 12288 signed products: float32 GEMM rounding reaches ~1e-4.
    ['batch chunks', [48, 20, 20, 16], [5, 5, 16, 2], 1, 'valid', 1, 1e-3],
  ];
  let tw: Runner;
  beforeAll(async () => {
    tw = new Runner((await loadTfjsWasm({})).backend);
  });
  /** Run a column-path function on host data and return its result. */
  const columns = (
    f: (a: TfInfo, b: TfInfo) => TfInfo,
    a: { data: number[]; shape: number[] },
    b: { data: number[]; shape: number[] },
  ): TypedArray => {
    const ta = tw.upload(Float32Array.from(a.data), a.shape, 'float32');
    const tb = tw.upload(Float32Array.from(b.data), b.shape, 'float32');
    const y = f(ta, tb);
    const out = tw.heap(y).slice();
    tw.free(ta, tb, y);
    return out;
  };
  for (const [name, xShape, fShape, strides, padding, dilation, tol] of cases) {
    it(name, () => {
      const info: Conv2DInfo = nr.conv2dInfo(xShape, fShape, strides, padding, dilation);
      const dyShape = [info.batch, info.outHeight, info.outWidth, info.outChannels];
      const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
      const x = { data: values(size(xShape), 1), shape: xShape };
      const f = { data: values(size(fShape), 2), shape: fShape };
      const dy = { data: values(size(dyShape), 3), shape: dyShape };
      const dwOut = { shape: fShape, dtype: 'float32' as const };
      const dxOut = { shape: xShape, dtype: 'float32' as const };
      const [dw, dwRef] = both([x, dy], (b, [xo, dyo]) =>
        b.kernels.conv2dGradFilter!(xo!, dyo!, info, dwOut),
      );
      expectClose(dw, dwRef, tol);
      expectClose(
        columns((a, b) => gradFilterByColumns(tw, a, b, info, dwOut), x, dy),
        dwRef,
        tol,
      );
      const [dx, dxRef] = both([dy, f], (b, [dyo, fo]) => b.kernels.conv2dGradInput!(dyo!, fo!, info, dxOut));
      expectClose(dx, dxRef, tol);
      expectClose(
        columns((a, b) => gradInputByColumns(tw, a, b, info, dxOut), dy, f),
        dxRef,
        tol,
      );
    });
  }
});

describe('matmul on XNNPACK', () => {
  it('transposes, broadcasts batches like the CPU reference, and frees a cached transposed b with b', async () => {
    const heap = (await loadTfjsWasm({})).backend;
    const base = heap.numDataIds();
    for (const [aShape, bShape, ta, tb] of [
      [[1, 3, 4], [1, 5, 4], false, true],
      [[2, 4, 3], [1, 4, 5], true, false],
      [[1, 3, 4], [2, 4, 5], false, false],
      [[2, 4, 3], [2, 5, 4], true, true],
    ] as [number[], number[], boolean, boolean][]) {
      const m = ta ? aShape[2]! : aShape[1]!;
      const n = tb ? bShape[1]! : bShape[2]!;
      const out = { shape: [Math.max(aShape[0]!, bShape[0]!), m, n], dtype: 'float32' as const };
      const [got, want] = both(
        [
          {
            data: values(
              aShape.reduce((p, d) => p * d),
              1,
            ),
            shape: aShape,
          },
          {
            data: values(
              bShape.reduce((p, d) => p * d),
              2,
            ),
            shape: bShape,
          },
        ],
        (bk, [a, b]) => bk.kernels.matmul(a!, b!, ta, tb, out),
      );
      expectClose(got, want, 1e-6);
    }
    expect(heap.numDataIds()).toBe(base);
    // The second product with the same b reuses its transposed copy, which goes when b goes.
    const a = up(be, values(12, 3), [1, 3, 4]);
    const b = up(be, values(20, 4), [1, 5, 4]);
    const out = { shape: [1, 3, 5], dtype: 'float32' as const };
    const y1 = be.kernels.matmul(a, b, false, true, out);
    const afterFirst = heap.numDataIds();
    const y2 = be.kernels.matmul(a, b, false, true, out);
    expect(heap.numDataIds()).toBe(afterFirst + 1);
    expect(Array.from(be.readSync(y2))).toEqual(Array.from(be.readSync(y1)));
    for (const h of [y1, y2, a.handle, b.handle]) be.dispose(h);
    expect(heap.numDataIds()).toBe(base);
  });
});

describe('matmul weights seen through reshaped views', () => {
  it('do not reuse an XNNPACK operator packed for another shape of the same data', () => {
    // XNNPACK caches packed weights by tensor id; core reshapes are views of the same handle.
    const w = values(24, 5);
    const bh = be.upload(Float32Array.from(w), { shape: [24], dtype: 'float32' });
    const naive = (a: number[], m: number, k: number, n: number) =>
      Array.from({ length: m * n }, (_, idx) => {
        const [i, j] = [Math.floor(idx / n), idx % n];
        let s = 0;
        for (let p = 0; p < k; p++) s += a[i * k + p]! * w[p * n + j]!;
        return s;
      });
    for (const [k, n] of [
      [4, 6],
      [8, 3],
      [4, 6],
      [2, 12],
    ] as const) {
      const a = values(2 * k, k);
      const ah = up(be, a, [1, 2, k]);
      const y = be.kernels.matmul(ah, { handle: bh, shape: [1, k, n], dtype: 'float32' }, false, false, {
        shape: [1, 2, n],
        dtype: 'float32',
      });
      expectClose(be.readSync(y), Float32Array.from(naive(a, 2, k, n)), 1e-6);
      be.dispose(y);
      be.dispose(ah.handle);
    }
    be.dispose(bh);
  });
});

describe('pooling with padding', () => {
  it('averages and spreads gradients over in-bounds elements only (asymmetric and explicit padding)', () => {
    const explicit: nr.Padding = [
      [1, 0],
      [1, 1],
    ];
    for (const [padding, filter, stride] of [
      ['same', 2, 2],
      ['same', 3, 2],
      [explicit, 2, 1],
    ] as [nr.Padding, number, number][]) {
      const info = nr.pool2dInfo([2, 3, 3, 2], filter, stride, padding);
      const outShape = [2, info.outHeight, info.outWidth, 2];
      const x = { data: values(36, 12), shape: [2, 3, 3, 2] };
      const dy = {
        data: values(
          outShape.reduce((p, d) => p * d),
          13,
        ),
        shape: outShape,
      };
      const [y, yRef] = both([x], (b, [xo]) =>
        b.kernels.avgPool!(xo!, info, { shape: outShape, dtype: 'float32' }),
      );
      expectClose(y, yRef, 1e-6);
      const [dx, dxRef] = both([dy], (b, [dyo]) =>
        b.kernels.avgPoolGrad!(dyo!, info, { shape: [2, 3, 3, 2], dtype: 'float32' }),
      );
      expectClose(dx, dxRef, 1e-6);
      const [m, mRef] = both([x], (b, [xo]) =>
        b.kernels.maxPool!(xo!, info, { shape: outShape, dtype: 'float32' }),
      );
      expectClose(m, mRef, 0);
      const [g, gRef] = both([dy, x], (b, [dyo, xo]) =>
        b.kernels.maxPoolGrad!(dyo!, xo!, info, { shape: [2, 3, 3, 2], dtype: 'float32' }),
      );
      expectClose(g, gRef, 1e-6);
    }
  });
});

describe('slice (ours, on the heap)', () => {
  it('cuts inner, outer and whole-axis blocks like the CPU reference', () => {
    const shape = [3, 4, 5, 2];
    const data = values(120, 9);
    for (const [begin, size] of [
      [
        [1, 0, 0, 0],
        [2, 4, 5, 2],
      ],
      [
        [0, 1, 2, 1],
        [3, 2, 3, 1],
      ],
      [
        [2, 3, 4, 0],
        [1, 1, 1, 2],
      ],
      [
        [0, 0, 0, 0],
        [0, 4, 5, 2],
      ],
    ]) {
      const [got, want] = both([{ data, shape }], (b, [x]) =>
        b.kernels.slice(x!, begin!, { shape: size!, dtype: 'float32' }),
      );
      expect(Array.from(got)).toEqual(Array.from(want));
    }
  });
});

describe('storage', () => {
  it('reads are copies, stats count this backend only, and a freed handle is refused', async () => {
    const other = await wasm();
    const x = up(be, [1, 2, 3], [3]);
    const before = other.stats();
    const copy = be.readSync(x.handle);
    copy[0] = 42;
    expect(Array.from(await be.read(x.handle))).toEqual([1, 2, 3]);
    expect(other.stats()).toEqual(before);
    const mine = be.stats();
    be.dispose(x.handle);
    expect(be.stats()).toEqual({ handles: mine.handles - 1, bytes: mine.bytes - 12 });
    expect(() => be.readSync(x.handle)).toThrow(/unknown or already disposed handle/);
    expect(() => other.dispose(x.handle)).toThrow(/unknown or already disposed handle/);
  });

  it('upload checks the value count', () => {
    expect(() => be.upload(new Float32Array(3), { shape: [2, 2], dtype: 'float32' })).toThrow(
      'wasm: upload got 3 values for shape [2, 2] (4 elements)',
    );
  });
});
