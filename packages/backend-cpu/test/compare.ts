/**
 * Helpers for the fast-versus-reference tests: a seeded generator, the same data uploaded to a fast and a
 * reference backend, and an elementwise comparison with the conformance suite's tolerance rule.
 */
import type { DType, Handle, Operand, TypedArray } from '@neurona/core';
import { expect } from 'vitest';
import { createRuntime } from '../src/fast/runtime.js';
import { type CpuBackend, cpu, createCpuBackend } from '../src/index.js';

/** Tolerance of every fast-versus-reference comparison: |fast - ref| <= TOL * (1 + |ref|). */
export const TOL = 1e-5;

/** Seeded uniform generator (mulberry32), so failures reproduce. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random integer in [lo, hi]. */
export function int(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Uniform values in [-1, 1) as float32. */
export function randomData(r: () => number, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = r() * 2 - 1;
  return a;
}

/** The backends a comparison runs on: reference first, then the fast variants. */
export interface Pair {
  readonly ref: CpuBackend;
  readonly fast: readonly CpuBackend[];
}

/**
 * A reference backend, then fast ones: single-threaded; splitting every job over 2 threads; and on an
 * unshared memory that grows a page at a time (as in a browser page without cross-origin isolation).
 */
export function backends(): Pair {
  return {
    ref: cpu({ fast: false }),
    fast: [
      cpu({ threads: 1 }),
      cpu({ threads: 2, parallelThreshold: 0 }),
      createCpuBackend({ threads: 1 }, createRuntime(false, 1)),
    ],
  };
}

/** Upload `data` with `shape` to `be` as an operand. */
export function operand(
  be: CpuBackend,
  data: TypedArray,
  shape: readonly number[],
  dtype: DType = 'float32',
): Operand {
  return { handle: be.upload(data, { shape, dtype }), shape, dtype };
}

/** Read and dispose a kernel's output. */
export function take(be: CpuBackend, h: Handle): TypedArray {
  const out = be.readSync(h);
  be.dispose(h);
  return out;
}

/** Expect `got` to match `want` elementwise within {@link TOL} (NaN matches NaN, infinities exactly). */
export function expectMatch(got: TypedArray, want: TypedArray, label: string): void {
  expect(got.length, `${label}: length`).toBe(want.length);
  let bad = -1;
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    let ok: boolean;
    if (Number.isNaN(w)) ok = Number.isNaN(g);
    else if (!Number.isFinite(w)) ok = g === w;
    else {
      const err = Math.abs(g - w) / (1 + Math.abs(w));
      worst = Math.max(worst, err);
      ok = err <= TOL;
    }
    if (!ok && bad < 0) bad = i;
  }
  if (bad >= 0) {
    throw new Error(
      `${label}: element ${bad} is ${got[bad]}, reference ${want[bad]} (worst relative error ${worst})`,
    );
  }
}

/**
 * Run `kernel` on the reference backend and on every fast backend with the same inputs (`inputs` gives
 * data, shape and dtype per operand) and compare the outputs.
 */
export function compareKernel(
  pair: Pair,
  inputs: readonly { data: TypedArray; shape: readonly number[]; dtype?: DType }[],
  kernel: (be: CpuBackend, ops: Operand[]) => Handle,
  label: string,
): void {
  const run = (be: CpuBackend): TypedArray => {
    const ops = inputs.map((i) => operand(be, i.data, i.shape, i.dtype));
    const out = take(be, kernel(be, ops));
    for (const o of ops) be.dispose(o.handle);
    return out;
  };
  const want = run(pair.ref);
  for (const [i, be] of pair.fast.entries()) {
    const got = run(be);
    expect(got.constructor, `${label}: output type`).toBe(want.constructor);
    expectMatch(got, want, `${label} (fast backend ${i}: ${JSON.stringify(be.features)})`);
  }
}
