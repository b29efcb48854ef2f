/**
 * Fast LSTM and GRU sequence kernels on WebAssembly memory: per time step, the recurrent products go to the
 * SIMD GEMM (reading the previous state straight out of the `packed` output through its row stride), and
 * the gate math runs in one tight loop over a float32 view. Scratch is allocated once per call, outside the
 * time loop. Same layouts and results (within float32 rounding) as `kernels/recurrent.ts`.
 *
 * @packageDocumentation
 */
import type { RnnSequenceInfo } from '@neurona/core';
import { type Parallelism, runGemm } from './gemm.js';
import type { Runtime } from './runtime.js';

/** Addresses (bytes) of the operands of one sequence kernel. */
interface Ptrs {
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

/** Time index read by step `s`. */
const timeOf = (info: RnnSequenceInfo, s: number): number => (info.goBackwards ? info.time - 1 - s : s);

/**
 * Run the fast kernel `kind` writing its result at `ptrs.out`.
 *
 * @example
 * ```ts
 * fastRecurrent(rt, 'lstm', { a: xw, p: 0, u, rb: 0, out }, info, par);
 * ```
 */
export function fastRecurrent(
  rt: Runtime,
  kind: 'lstm' | 'lstmGrad' | 'gru' | 'gruGrad',
  ptrs: Ptrs,
  info: RnnSequenceInfo,
  par: Parallelism,
): void {
  const { batch: B, units: n } = info;
  // Scratch: up to three [batch, 3u] blocks (gate products, carried gradients).
  const bytes = 9 * B * n * 4;
  const scratch = rt.heap.alloc(bytes);
  try {
    const run = { lstm: lstmForward, lstmGrad: lstmBackward, gru: gruForward, gruGrad: gruBackward }[kind];
    run(rt, ptrs, info, par, scratch);
  } finally {
    rt.heap.free(scratch, bytes);
  }
}

type Gemm = (
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

/** A strided float32 GEMM `C (+)= A·B` (addresses in bytes, strides in elements). */
function gemmOn(rt: Runtime, par: Parallelism): Gemm {
  return (a, aRs, aCs, b, bRs, bCs, c, ldc, M, N, K, accumulate) =>
    runGemm(
      rt,
      { M, N, K, batch: 1, a, aRs, aCs, aBatch: 0, b, bRs, bCs, bBatch: 0, c, ldc, cBatch: 0, accumulate },
      par,
    );
}

function lstmForward(
  rt: Runtime,
  ptrs: Ptrs,
  info: RnnSequenceInfo,
  par: Parallelism,
  scratch: number,
): void {
  const { batch: B, time: T, units: n } = info;
  const G = 4 * n;
  const K = 7 * n;
  const gemm = gemmOn(rt, par);
  for (let s = 0; s < T; s++) {
    const t = timeOf(info, s);
    const tp = s > 0 ? timeOf(info, s - 1) : -1;
    // z = h_prev·U into scratch [B, 4u] (rows of h_prev are T·K apart in packed)
    if (tp >= 0) gemm(ptrs.out + tp * K * 4, T * K, 1, ptrs.u, G, 1, scratch, G, B, G, n, false);
    const f = rt.heap.f32();
    const z0 = scratch >> 2;
    for (let b = 0; b < B; b++) {
      const x = (ptrs.a >> 2) + (b * T + t) * G;
      const z = z0 + b * G;
      const po = (ptrs.out >> 2) + (b * T + t) * K;
      const pp = (ptrs.out >> 2) + (b * T + tp) * K;
      for (let m = 0; m < n; m++) {
        const r = tp >= 0;
        const i = 1 / (1 + Math.exp(-(f[x + m]! + (r ? f[z + m]! : 0))));
        const fg = 1 / (1 + Math.exp(-(f[x + n + m]! + (r ? f[z + n + m]! : 0))));
        const g = Math.tanh(f[x + 2 * n + m]! + (r ? f[z + 2 * n + m]! : 0));
        const o = 1 / (1 + Math.exp(-(f[x + 3 * n + m]! + (r ? f[z + 3 * n + m]! : 0))));
        const c = fg * (r ? f[pp + n + m]! : 0) + i * g;
        const tc = Math.tanh(c);
        f[po + m] = o * tc;
        f[po + n + m] = c;
        f[po + 2 * n + m] = i;
        f[po + 3 * n + m] = fg;
        f[po + 4 * n + m] = g;
        f[po + 5 * n + m] = o;
        f[po + 6 * n + m] = tc;
      }
    }
  }
}

function lstmBackward(
  rt: Runtime,
  ptrs: Ptrs,
  info: RnnSequenceInfo,
  par: Parallelism,
  scratch: number,
): void {
  const { batch: B, time: T, units: n } = info;
  const G = 4 * n;
  const K = 7 * n;
  const gemm = gemmOn(rt, par);
  const dhNext = scratch; // [B, u]
  const dcNext = scratch + B * n * 4; // [B, u]
  rt.heap.f32().fill(0, dhNext >> 2, (dhNext >> 2) + 2 * B * n);
  for (let s = T - 1; s >= 0; s--) {
    const t = timeOf(info, s);
    const tp = s > 0 ? timeOf(info, s - 1) : -1;
    const f = rt.heap.f32();
    for (let b = 0; b < B; b++) {
      const po = (ptrs.p >> 2) + (b * T + t) * K;
      const pp = (ptrs.p >> 2) + (b * T + tp) * K;
      const d = (ptrs.a >> 2) + (b * T + t) * K;
      const dz = (ptrs.out >> 2) + (b * T + t) * G;
      const hn = (dhNext >> 2) + b * n;
      const cn = (dcNext >> 2) + b * n;
      for (let m = 0; m < n; m++) {
        const i = f[po + 2 * n + m]!;
        const fg = f[po + 3 * n + m]!;
        const g = f[po + 4 * n + m]!;
        const o = f[po + 5 * n + m]!;
        const tc = f[po + 6 * n + m]!;
        const cPrev = tp >= 0 ? f[pp + n + m]! : 0;
        const dh = f[d + m]! + f[hn + m]!;
        const dc = f[cn + m]! + dh * o * (1 - tc * tc);
        f[dz + m] = dc * g * i * (1 - i);
        f[dz + n + m] = dc * cPrev * fg * (1 - fg);
        f[dz + 2 * n + m] = dc * i * (1 - g * g);
        f[dz + 3 * n + m] = dh * tc * o * (1 - o);
        f[cn + m] = dc * fg;
      }
    }
    // dh_prev = dz·Uᵀ (Uᵀ read through strides: element (k, j) is U[j, k])
    if (s > 0) gemm(ptrs.out + t * G * 4, T * G, 1, ptrs.u, 1, G, dhNext, n, B, n, G, false);
  }
}

function gruForward(rt: Runtime, ptrs: Ptrs, info: RnnSequenceInfo, par: Parallelism, scratch: number): void {
  const { batch: B, time: T, units: n, resetAfter } = info;
  const G = 3 * n;
  const K = 5 * n;
  const gemm = gemmOn(rt, par);
  const inner = scratch; // [B, 3u] (resetAfter) or [B, 2u]
  const ah = scratch + B * G * 4; // [B, u]: (r⊙h_prev)·U_h
  const cols = resetAfter ? G : 2 * n;
  for (let s = 0; s < T; s++) {
    const t = timeOf(info, s);
    const tp = s > 0 ? timeOf(info, s - 1) : -1;
    const r0 = tp >= 0;
    if (r0) gemm(ptrs.out + tp * K * 4, T * K, 1, ptrs.u, G, 1, inner, cols, B, cols, n, false);
    let f = rt.heap.f32();
    const rb = ptrs.rb >> 2;
    for (let b = 0; b < B; b++) {
      const x = (ptrs.a >> 2) + (b * T + t) * G;
      const z = (inner >> 2) + b * cols;
      const po = (ptrs.out >> 2) + (b * T + t) * K;
      const pp = (ptrs.out >> 2) + (b * T + tp) * K;
      for (let m = 0; m < n; m++) {
        const bz = rb ? f[rb + m]! : 0;
        const br = rb ? f[rb + n + m]! : 0;
        const zg = 1 / (1 + Math.exp(-(f[x + m]! + (r0 ? f[z + m]! : 0) + bz)));
        const rg = 1 / (1 + Math.exp(-(f[x + n + m]! + (r0 ? f[z + n + m]! : 0) + br)));
        f[po + n + m] = zg;
        f[po + 2 * n + m] = rg;
        if (resetAfter) f[po + 4 * n + m] = (r0 ? f[z + 2 * n + m]! : 0) + (rb ? f[rb + 2 * n + m]! : 0);
        else f[po + 4 * n + m] = r0 ? rg * f[pp + m]! : 0;
      }
    }
    if (!resetAfter && r0) {
      gemm(ptrs.out + (t * K + 4 * n) * 4, T * K, 1, ptrs.u + 2 * n * 4, G, 1, ah, n, B, n, n, false);
      f = rt.heap.f32();
    }
    for (let b = 0; b < B; b++) {
      const x = (ptrs.a >> 2) + (b * T + t) * G;
      const po = (ptrs.out >> 2) + (b * T + t) * K;
      const pp = (ptrs.out >> 2) + (b * T + tp) * K;
      const a = (ah >> 2) + b * n;
      for (let m = 0; m < n; m++) {
        const rec = resetAfter ? f[po + 2 * n + m]! * f[po + 4 * n + m]! : r0 ? f[a + m]! : 0;
        const cand = Math.tanh(f[x + 2 * n + m]! + rec);
        const hp = r0 ? f[pp + m]! : 0;
        f[po + 3 * n + m] = cand;
        f[po + m] = cand + f[po + n + m]! * (hp - cand);
      }
    }
  }
}

function gruBackward(
  rt: Runtime,
  ptrs: Ptrs,
  info: RnnSequenceInfo,
  par: Parallelism,
  scratch: number,
): void {
  const { batch: B, time: T, units: n, resetAfter } = info;
  const G = 3 * n;
  const K = 5 * n;
  const W = 4 * n;
  const gemm = gemmOn(rt, par);
  const dhNext = scratch; // [B, u]
  const dhs = scratch + B * n * 4; // [B, u]: dh of this step
  const rh = scratch + 2 * B * n * 4; // [B, u]: d(r⊙h_prev) (without resetAfter)
  const acc = scratch + 3 * B * n * 4; // [B, u]: recurrent products' gradient for h_prev
  rt.heap.f32().fill(0, dhNext >> 2, (dhNext >> 2) + B * n);
  for (let s = T - 1; s >= 0; s--) {
    const t = timeOf(info, s);
    const tp = s > 0 ? timeOf(info, s - 1) : -1;
    let f = rt.heap.f32();
    for (let b = 0; b < B; b++) {
      const po = (ptrs.p >> 2) + (b * T + t) * K;
      const pp = (ptrs.p >> 2) + (b * T + tp) * K;
      const d = (ptrs.a >> 2) + (b * T + t) * K;
      const o = (ptrs.out >> 2) + (b * T + t) * W;
      for (let m = 0; m < n; m++) {
        const z = f[po + n + m]!;
        const cand = f[po + 3 * n + m]!;
        const hp = tp >= 0 ? f[pp + m]! : 0;
        const dh = f[d + m]! + f[(dhNext >> 2) + b * n + m]!;
        f[(dhs >> 2) + b * n + m] = dh;
        f[o + m] = dh * (hp - cand) * z * (1 - z);
        const dzh = dh * (1 - z) * (1 - cand * cand);
        f[o + 2 * n + m] = dzh;
        if (resetAfter) {
          const r = f[po + 2 * n + m]!;
          f[o + 3 * n + m] = dzh * r;
          f[o + n + m] = dzh * f[po + 4 * n + m]! * r * (1 - r);
        } else f[o + 3 * n + m] = dzh;
      }
    }
    const row = ptrs.out + t * W * 4; // row b of this step is T·4u elements further
    if (!resetAfter) {
      // d(r⊙h_prev) = dĥ·U_hᵀ, then dr
      gemm(row + 2 * n * 4, T * W, 1, ptrs.u + 2 * n * 4, 1, G, rh, n, B, n, n, false);
      f = rt.heap.f32();
      for (let b = 0; b < B; b++) {
        const po = (ptrs.p >> 2) + (b * T + t) * K;
        const pp = (ptrs.p >> 2) + (b * T + tp) * K;
        const o = (ptrs.out >> 2) + (b * T + t) * W;
        for (let m = 0; m < n; m++) {
          const r = f[po + 2 * n + m]!;
          const hp = tp >= 0 ? f[pp + m]! : 0;
          f[o + n + m] = f[(rh >> 2) + b * n + m]! * hp * r * (1 - r);
        }
      }
    }
    if (s === 0) break;
    // acc = [dz, dr]·U_zrᵀ (+ dInner·U_hᵀ with resetAfter)
    gemm(row, T * W, 1, ptrs.u, 1, G, acc, n, B, n, 2 * n, false);
    if (resetAfter) gemm(row + 3 * n * 4, T * W, 1, ptrs.u + 2 * n * 4, 1, G, acc, n, B, n, n, true);
    f = rt.heap.f32();
    for (let b = 0; b < B; b++) {
      const po = (ptrs.p >> 2) + (b * T + t) * K;
      for (let m = 0; m < n; m++) {
        const j = b * n + m;
        let v = f[(dhs >> 2) + j]! * f[po + n + m]! + f[(acc >> 2) + j]!;
        if (!resetAfter) v += f[(rh >> 2) + j]! * f[po + 2 * n + m]!;
        f[(dhNext >> 2) + j] = v;
      }
    }
  }
}
