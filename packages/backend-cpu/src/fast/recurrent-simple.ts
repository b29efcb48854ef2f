/**
 * The fast SimpleRNN (tanh) sequence kernels: per time step, the recurrent product on the SIMD GEMM (its
 * weights packed once per sequence, the previous state read straight out of `packed`), the input projection
 * added over contiguous scratch and tanh from the SIMD elementwise kernel. Any unit count. Same layouts and
 * results (within float32 rounding) as `kernels/recurrent.ts`.
 *
 * @packageDocumentation
 */
import type { RnnSequenceInfo } from '@neurona/core';
import { timeOf } from '../kernels/recurrent.js';
import { UNARY_CODES } from './layout.js';
import type { Gemm, Ptrs } from './recurrent.js';
import type { Runtime } from './runtime.js';

const TANH = UNARY_CODES.tanh!;

/**
 * SimpleRNN forward: `packed [batch, time, u]` (at `ptrs.out`) = tanh(xw_t + h_{t-1}·U) per step.
 * `scratch` holds at least `batch·u` floats.
 *
 * @example
 * ```ts
 * rnnForward(rt, gemm, ptrs, info, scratch);
 * ```
 */
export function rnnForward(
  rt: Runtime,
  gemm: Gemm,
  ptrs: Ptrs,
  info: RnnSequenceInfo,
  scratch: number,
): void {
  const { batch: B, time: T, units: n } = info;
  const z = scratch; // [B, u]
  for (let s = 0; s < T; s++) {
    const t = timeOf(info, s);
    const has = s > 0;
    // z = h_prev·U (rows of h_prev are T·u apart in packed), then + xw_t
    if (has) gemm(ptrs.out + timeOf(info, s - 1) * n * 4, T * n, 1, ptrs.u, n, 1, z, n, B, n, n, false);
    let f = rt.heap.f32();
    for (let b = 0; b < B; b++) {
      const x = (ptrs.a >> 2) + (b * T + t) * n;
      const zb = (z >> 2) + b * n;
      if (has) for (let j = 0; j < n; j++) f[zb + j]! += f[x + j]!;
      else for (let j = 0; j < n; j++) f[zb + j] = f[x + j]!;
    }
    rt.kernels.unaryF32(TANH, z, z, B * n);
    f = rt.heap.f32();
    for (let b = 0; b < B; b++) {
      const o = (ptrs.out >> 2) + (b * T + t) * n;
      f.copyWithin(o, (z >> 2) + b * n, (z >> 2) + (b + 1) * n);
    }
  }
}

/**
 * SimpleRNN backward: `dz_t = (dPacked_t + dz_{t+1}·Uᵀ) ⊙ (1 − h_t²)` into `ptrs.out` (`[batch, time, u]`),
 * with `ptrs.a` = dPacked and `ptrs.p` = packed. `scratch` holds at least `batch·u` floats.
 *
 * @example
 * ```ts
 * rnnBackward(rt, gemm, ptrs, info, scratch);
 * ```
 */
export function rnnBackward(
  rt: Runtime,
  gemm: Gemm,
  ptrs: Ptrs,
  info: RnnSequenceInfo,
  scratch: number,
): void {
  const { batch: B, time: T, units: n } = info;
  const dhNext = scratch; // [B, u]: dz_{t+1}·Uᵀ
  for (let s = T - 1; s >= 0; s--) {
    const t = timeOf(info, s);
    const last = s === T - 1;
    const f = rt.heap.f32();
    for (let b = 0; b < B; b++) {
      const row = (b * T + t) * n;
      const d = (ptrs.a >> 2) + row;
      const h = (ptrs.p >> 2) + row;
      const o = (ptrs.out >> 2) + row;
      const hn = (dhNext >> 2) + b * n;
      for (let m = 0; m < n; m++) {
        const hv = f[h + m]!;
        f[o + m] = (last ? f[d + m]! : f[d + m]! + f[hn + m]!) * (1 - hv * hv);
      }
    }
    // dhNext = dz_t·Uᵀ (Uᵀ read from U [u, u] through its strides)
    if (s > 0) gemm(ptrs.out + t * n * 4, T * n, 1, ptrs.u, 1, n, dhNext, n, B, n, n, false);
  }
}
