// Float32 GEMM: C (+)= A * B with BLIS-style packing and a 4x8 register-blocked micro-kernel.
//
// Work is split into tasks so the worker pool can run them on several threads: `gemmTask` covers a block
// of rows x columns of C over all of K (B packed once beforehand by `gemmPackBTask`); `gemmSplitKTask`
// covers all of C over a range of K into its own partial sum (for long, thin products such as filter
// gradients), summed afterwards by `sumPartials`. Every task is independent of the thread that runs it,
// so results do not depend on the number of threads.

import { ConvGeom, packAIm2col, packAIm2colT, packAStrided, packBStrided } from './pack';
import { madd } from './simd';

/** Depth of a packed block (floats along K). */
export const KC: i32 = 256;
/** Rows of A packed at once. */
export const MC: i32 = 64;

/** Flags of {@link Gemm.flags} and micro-kernel modes. */
export const ACCUMULATE: i32 = 1;
export const BIAS: i32 = 2;
export const RELU: i32 = 4;

/** A GEMM job, read from memory (field order matches src/fast/layout.ts). */
@unmanaged
export class Gemm {
  M: i32;
  N: i32;
  K: i32;
  /** A: pointer, row and column strides (elements), batch stride, and mode (0 strided, 1 im2col, 2 im2col^T). */
  a: usize;
  aRs: i32;
  aCs: i32;
  aBatch: i32;
  aMode: i32;
  geom: usize;
  /** B: pointer, strides, batch stride (unpacked; read by the packing tasks and the split-K tasks). */
  b: usize;
  bRs: i32;
  bCs: i32;
  bBatch: i32;
  /** Packed B (panels of 8 columns by K) and the element stride between batches of it. */
  pb: usize;
  pbBatch: i32;
  /** C: pointer, row stride and batch stride (elements). */
  c: usize;
  ldc: i32;
  cBatch: i32;
  flags: i32;
  bias: usize;
  /** Per-thread scratch: base and bytes per thread. */
  scratch: usize;
  scratchStride: i32;
  /** Task grid: rows and columns per task, tasks along M and N (per batch); K per split-K task. */
  mBlock: i32;
  nBlock: i32;
  mTasks: i32;
  nTasks: i32;
  kBlock: i32;
  /** Split-K partial sums: `tasks` blocks of M x N. */
  partials: usize;
}

/** Store the first `n` (1..4) lanes of `v` at `p`. */
// @ts-ignore: decorator
@inline
function storeLanes(p: usize, v: v128, n: i32): void {
  if (n >= 4) {
    v128.store(p, v);
    return;
  }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/** Final value of one vector of C: accumulator, plus old C, plus bias, then ReLU, as `mode` says. */
// @ts-ignore: decorator
@inline
function finish(acc: v128, old: usize, mode: i32, bv: v128): v128 {
  let v = acc;
  if (mode & ACCUMULATE) v = f32x4.add(v128.load(old), v);
  if (mode & BIAS) v = f32x4.add(v, bv);
  if (mode & RELU) v = f32x4.max(v, f32x4.splat(0));
  return v;
}

// @ts-ignore: decorator
@inline
function storeRow(c: usize, c0: v128, c1: v128, mode: i32, bv0: v128, bv1: v128, cols: i32): void {
  if (cols == 8) {
    v128.store(c, finish(c0, c, mode, bv0));
    v128.store(c + 16, finish(c1, c + 16, mode, bv1));
  } else {
    storeLanes(c, finish(c0, c, mode, bv0), min(cols, 4));
    if (cols > 4) storeLanes(c + 16, finish(c1, c + 16, mode, bv1), cols - 4);
  }
}

/** 4x8 micro-kernel: a tile of C from a packed A group and a packed B panel over `kc` steps. */
function kernel(pa: usize, pb: usize, kc: i32, c: usize, ldcb: usize, rows: i32, cols: i32, mode: i32, bias: usize): void {
  let c00 = f32x4.splat(0);
  let c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    pa += 16;
    pb += 32;
  }
  let bv0 = c00;
  let bv1 = c00;
  if (mode & BIAS) {
    bv0 = v128.load(bias);
    bv1 = v128.load(bias, 16);
  }
  storeRow(c, c00, c01, mode, bv0, bv1, cols);
  if (rows > 1) storeRow(c + ldcb, c10, c11, mode, bv0, bv1, cols);
  if (rows > 2) storeRow(c + 2 * ldcb, c20, c21, mode, bv0, bv1, cols);
  if (rows > 3) storeRow(c + 3 * ldcb, c30, c31, mode, bv0, bv1, cols);
}

/**
 * 4x8 micro-kernel for a one-channel image with unit stride: the A values of 4 adjacent output pixels for
 * tap (r, s) are one vector load from the image (at `p + r * rowStride + s * tapStride`), broadcast lane by
 * lane, so A is never packed. B is the packed filter (K = fh * fw).
 */
function kernelC1(p: usize, rowStride: usize, tapStride: usize, fh: i32, fw: i32, pb: usize, c: usize, ldcb: usize, cols: i32, mode: i32, bias: usize): void {
  let c00 = f32x4.splat(0);
  let c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (let r = 0; r < fh; r++) {
    let q = p + <usize>r * rowStride;
    for (let s = 0; s < fw; s++) {
      const v = v128.load(q);
      const b0 = v128.load(pb);
      const b1 = v128.load(pb, 16);
      let a = f32x4.shuffle(v, v, 0, 0, 0, 0);
      c00 = madd(a, b0, c00);
      c01 = madd(a, b1, c01);
      a = f32x4.shuffle(v, v, 1, 1, 1, 1);
      c10 = madd(a, b0, c10);
      c11 = madd(a, b1, c11);
      a = f32x4.shuffle(v, v, 2, 2, 2, 2);
      c20 = madd(a, b0, c20);
      c21 = madd(a, b1, c21);
      a = f32x4.shuffle(v, v, 3, 3, 3, 3);
      c30 = madd(a, b0, c30);
      c31 = madd(a, b1, c31);
      q += tapStride;
      pb += 32;
    }
  }
  let bv0 = c00;
  let bv1 = c00;
  if (mode & BIAS) {
    bv0 = v128.load(bias);
    bv1 = v128.load(bias, 16);
  }
  storeRow(c, c00, c01, mode, bv0, bv1, cols);
  storeRow(c + ldcb, c10, c11, mode, bv0, bv1, cols);
  storeRow(c + 2 * ldcb, c20, c21, mode, bv0, bv1, cols);
  storeRow(c + 3 * ldcb, c30, c31, mode, bv0, bv1, cols);
}

/**
 * Rows `[i0, i1)` x columns `[j0, j1)` of a convolution of a one-channel image with unit horizontal stride
 * (K = fh * fw <= KC): groups of 4 adjacent output pixels whose taps all lie inside the image use
 * {@link kernelC1}; the others are packed and use the general kernel.
 */
function convC1Block(g: Gemm, i0: i32, i1: i32, j0: i32, j1: i32, pb: usize, c: usize, ldc: i32, mode: i32, bias: usize, pa: usize): void {
  const geo = changetype<ConvGeom>(g.geom);
  const K = g.K;
  const W = geo.W;
  const outW = geo.outW;
  const perImage = geo.outH * outW;
  const ldcb = <usize>ldc << 2;
  const kBytes = <usize>K << 5;
  const rowStride = <usize>(geo.dh * W) << 2;
  const tapStride = <usize>geo.dw << 2;
  const spanH = (geo.fh - 1) * geo.dh;
  const spanW = (geo.fw - 1) * geo.dw + 3;
  let n = i0 / perImage;
  let oh = (i0 - n * perImage) / outW;
  let ow = i0 - n * perImage - oh * outW;
  for (let i = i0; i < i1; i += 4) {
    const rows = min(4, i1 - i);
    const ih0 = oh * geo.sh - geo.padTop;
    const iw0 = ow - geo.padLeft;
    const cRow = c + <usize>(i - i0) * ldcb;
    if (rows == 4 && ow + 3 < outW && ih0 >= 0 && ih0 + spanH < geo.H && iw0 >= 0 && iw0 + spanW < W) {
      const p = geo.x + ((<usize>(n * geo.H + ih0) * <usize>W + <usize>iw0) << 2);
      for (let j = j0; j < j1; j += 8) {
        const off = <usize>(j - j0) << 2;
        kernelC1(p, rowStride, tapStride, geo.fh, geo.fw, pb + <usize>((j - j0) >> 3) * kBytes, cRow + off, ldcb, min(8, j1 - j), mode, bias + off);
      }
    } else {
      packAIm2col(pa, geo, i, rows, 0, K, g.M);
      for (let j = j0; j < j1; j += 8) {
        const off = <usize>(j - j0) << 2;
        kernel(pa, pb + <usize>((j - j0) >> 3) * kBytes, K, cRow + off, ldcb, rows, min(8, j1 - j), mode, bias + off);
      }
    }
    // Advance the position by 4 rows.
    ow += 4;
    while (ow >= outW) {
      ow -= outW;
      if (++oh == geo.outH) {
        oh = 0;
        n++;
      }
    }
  }
}

/** An `mc x nc` block of C at `c` from packed A (`kc` deep) and B panels `panelBytes` apart. */
function macro(pa: usize, pb: usize, panelBytes: usize, kc: i32, mc: i32, nc: i32, c: usize, ldc: i32, mode: i32, bias: usize): void {
  const ldcb = <usize>ldc << 2;
  const groupBytes = <usize>kc << 4;
  for (let j = 0; j < nc; j += 8) {
    const cols = min(8, nc - j);
    const pbj = pb + <usize>(j >> 3) * panelBytes;
    const cj = c + (<usize>j << 2);
    const bj = bias + (<usize>j << 2);
    for (let i = 0; i < mc; i += 4) {
      kernel(pa + <usize>(i >> 2) * groupBytes, pbj, kc, cj + <usize>i * ldcb, ldcb, min(4, mc - i), cols, mode, bj);
    }
  }
}

/** Pack rows `[i0, i0 + mc)`, depth `[k0, k0 + kc)` of A as `g.aMode` says. */
function packA(g: Gemm, a: usize, dst: usize, i0: i32, mc: i32, k0: i32, kc: i32): void {
  const mode = g.aMode;
  if (mode == 0) packAStrided(dst, a, g.aRs, g.aCs, i0, mc, k0, kc);
  else if (mode == 1) packAIm2col(dst, changetype<ConvGeom>(g.geom), i0, mc, k0, kc, g.M);
  else packAIm2colT(dst, changetype<ConvGeom>(g.geom), i0, mc, k0, kc, g.M);
}

/**
 * Byte offset, within one batch of packed B, of the panel holding column j0 in the K block starting at k0:
 * blocks of KC rows follow each other, each holding all panels (`kc * 32` bytes apart) of its rows.
 */
// @ts-ignore: decorator
@inline
export function packedOffset(N: i32, k0: i32, kc: i32, j0: i32): usize {
  return ((<usize>k0 * <usize>((N + 7) & ~7)) << 2) + ((<usize>(j0 >> 3) * <usize>kc) << 5);
}

/**
 * Rows `[i0, i1)` and columns `[j0, j1)` of C over all of K, with B already packed (`pb` is the batch's
 * packed B) and `c` pointing at C(i0, j0). `pa` is scratch for packed A.
 */
export function gemmBlock(g: Gemm, a: usize, i0: i32, i1: i32, j0: i32, j1: i32, pb: usize, c: usize, ldc: i32, flags: i32, bias: usize, pa: usize): void {
  const K = g.K;
  const N = g.N;
  const ldcb = <usize>ldc << 2;
  if (g.aMode == 1 && K <= KC) {
    const geo = changetype<ConvGeom>(g.geom);
    if (geo.C == 1 && geo.sw == 1) {
      convC1Block(g, i0, i1, j0, j1, pb + packedOffset(N, 0, K, j0), c, ldc, flags, bias, pa);
      return;
    }
  }
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    let mode = k0 > 0 ? ACCUMULATE : flags & ACCUMULATE;
    if (k0 + kc >= K) mode |= flags & (BIAS | RELU);
    const pbk = pb + packedOffset(N, k0, kc, j0);
    for (let ii = i0; ii < i1; ii += MC) {
      const mc = min(MC, i1 - ii);
      packA(g, a, pa, ii, mc, k0, kc);
      macro(pa, pbk, <usize>kc << 5, kc, mc, j1 - j0, c + <usize>(ii - i0) * ldcb, ldc, mode, bias);
    }
  }
}

/** Task t: pack columns `[t * nBlock, ...)` of one batch's B (tasks per batch: `nTasks`), every K block. */
export function gemmPackBTask(d: usize, t: i32, tid: i32): void {
  const g = changetype<Gemm>(d);
  const bi = t / g.nTasks;
  const j0 = (t - bi * g.nTasks) * g.nBlock;
  const nc = min(g.nBlock, g.N - j0);
  const dst = g.pb + (<usize>bi * <usize>g.pbBatch << 2);
  const src = g.b + (<usize>bi * <usize>g.bBatch << 2);
  for (let k0 = 0; k0 < g.K; k0 += KC) {
    const kc = min(KC, g.K - k0);
    packBStrided(dst + packedOffset(g.N, k0, kc, j0), src, g.bRs, g.bCs, k0, kc, j0, nc, <usize>kc << 5);
  }
}

/** Task t: one `mBlock x nBlock` block of one batch's C over all of K. */
export function gemmTask(d: usize, t: i32, tid: i32): void {
  const g = changetype<Gemm>(d);
  const per = g.mTasks * g.nTasks;
  const bi = t / per;
  const r = t - bi * per;
  const mi = r / g.nTasks;
  const ni = r - mi * g.nTasks;
  const i0 = mi * g.mBlock;
  const i1 = min(g.M, i0 + g.mBlock);
  const j0 = ni * g.nBlock;
  const j1 = min(g.N, j0 + g.nBlock);
  const a = g.a + (<usize>bi * <usize>g.aBatch << 2);
  const pb = g.pb + (<usize>bi * <usize>g.pbBatch << 2);
  const c = g.c + (<usize>bi * <usize>g.cBatch << 2) + ((<usize>i0 * <usize>g.ldc + <usize>j0) << 2);
  const pa = g.scratch + <usize>tid * <usize>g.scratchStride;
  gemmBlock(g, a, i0, i1, j0, j1, pb, c, g.ldc, g.flags, g.bias + (<usize>j0 << 2), pa);
}

/**
 * Task t: all of C (one batch only) over K range `[t * kBlock, ...)`, into partial block t (row stride N).
 * Scratch per thread: packed A (MC x KC) then packed B (KC x N rounded up to panels).
 */
export function gemmSplitKTask(d: usize, t: i32, tid: i32): void {
  const g = changetype<Gemm>(d);
  const M = g.M;
  const N = g.N;
  const kStart = t * g.kBlock;
  const kEnd = min(g.K, kStart + g.kBlock);
  const pa = g.scratch + <usize>tid * <usize>g.scratchStride;
  const pb = pa + (<usize>MC * <usize>KC << 2);
  const out = g.partials + (<usize>t * <usize>M * <usize>N << 2);
  const ldcb = <usize>N << 2;
  for (let k0 = kStart; k0 < kEnd; k0 += KC) {
    const kc = min(KC, kEnd - k0);
    packBStrided(pb, g.b, g.bRs, g.bCs, k0, kc, 0, N, <usize>kc << 5);
    const mode = k0 > kStart ? ACCUMULATE : 0;
    for (let ii = 0; ii < M; ii += MC) {
      const mc = min(MC, M - ii);
      packA(g, g.a, pa, ii, mc, k0, kc);
      macro(pa, pb, <usize>kc << 5, kc, mc, N, out + <usize>ii * ldcb, N, mode, 0);
    }
  }
}

/** `dst[i] (+)= sum over p < count of partials[p * step + i]` for i < size, summed in order p = 0, 1, ... */
export function sumPartials(dst: usize, partials: usize, count: i32, size: i32, step: i32, accumulate: i32): void {
  const stride = <usize>step << 2;
  let i = 0;
  for (; i + 4 <= size; i += 4) {
    const off = <usize>i << 2;
    let s = v128.load(partials + off);
    for (let p = 1; p < count; p++) s = f32x4.add(s, v128.load(partials + <usize>p * stride + off));
    if (accumulate) s = f32x4.add(v128.load(dst + off), s);
    v128.store(dst + off, s);
  }
  for (; i < size; i++) {
    const off = <usize>i << 2;
    let s = load<f32>(partials + off);
    for (let p = 1; p < count; p++) s += load<f32>(partials + <usize>p * stride + off);
    if (accumulate) s = load<f32>(dst + off) + s;
    store<f32>(dst + off, s);
  }
}
