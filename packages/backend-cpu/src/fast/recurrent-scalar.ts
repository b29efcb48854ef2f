/**
 * Scalar fallbacks of the fast recurrent kernels (`fast/recurrent.ts`) for unit counts that are not a
 * multiple of 4: the same products on the SIMD GEMM, the activations from the SIMD elementwise kernels
 * over contiguous scratch, and the rest of the gate math in loops over a float32 view.
 *
 * @packageDocumentation
 */
import type { RnnSequenceInfo } from '@neurona/core';
import { timeOf } from '../kernels/recurrent.js';
import { UNARY_CODES } from './layout.js';
import type { Gemm, Ptrs } from './recurrent.js';
import type { Runtime } from './runtime.js';

const SIGMOID = UNARY_CODES.sigmoid!;
const TANH = UNARY_CODES.tanh!;

/**
 * LSTM forward for any unit count (see `fastRecurrent`).
 *
 * @example
 * ```ts
 * lstmForwardScalar(rt, gemm, ptrs, info, scratch);
 * ```
 */
export function lstmForwardScalar(
  rt: Runtime,
  gemm: Gemm,
  ptrs: Ptrs,
  info: RnnSequenceInfo,
  scratch: number,
): void {
  const { batch: B, time: T, units: n } = info;
  const G = 4 * n;
  const K = 7 * n;
  const k = rt.kernels;
  const z = scratch; // [B, 4u] pre-activations
  const sg = z + B * G * 4; // [B, 4u] sigmoid of z
  const th = sg + B * G * 4; // [B, 4u] tanh of z
  const cs = th + B * G * 4; // [B, u] c
  const tcs = cs + B * n * 4; // [B, u] tanh(c)
  for (let s = 0; s < T; s++) {
    const t = timeOf(info, s);
    const tp = s > 0 ? timeOf(info, s - 1) : -1;
    // z = h_prev·U (rows of h_prev are T·K apart in packed), then + x·W + b
    if (tp >= 0) gemm(ptrs.out + tp * K * 4, T * K, 1, ptrs.u, G, 1, z, G, B, G, n, false);
    let f = rt.heap.f32();
    for (let b = 0; b < B; b++) {
      const x = (ptrs.a >> 2) + (b * T + t) * G;
      const zb = (z >> 2) + b * G;
      if (tp >= 0) for (let j = 0; j < G; j++) f[zb + j]! += f[x + j]!;
      else for (let j = 0; j < G; j++) f[zb + j] = f[x + j]!;
    }
    k.unaryF32(SIGMOID, z, sg, B * G);
    k.unaryF32(TANH, z, th, B * G);
    f = rt.heap.f32();
    for (let b = 0; b < B; b++) {
      const sb = (sg >> 2) + b * G;
      const tb = (th >> 2) + b * G;
      const po = (ptrs.out >> 2) + (b * T + t) * K;
      const pp = (ptrs.out >> 2) + (b * T + tp) * K;
      const cb = (cs >> 2) + b * n;
      for (let m = 0; m < n; m++) {
        const i = f[sb + m]!;
        const fg = f[sb + n + m]!;
        const g = f[tb + 2 * n + m]!;
        const c = fg * (tp >= 0 ? f[pp + n + m]! : 0) + i * g;
        f[cb + m] = c;
        f[po + n + m] = c;
        f[po + 2 * n + m] = i;
        f[po + 3 * n + m] = fg;
        f[po + 4 * n + m] = g;
        f[po + 5 * n + m] = f[sb + 3 * n + m]!;
      }
    }
    k.unaryF32(TANH, cs, tcs, B * n);
    f = rt.heap.f32();
    for (let b = 0; b < B; b++) {
      const po = (ptrs.out >> 2) + (b * T + t) * K;
      const tb = (tcs >> 2) + b * n;
      for (let m = 0; m < n; m++) {
        const tc = f[tb + m]!;
        f[po + 6 * n + m] = tc;
        f[po + m] = f[po + 5 * n + m]! * tc;
      }
    }
  }
}

/**
 * LSTM backward for any unit count (see `fastRecurrent`).
 *
 * @example
 * ```ts
 * lstmBackwardScalar(rt, gemm, ptrs, info, scratch);
 * ```
 */
export function lstmBackwardScalar(
  rt: Runtime,
  gemm: Gemm,
  ptrs: Ptrs,
  info: RnnSequenceInfo,
  scratch: number,
): void {
  const { batch: B, time: T, units: n } = info;
  const G = 4 * n;
  const K = 7 * n;
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

/**
 * GRU forward for any unit count (see `fastRecurrent`).
 *
 * @example
 * ```ts
 * gruForwardScalar(rt, gemm, ptrs, info, scratch);
 * ```
 */
export function gruForwardScalar(
  rt: Runtime,
  gemm: Gemm,
  ptrs: Ptrs,
  info: RnnSequenceInfo,
  scratch: number,
): void {
  const { batch: B, time: T, units: n, resetAfter } = info;
  const G = 3 * n;
  const K = 5 * n;
  const k = rt.kernels;
  const cols = resetAfter ? G : 2 * n;
  const inner = scratch; // [B, cols]: h_prev·U (z, r and, with resetAfter, h blocks)
  const zr = inner + B * G * 4; // [B, 2u] z and r pre-activations
  const sg = zr + 2 * B * n * 4; // [B, 2u] their sigmoid
  const ah = sg + 2 * B * n * 4; // [B, u]: (r⊙h_prev)·U_h
  const pre = ah + B * n * 4; // [B, u] candidate pre-activation
  const cand = pre + B * n * 4; // [B, u] its tanh
  const rb = ptrs.rb >> 2;
  for (let s = 0; s < T; s++) {
    const t = timeOf(info, s);
    const tp = s > 0 ? timeOf(info, s - 1) : -1;
    const has = tp >= 0;
    if (has) gemm(ptrs.out + tp * K * 4, T * K, 1, ptrs.u, G, 1, inner, cols, B, cols, n, false);
    let f = rt.heap.f32();
    for (let b = 0; b < B; b++) {
      const x = (ptrs.a >> 2) + (b * T + t) * G;
      const ib = (inner >> 2) + b * cols;
      const zb = (zr >> 2) + b * 2 * n;
      for (let j = 0; j < 2 * n; j++) f[zb + j] = f[x + j]! + (has ? f[ib + j]! : 0) + (rb ? f[rb + j]! : 0);
    }
    k.unaryF32(SIGMOID, zr, sg, 2 * B * n);
    f = rt.heap.f32();
    for (let b = 0; b < B; b++) {
      const sb = (sg >> 2) + b * 2 * n;
      const ib = (inner >> 2) + b * cols;
      const po = (ptrs.out >> 2) + (b * T + t) * K;
      const pp = (ptrs.out >> 2) + (b * T + tp) * K;
      for (let m = 0; m < n; m++) {
        const r = f[sb + n + m]!;
        f[po + n + m] = f[sb + m]!;
        f[po + 2 * n + m] = r;
        if (resetAfter) f[po + 4 * n + m] = (has ? f[ib + 2 * n + m]! : 0) + (rb ? f[rb + 2 * n + m]! : 0);
        else f[po + 4 * n + m] = has ? r * f[pp + m]! : 0;
      }
    }
    if (!resetAfter && has) {
      gemm(ptrs.out + (t * K + 4 * n) * 4, T * K, 1, ptrs.u + 2 * n * 4, G, 1, ah, n, B, n, n, false);
      f = rt.heap.f32();
    }
    for (let b = 0; b < B; b++) {
      const x = (ptrs.a >> 2) + (b * T + t) * G;
      const po = (ptrs.out >> 2) + (b * T + t) * K;
      const a = (ah >> 2) + b * n;
      const q = (pre >> 2) + b * n;
      for (let m = 0; m < n; m++) {
        const rec = resetAfter ? f[po + 2 * n + m]! * f[po + 4 * n + m]! : has ? f[a + m]! : 0;
        f[q + m] = f[x + 2 * n + m]! + rec;
      }
    }
    k.unaryF32(TANH, pre, cand, B * n);
    f = rt.heap.f32();
    for (let b = 0; b < B; b++) {
      const po = (ptrs.out >> 2) + (b * T + t) * K;
      const pp = (ptrs.out >> 2) + (b * T + tp) * K;
      const cb = (cand >> 2) + b * n;
      for (let m = 0; m < n; m++) {
        const c = f[cb + m]!;
        const hp = has ? f[pp + m]! : 0;
        f[po + 3 * n + m] = c;
        f[po + m] = c + f[po + n + m]! * (hp - c);
      }
    }
  }
}

/**
 * GRU backward for any unit count (see `fastRecurrent`).
 *
 * @example
 * ```ts
 * gruBackwardScalar(rt, gemm, ptrs, info, scratch);
 * ```
 */
export function gruBackwardScalar(
  rt: Runtime,
  gemm: Gemm,
  ptrs: Ptrs,
  info: RnnSequenceInfo,
  scratch: number,
): void {
  const { batch: B, time: T, units: n, resetAfter } = info;
  const G = 3 * n;
  const K = 5 * n;
  const W = 4 * n;
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
