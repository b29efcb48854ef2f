import * as nr from '@neurona/core';
import { describe, expect, it } from 'vitest';
import { conv2d } from '../kernels/conv2d.js';
import { fastConv2d } from './conv.js';
import { runGemm } from './gemm.js';
import { fastRuntime } from './runtime.js';

/** Copy `data` into a new block of the runtime's memory. */
function put(data: Float32Array): number {
  const rt = fastRuntime()!;
  const p = rt.heap.alloc(data.byteLength);
  rt.heap.f32().set(data, p >> 2);
  return p;
}

function get(p: number, n: number): Float32Array {
  return fastRuntime()!
    .heap.f32()
    .slice(p >> 2, (p >> 2) + n);
}

function values(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.5);
}

describe('fused bias + ReLU write-back (for a conv + bias + activation kernel)', () => {
  for (const [label, xs, fs] of [
    ['3x3 same, 5 -> 11 channels', [2, 6, 7, 5], [3, 3, 5, 11]],
    ['1x1 pointwise', [1, 4, 4, 8], [1, 1, 8, 16]],
  ] as const) {
    it(`conv2d then bias then relu in one pass: ${label}`, () => {
      const rt = fastRuntime()!;
      const pad = fs[0] === 1 ? 'valid' : 'same';
      const info = nr.conv2dInfo(xs, fs, [1, 1], pad, [1, 1]);
      const n = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
      const ys = [info.batch, info.outHeight, info.outWidth, info.outChannels];
      const x = values(n(xs), 1);
      const f = values(n(fs), 2);
      const bias = values(fs[3], 3);
      const want = conv2d(
        { data: x, shape: xs, dtype: 'float32' },
        { data: f, shape: fs, dtype: 'float32' },
        info,
        { shape: ys, dtype: 'float32' },
      ).map((v, i) => Math.max(0, v + bias[i % fs[3]]!));
      const y = rt.heap.alloc(n(ys) * 4);
      for (const threads of [1, 2]) {
        fastConv2d(rt, put(x), put(f), y, info, { threads, threshold: 0 }, put(bias), true);
        const got = get(y, n(ys));
        for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 5);
      }
    });
  }

  it('accumulates into C when asked (C += A * B)', () => {
    const rt = fastRuntime()!;
    const a = put(Float32Array.from([1, 2, 3, 4, 5, 6])); // 2x3
    const b = put(Float32Array.from([1, 0, 0, 1, 1, 1])); // 3x2
    const c = put(Float32Array.from([10, 20, 30, 40])); // + [[4, 5], [10, 11]]
    runGemm(
      rt,
      {
        M: 2,
        N: 2,
        K: 3,
        batch: 1,
        a,
        aRs: 3,
        aCs: 1,
        aBatch: 0,
        b,
        bRs: 2,
        bCs: 1,
        bBatch: 0,
        c,
        ldc: 2,
        cBatch: 0,
        accumulate: true,
      },
      { threads: 1, threshold: Infinity },
    );
    expect(Array.from(get(c, 4))).toEqual([14, 25, 40, 51]);
  });
});
