/**
 * SimpleRNN, LSTM and GRU over a whole sequence, forward and backward (tanh activation, sigmoid gates), one batch row
 * and one time step at a time with float64 sums. Layouts: see `RnnSequenceInfo` in `@neurona/core`.
 *
 * @packageDocumentation
 */
import type { RnnSequenceInfo } from '@neurona/core';
import type { Input } from './strided.js';

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * Time index read by step `s` of a sequence kernel (the fast kernels use it too).
 *
 * @example
 * ```ts
 * timeOf({ batch: 1, time: 5, units: 2, goBackwards: true, resetAfter: false }, 0); // 4
 * ```
 */
export const timeOf = (info: RnnSequenceInfo, s: number): number =>
  info.goBackwards ? info.time - 1 - s : s;

/**
 * LSTM forward: `packed [batch, time, 7u]` = `h, c, i, f, g, o, tanh(c)` per step.
 *
 * @example
 * ```ts
 * const packed = lstmSequence(xw, recurrentKernel, info);
 * ```
 */
export function lstmSequence(xw: Input, rk: Input, info: RnnSequenceInfo): Float32Array {
  const { batch: B, time: T, units: n } = info;
  const G = 4 * n;
  const K = 7 * n;
  const X = xw.data;
  const U = rk.data;
  const P = new Float32Array(B * T * K);
  const z = new Float64Array(G);
  for (let s = 0; s < T; s++) {
    const t = timeOf(info, s);
    const tp = s > 0 ? timeOf(info, s - 1) : -1;
    for (let b = 0; b < B; b++) {
      const xo = (b * T + t) * G;
      const po = (b * T + t) * K;
      const pp = (b * T + tp) * K; // previous step's record (unused on the first step)
      for (let j = 0; j < G; j++) {
        let acc = X[xo + j]!;
        if (tp >= 0) for (let m = 0; m < n; m++) acc += P[pp + m]! * U[m * G + j]!;
        z[j] = acc;
      }
      for (let m = 0; m < n; m++) {
        const i = sigmoid(z[m]!);
        const f = sigmoid(z[n + m]!);
        const g = Math.tanh(z[2 * n + m]!);
        const o = sigmoid(z[3 * n + m]!);
        const c = f * (tp >= 0 ? P[pp + n + m]! : 0) + i * g;
        const tc = Math.tanh(c);
        P[po + m] = o * tc;
        P[po + n + m] = c;
        P[po + 2 * n + m] = i;
        P[po + 3 * n + m] = f;
        P[po + 4 * n + m] = g;
        P[po + 5 * n + m] = o;
        P[po + 6 * n + m] = tc;
      }
    }
  }
  return P;
}

/**
 * LSTM backward: gate pre-activation gradients `[batch, time, 4u]` from the `h` block of `dPacked`.
 *
 * @example
 * ```ts
 * const dz = lstmSequenceGrad(dPacked, packed, recurrentKernel, info);
 * ```
 */
export function lstmSequenceGrad(
  dPacked: Input,
  packed: Input,
  rk: Input,
  info: RnnSequenceInfo,
): Float32Array {
  const { batch: B, time: T, units: n } = info;
  const G = 4 * n;
  const K = 7 * n;
  const D = dPacked.data;
  const P = packed.data;
  const U = rk.data;
  const dZ = new Float32Array(B * T * G);
  const dhNext = new Float64Array(B * n);
  const dcNext = new Float64Array(B * n);
  const dz = new Float64Array(G);
  for (let s = T - 1; s >= 0; s--) {
    const t = timeOf(info, s);
    const tp = s > 0 ? timeOf(info, s - 1) : -1;
    for (let b = 0; b < B; b++) {
      const po = (b * T + t) * K;
      const pp = (b * T + tp) * K;
      for (let m = 0; m < n; m++) {
        const i = P[po + 2 * n + m]!;
        const f = P[po + 3 * n + m]!;
        const g = P[po + 4 * n + m]!;
        const o = P[po + 5 * n + m]!;
        const tc = P[po + 6 * n + m]!;
        const cPrev = tp >= 0 ? P[pp + n + m]! : 0;
        const dh = D[po + m]! + dhNext[b * n + m]!;
        const dc = dcNext[b * n + m]! + dh * o * (1 - tc * tc);
        dz[m] = dc * g * i * (1 - i);
        dz[n + m] = dc * cPrev * f * (1 - f);
        dz[2 * n + m] = dc * i * (1 - g * g);
        dz[3 * n + m] = dh * tc * o * (1 - o);
        dcNext[b * n + m] = dc * f;
      }
      const zo = (b * T + t) * G;
      for (let j = 0; j < G; j++) dZ[zo + j] = dz[j]!;
      for (let m = 0; m < n; m++) {
        let acc = 0;
        for (let j = 0; j < G; j++) acc += dz[j]! * U[m * G + j]!;
        dhNext[b * n + m] = acc;
      }
    }
  }
  return dZ;
}

/**
 * GRU forward: `packed [batch, time, 5u]` = `h, z, r, ĥ, e` per step (`e = h_prev·U_h + b_h` with
 * `resetAfter`, else `r⊙h_prev`).
 *
 * @example
 * ```ts
 * const packed = gruSequence(xw, recurrentKernel, null, info);
 * ```
 */
export function gruSequence(xw: Input, rk: Input, rb: Input | null, info: RnnSequenceInfo): Float32Array {
  const { batch: B, time: T, units: n, resetAfter } = info;
  const G = 3 * n;
  const K = 5 * n;
  const X = xw.data;
  const U = rk.data;
  const R = rb?.data;
  const P = new Float32Array(B * T * K);
  const inner = new Float64Array(G);
  const hp = new Float64Array(n);
  for (let s = 0; s < T; s++) {
    const t = timeOf(info, s);
    const tp = s > 0 ? timeOf(info, s - 1) : -1;
    for (let b = 0; b < B; b++) {
      const xo = (b * T + t) * G;
      const po = (b * T + t) * K;
      for (let m = 0; m < n; m++) hp[m] = tp >= 0 ? P[(b * T + tp) * K + m]! : 0;
      const cols = resetAfter ? G : 2 * n;
      for (let j = 0; j < cols; j++) {
        let acc = resetAfter && R ? R[j]! : 0;
        for (let m = 0; m < n; m++) acc += hp[m]! * U[m * G + j]!;
        inner[j] = acc;
      }
      for (let m = 0; m < n; m++) {
        const z = sigmoid(X[xo + m]! + inner[m]!);
        const r = sigmoid(X[xo + n + m]! + inner[n + m]!);
        P[po + n + m] = z;
        P[po + 2 * n + m] = r;
        P[po + 4 * n + m] = resetAfter ? inner[2 * n + m]! : r * hp[m]!;
      }
      for (let m = 0; m < n; m++) {
        let a: number;
        if (resetAfter) a = P[po + 2 * n + m]! * inner[2 * n + m]!;
        else {
          a = 0;
          for (let k = 0; k < n; k++) a += P[po + 4 * n + k]! * U[k * G + 2 * n + m]!;
        }
        const cand = Math.tanh(X[xo + 2 * n + m]! + a);
        const z = P[po + n + m]!;
        P[po + 3 * n + m] = cand;
        P[po + m] = cand + z * (hp[m]! - cand);
      }
    }
  }
  return P;
}

/**
 * GRU backward: `[batch, time, 4u]` = d(z, r, candidate pre-activations) and the gradient of the recurrent
 * candidate term, from the `h` block of `dPacked`.
 *
 * @example
 * ```ts
 * const d = gruSequenceGrad(dPacked, packed, recurrentKernel, info);
 * ```
 */
export function gruSequenceGrad(
  dPacked: Input,
  packed: Input,
  rk: Input,
  info: RnnSequenceInfo,
): Float32Array {
  const { batch: B, time: T, units: n, resetAfter } = info;
  const G = 3 * n;
  const K = 5 * n;
  const D = dPacked.data;
  const P = packed.data;
  const U = rk.data;
  const out = new Float32Array(B * T * 4 * n);
  const dhNext = new Float64Array(B * n);
  const d = new Float64Array(4 * n); // dz, dr, dĥ, dInner of one row
  const dh = new Float64Array(n);
  const dRh = new Float64Array(n);
  for (let s = T - 1; s >= 0; s--) {
    const t = timeOf(info, s);
    const tp = s > 0 ? timeOf(info, s - 1) : -1;
    for (let b = 0; b < B; b++) {
      const po = (b * T + t) * K;
      const hpAt = (m: number): number => (tp >= 0 ? P[(b * T + tp) * K + m]! : 0);
      for (let m = 0; m < n; m++) {
        const z = P[po + n + m]!;
        const cand = P[po + 3 * n + m]!;
        dh[m] = D[po + m]! + dhNext[b * n + m]!;
        d[m] = dh[m]! * (hpAt(m) - cand) * z * (1 - z);
        d[2 * n + m] = dh[m]! * (1 - z) * (1 - cand * cand);
      }
      for (let m = 0; m < n; m++) {
        const r = P[po + 2 * n + m]!;
        if (resetAfter) {
          d[3 * n + m] = d[2 * n + m]! * r;
          d[n + m] = d[2 * n + m]! * P[po + 4 * n + m]! * r * (1 - r);
        } else {
          let acc = 0;
          for (let j = 0; j < n; j++) acc += d[2 * n + j]! * U[m * G + 2 * n + j]!;
          dRh[m] = acc;
          d[3 * n + m] = d[2 * n + m]!;
          d[n + m] = acc * hpAt(m) * r * (1 - r);
        }
      }
      const oo = (b * T + t) * 4 * n;
      for (let j = 0; j < 4 * n; j++) out[oo + j] = d[j]!;
      for (let m = 0; m < n; m++) {
        const z = P[po + n + m]!;
        let acc = dh[m]! * z;
        if (resetAfter) {
          for (let j = 0; j < 2 * n; j++) acc += d[j]! * U[m * G + j]!;
          for (let j = 0; j < n; j++) acc += d[3 * n + j]! * U[m * G + 2 * n + j]!;
        } else {
          acc += dRh[m]! * P[po + 2 * n + m]!;
          for (let j = 0; j < 2 * n; j++) acc += d[j]! * U[m * G + j]!;
        }
        dhNext[b * n + m] = acc;
      }
    }
  }
  return out;
}

/**
 * SimpleRNN (tanh) forward: `packed [batch, time, u]` = `h` per step.
 *
 * @example
 * ```ts
 * const packed = rnnSequence(xw, recurrentKernel, info);
 * ```
 */
export function rnnSequence(xw: Input, rk: Input, info: RnnSequenceInfo): Float32Array {
  const { batch: B, time: T, units: n } = info;
  const X = xw.data;
  const U = rk.data;
  const P = new Float32Array(B * T * n);
  for (let s = 0; s < T; s++) {
    const t = timeOf(info, s);
    const tp = s > 0 ? timeOf(info, s - 1) : -1;
    for (let b = 0; b < B; b++) {
      const o = (b * T + t) * n;
      const pp = (b * T + tp) * n;
      for (let j = 0; j < n; j++) {
        let acc = X[o + j]!;
        if (tp >= 0) for (let m = 0; m < n; m++) acc += P[pp + m]! * U[m * n + j]!;
        P[o + j] = Math.tanh(acc);
      }
    }
  }
  return P;
}

/**
 * SimpleRNN (tanh) backward: pre-activation gradients `[batch, time, u]` from `dPacked`.
 *
 * @example
 * ```ts
 * const dz = rnnSequenceGrad(dPacked, packed, recurrentKernel, info);
 * ```
 */
export function rnnSequenceGrad(
  dPacked: Input,
  packed: Input,
  rk: Input,
  info: RnnSequenceInfo,
): Float32Array {
  const { batch: B, time: T, units: n } = info;
  const D = dPacked.data;
  const P = packed.data;
  const U = rk.data;
  const dZ = new Float32Array(B * T * n);
  const dhNext = new Float64Array(B * n);
  const dz = new Float64Array(n);
  for (let s = T - 1; s >= 0; s--) {
    const t = timeOf(info, s);
    for (let b = 0; b < B; b++) {
      const o = (b * T + t) * n;
      for (let m = 0; m < n; m++) {
        const h = P[o + m]!;
        dz[m] = (D[o + m]! + dhNext[b * n + m]!) * (1 - h * h);
        dZ[o + m] = dz[m]!;
      }
      for (let m = 0; m < n; m++) {
        let acc = 0;
        for (let j = 0; j < n; j++) acc += dz[j]! * U[m * n + j]!;
        dhNext[b * n + m] = acc;
      }
    }
  }
  return dZ;
}
