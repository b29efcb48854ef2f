import * as nr from '@neurona/core';
import { describe, expect, it } from 'vitest';
import {
  depthwiseConv2d,
  depthwiseConv2dGradFilter,
  depthwiseConv2dGradInput,
} from '../kernels/depthwise-conv2d.js';
import type { Input } from '../kernels/strided.js';
import {
  fastDepthwiseConv2d,
  fastDepthwiseConv2dGradFilter,
  fastDepthwiseConv2dGradInput,
} from './depthwise.js';
import type { Parallelism } from './gemm.js';
import { fastRuntime, type Runtime } from './runtime.js';

const count = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

function values(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.5);
}

const input = (data: Float32Array, shape: readonly number[]): Input => ({ data, shape, dtype: 'float32' });

/** Copy `data` into a new block of the runtime's memory (the caller frees it). */
function put(rt: Runtime, data: Float32Array): number {
  const p = rt.heap.alloc(data.byteLength);
  rt.heap.f32().set(data, p >> 2);
  return p;
}

/** Run `fn(a, b, out)` on copies of `a` and `b` into an output block pre-filled with NaN; returns the output. */
function onHeap(
  a: Float32Array,
  b: Float32Array,
  outLength: number,
  fn: (rt: Runtime, pa: number, pb: number, po: number) => void,
): Float32Array {
  const rt = fastRuntime()!;
  const pa = put(rt, a);
  const pb = put(rt, b);
  const po = put(rt, new Float32Array(outLength).fill(Number.NaN)); // every element must be written
  try {
    fn(rt, pa, pb, po);
    return rt.heap.f32().slice(po >> 2, (po >> 2) + outLength);
  } finally {
    rt.heap.free(pa, a.byteLength);
    rt.heap.free(pb, b.byteLength);
    rt.heap.free(po, outLength * 4);
  }
}

function expectClose(got: Float32Array, want: Float32Array): void {
  expect(got.length).toBe(want.length);
  const scale = Math.max(1, ...Array.from(want, Math.abs));
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) || 0);
  expect(Number.isNaN(got.reduce((s, v) => s + v, 0))).toBe(false);
  expect(worst).toBeLessThan(2e-6 * scale * 16);
}

// [label, x shape, filter shape, strides, padding, dilations]
const CASES: readonly [string, number[], number[], number, 'same' | 'valid', number][] = [
  ['3x3 stride 1 same, 32 channels (16-wide blocks)', [2, 7, 6, 32], [3, 3, 32, 1], 1, 'same', 1],
  ['3x3 stride 2 valid, 21 channels (tails)', [1, 9, 8, 21], [3, 3, 21, 1], 2, 'valid', 1],
  ['3x3 stride 2 same, 5 channels', [2, 8, 7, 5], [3, 3, 5, 1], 2, 'same', 1],
  ['5x5 stride 1 same, 3 channels', [1, 6, 6, 3], [5, 5, 3, 1], 1, 'same', 1],
  ['3x3 dilation 2 same, 6 channels', [1, 7, 9, 6], [3, 3, 6, 1], 1, 'same', 2],
  ['2x3 stride 1 valid, multiplier 2', [2, 5, 6, 3], [2, 3, 3, 2], 1, 'valid', 1],
  ['3x3 stride 2 same, multiplier 3', [1, 7, 7, 5], [3, 3, 5, 3], 2, 'same', 1],
  ['filter wider than the image, same', [1, 2, 3, 4], [3, 5, 4, 1], 1, 'same', 1],
];

const PARALLELISM: readonly [string, Parallelism][] = [
  ['one thread', { threads: 1, threshold: Infinity }],
  ['the pool', { threads: 2, threshold: 0 }],
];

describe('fast depthwise convolution against the reference kernels', () => {
  for (const [label, xs, fs, stride, padding, dilation] of CASES) {
    const info = nr.depthwiseConv2dInfo(xs, fs, stride, padding, dilation);
    const ys = [info.batch, info.outHeight, info.outWidth, info.outChannels];
    const x = values(count(xs), 1);
    const f = values(count(fs), 2);
    const dy = values(count(ys), 3);
    const out = (shape: number[]) => ({ shape, dtype: 'float32' as const });
    for (const [where, par] of PARALLELISM) {
      it(`forward: ${label}, ${where}`, () => {
        const want = depthwiseConv2d(input(x, xs), input(f, fs), info, out(ys));
        const got = onHeap(x, f, count(ys), (rt, a, b, o) => fastDepthwiseConv2d(rt, a, b, o, info, par));
        expectClose(got, want);
      });
      it(`input gradient: ${label}, ${where}`, () => {
        const want = depthwiseConv2dGradInput(input(dy, ys), input(f, fs), info, out(xs));
        const got = onHeap(dy, f, count(xs), (rt, a, b, o) =>
          fastDepthwiseConv2dGradInput(rt, a, b, o, info, par),
        );
        expectClose(got, want);
      });
      it(`filter gradient: ${label}, ${where}`, () => {
        const want = depthwiseConv2dGradFilter(input(x, xs), input(dy, ys), info, out(fs));
        const got = onHeap(x, dy, count(fs), (rt, a, b, o) =>
          fastDepthwiseConv2dGradFilter(rt, a, b, o, info, par),
        );
        expectClose(got, want);
      });
    }
  }

  it('gives the same filter gradient on one thread and on the pool (fixed partial blocks)', () => {
    const xs = [2, 20, 20, 24];
    const fs = [3, 3, 24, 1];
    const info = nr.depthwiseConv2dInfo(xs, fs, 1, 'same');
    const x = values(count(xs), 4);
    const dy = values(count(xs), 5);
    const run = (par: Parallelism) =>
      onHeap(x, dy, count(fs), (rt, a, b, o) => fastDepthwiseConv2dGradFilter(rt, a, b, o, info, par));
    expect(Array.from(run(PARALLELISM[1]![1]))).toEqual(Array.from(run(PARALLELISM[0]![1])));
  });
});
