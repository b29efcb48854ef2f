/**
 * Fast LSTM and GRU sequence kernels (SimpleRNN's are in `recurrent-simple.ts`) on WebAssembly memory: per time step, the recurrent products go to the
 * SIMD GEMM (weights packed once per sequence; the previous state read straight out of the `packed` output
 * through its row stride) and the gate math to one or two SIMD passes (assembly/recurrent.ts). Unit counts
 * that are not a multiple of 4 take the scalar loops of `recurrent-scalar.ts`. Scratch is allocated once per
 * call, outside the time loop. Same layouts and results (within float32 rounding) as `kernels/recurrent.ts`.
 *
 * @packageDocumentation
 */
import type { RnnSequenceInfo } from '@neurona/core';
import { timeOf } from '../kernels/recurrent.js';
import { type PrepackedB, prepackB } from './gemm.js';
import {
  gruBackwardScalar,
  gruForwardScalar,
  lstmBackwardScalar,
  lstmForwardScalar,
} from './recurrent-scalar.js';
import { rnnBackward, rnnForward } from './recurrent-simple.js';
import type { Runtime } from './runtime.js';

/**
 * Addresses (bytes) of the operands of one sequence kernel.
 *
 * @example
 * ```ts
 * const ptrs: Ptrs = { a: xw, p: 0, u: recurrentKernel, rb: 0, out };
 * ```
 */
export interface Ptrs {
  /** First input: `xw` (forward) or `dPacked` (backward). */
  readonly a: number;
  /** `packed` (backward only; forward: 0). */
  readonly p: number;
  /** Recurrent kernel. */
  readonly u: number;
  /** Recurrent bias (GRU `resetAfter` with a bias), else 0. */
  readonly rb: number;
  /** Output. */
  readonly out: number;
}

/**
 * Run the fast kernel `kind` writing its result at `ptrs.out`.
 *
 * @example
 * ```ts
 * fastRecurrent(rt, 'lstm', { a: xw, p: 0, u, rb: 0, out }, info);
 * ```
 */
export function fastRecurrent(
  rt: Runtime,
  kind: 'lstm' | 'lstmGrad' | 'gru' | 'gruGrad' | 'rnn' | 'rnnGrad',
  ptrs: Ptrs,
  info: RnnSequenceInfo,
): void {
  const { batch: B, units: n } = info;
  // Scratch: gate products and activations (LSTM forward: 14 [batch, u] blocks), carried gradients.
  const bytes = 14 * B * n * 4;
  const scratch = rt.heap.alloc(bytes);
  const { gemm, free } = gemmOn(rt);
  try {
    const run = {
      lstm: lstmForward,
      lstmGrad: lstmBackward,
      gru: gruForward,
      gruGrad: gruBackward,
      rnn: rnnForward,
      rnnGrad: rnnBackward,
    }[kind];
    run(rt, gemm, ptrs, info, scratch);
  } finally {
    free();
    rt.heap.free(scratch, bytes);
  }
}

/**
 * A product `C (+)= A·B` on WebAssembly memory: addresses in bytes, strides in elements.
 *
 * @example
 * ```ts
 * gemm(a, aRs, 1, b, bRs, bCs, c, ldc, M, N, K, false);
 * ```
 */
export type Gemm = (
  a: number,
  aRs: number,
  aCs: number,
  b: number,
  bRs: number,
  bCs: number,
  c: number,
  ldc: number,
  M: number,
  N: number,
  K: number,
  accumulate: boolean,
) => void;

/**
 * Strided float32 products `C (+)= A·B` (addresses in bytes, strides in elements; A has unit column
 * stride). Each distinct B (a weight block) is packed once per sequence and reused at every step. The
 * per-step products are small (LSTM 64 units, batch 32: 2^19 multiply-adds, a few microseconds): waking
 * workers would cost more than it saves, so they run on the calling thread.
 */
function gemmOn(rt: Runtime): { gemm: Gemm; free: () => void } {
  // A handful of distinct B operands per kernel: a linear search over numbers allocates nothing per step.
  const keys: number[] = [];
  const packed: PrepackedB[] = [];
  const gemm: Gemm = (a, aRs, _aCs, b, bRs, bCs, c, ldc, M, N, K, accumulate) => {
    let i = 0;
    while (i < packed.length) {
      const o = i * 5;
      if (
        keys[o] === b &&
        keys[o + 1] === bRs &&
        keys[o + 2] === bCs &&
        keys[o + 3] === K &&
        keys[o + 4] === N
      )
        break;
      i++;
    }
    if (i === packed.length) {
      packed.push(prepackB(rt, { b, bRs, bCs, K, N }));
      keys.push(b, bRs, bCs, K, N);
    }
    packed[i]!.run(a, aRs, c, ldc, M, accumulate);
  };
  return {
    gemm,
    free: () => {
      for (const pb of packed) pb.free();
    },
  };
}

function lstmForward(rt: Runtime, gemm: Gemm, ptrs: Ptrs, info: RnnSequenceInfo, scratch: number): void {
  const { batch: B, time: T, units: n } = info;
  if (n % 4 !== 0) {
    lstmForwardScalar(rt, gemm, ptrs, info, scratch);
    return;
  }
  const G = 4 * n;
  const K = 7 * n;
  const k = rt.kernels;
  const z = scratch; // [B, 4u]: h_prev·U
  // Gate math in one SIMD pass per step.
  for (let s = 0; s < T; s++) {
    const t = timeOf(info, s);
    const has = s > 0 ? 1 : 0;
    const pt = ptrs.out + t * K * 4;
    const pp = has ? ptrs.out + timeOf(info, s - 1) * K * 4 : pt;
    if (has) gemm(pp, T * K, 1, ptrs.u, G, 1, z, G, B, G, n, false);
    k.lstmGates(ptrs.a + t * G * 4, T * G, z, has, pt, pp, T * K, has, B, n);
  }
}

function lstmBackward(rt: Runtime, gemm: Gemm, ptrs: Ptrs, info: RnnSequenceInfo, scratch: number): void {
  const { batch: B, time: T, units: n } = info;
  if (n % 4 !== 0) {
    lstmBackwardScalar(rt, gemm, ptrs, info, scratch);
    return;
  }
  const G = 4 * n;
  const K = 7 * n;
  const dhNext = scratch; // [B, u]
  const dcNext = scratch + B * n * 4; // [B, u]
  rt.heap.f32().fill(0, dhNext >> 2, (dhNext >> 2) + 2 * B * n);
  for (let s = T - 1; s >= 0; s--) {
    const t = timeOf(info, s);
    const pt = ptrs.p + t * K * 4;
    const pp = s > 0 ? ptrs.p + timeOf(info, s - 1) * K * 4 : pt;
    const o = ptrs.out + t * G * 4;
    rt.kernels.lstmBackGates(
      ptrs.a + t * K * 4,
      pt,
      pp,
      T * K,
      s > 0 ? 1 : 0,
      o,
      T * G,
      dhNext,
      dcNext,
      B,
      n,
    );
    if (s > 0) gemm(o, T * G, 1, ptrs.u, 1, G, dhNext, n, B, n, G, false);
  }
}

function gruForward(rt: Runtime, gemm: Gemm, ptrs: Ptrs, info: RnnSequenceInfo, scratch: number): void {
  const { batch: B, time: T, units: n, resetAfter } = info;
  if (n % 4 !== 0) {
    gruForwardScalar(rt, gemm, ptrs, info, scratch);
    return;
  }
  const G = 3 * n;
  const K = 5 * n;
  const k = rt.kernels;
  const cols = resetAfter ? G : 2 * n;
  const inner = scratch; // [B, cols]: h_prev·U (z, r and, with resetAfter, h blocks)
  const ah = inner + B * G * 4; // [B, u]: (r⊙h_prev)·U_h
  // Gate math in two SIMD passes per step.
  for (let s = 0; s < T; s++) {
    const t = timeOf(info, s);
    const has = s > 0 ? 1 : 0;
    const pt = ptrs.out + t * K * 4;
    const pp = has ? ptrs.out + timeOf(info, s - 1) * K * 4 : pt;
    const x = ptrs.a + t * G * 4;
    if (has) gemm(pp, T * K, 1, ptrs.u, G, 1, inner, cols, B, cols, n, false);
    k.gruGates(x, T * G, inner, cols, has, ptrs.rb, pt, pp, T * K, has, resetAfter ? 1 : 0, B, n);
    const product = !resetAfter && has ? 1 : 0;
    if (product) gemm(pt + 4 * n * 4, T * K, 1, ptrs.u + 2 * n * 4, G, 1, ah, n, B, n, n, false);
    k.gruCandidate(x, T * G, ah, product, pt, pp, T * K, has, resetAfter ? 1 : 0, B, n);
  }
}

function gruBackward(rt: Runtime, gemm: Gemm, ptrs: Ptrs, info: RnnSequenceInfo, scratch: number): void {
  const { batch: B, time: T, units: n, resetAfter } = info;
  if (n % 4 !== 0) {
    gruBackwardScalar(rt, gemm, ptrs, info, scratch);
    return;
  }
  const G = 3 * n;
  const K = 5 * n;
  const W = 4 * n;
  const dhNext = scratch; // [B, u]
  const dhs = scratch + B * n * 4; // [B, u]: dh of this step
  const rh = scratch + 2 * B * n * 4; // [B, u]: d(r⊙h_prev) (without resetAfter)
  const acc = scratch + 3 * B * n * 4; // [B, u]: recurrent products' gradient for h_prev
  rt.heap.f32().fill(0, dhNext >> 2, (dhNext >> 2) + B * n);
  const k = rt.kernels;
  const ra = resetAfter ? 1 : 0;
  for (let s = T - 1; s >= 0; s--) {
    const t = timeOf(info, s);
    const has = s > 0 ? 1 : 0;
    const pt = ptrs.p + t * K * 4;
    const pp = has ? ptrs.p + timeOf(info, s - 1) * K * 4 : pt;
    const row = ptrs.out + t * W * 4;
    k.gruBackGates(ptrs.a + t * K * 4, pt, pp, T * K, has, row, T * W, dhNext, dhs, ra, B, n);
    if (!resetAfter) {
      gemm(row + 2 * n * 4, T * W, 1, ptrs.u + 2 * n * 4, 1, G, rh, n, B, n, n, false);
      k.gruBackReset(pt, pp, T * K, has, row, T * W, rh, B, n);
    }
    if (!has) break;
    gemm(row, T * W, 1, ptrs.u, 1, G, acc, n, B, n, 2 * n, false);
    if (resetAfter) gemm(row + 3 * n * 4, T * W, 1, ptrs.u + 2 * n * 4, 1, G, acc, n, B, n, n, true);
    k.gruBackState(pt, T * K, acc, rh, dhs, dhNext, ra, B, n);
  }
}
