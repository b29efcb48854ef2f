/**
 * Matrix products: a packed, register-tiled float32 GEMM (also used by the convolutions) and the
 * batched `matmul` kernel.
 *
 * @packageDocumentation
 */
import type { TensorInfo, TypedArray } from '@neurona/core';
import { allocate, sizeOf } from '../storage.js';
import type { Input } from './strided.js';

/** Micro-tile: MR rows of A times NR columns of B, held in 16 local accumulators. */
const MR = 4;
const NR = 4;
/** Cache blocks: a KC x NC panel of B (~256 KiB) and an MC x KC panel of A (~64 KiB). */
const KC = 256;
const NC = 256;
const MC = 64;

let packA = new Float32Array(0);
let packB = new Float32Array(0);
const tile = new Float64Array(MR * NR);

function scratchA(n: number): Float32Array {
  if (packA.length < n) packA = new Float32Array(n);
  return packA;
}
function scratchB(n: number): Float32Array {
  if (packB.length < n) packB = new Float32Array(n);
  return packB;
}

/**
 * A strided matrix view: element (i, j) is `data[off + i * rs + j * cs]`.
 *
 * @example
 * ```ts
 * // a row-major [M, K] matrix, or its transpose without copying:
 * const a: MatView = { data, off: 0, rs: K, cs: 1 };
 * const aT: MatView = { data, off: 0, rs: 1, cs: K };
 * ```
 */
export interface MatView {
  readonly data: TypedArray;
  readonly off: number;
  readonly rs: number;
  readonly cs: number;
}

/**
 * `C (+)= A * B` in float32 with float64 accumulation inside each block of 256 terms.
 * A is M x K, B is K x N (any strides, so transposes are free); C is a contiguous row-major M x N block of
 * `c` starting at `cOff`. With `accumulate` false, C is overwritten.
 *
 * Blocks of B (KC x NC) and A (MC x KC) are packed into reused scratch panels laid out for a 4x4
 * register micro-kernel; partial edge tiles are zero-padded in the panels and clipped on write-back.
 *
 * @example
 * ```ts
 * // 2x3 times 3x2, both row-major:
 * gemm(2, 2, 3, { data: a, off: 0, rs: 3, cs: 1 }, { data: b, off: 0, rs: 2, cs: 1 }, c, 0, false);
 * ```
 */
export function gemm(
  M: number,
  N: number,
  K: number,
  A: MatView,
  B: MatView,
  c: Float32Array,
  cOff: number,
  accumulate: boolean,
): void {
  if (M === 0 || N === 0) return;
  if (K === 0) {
    if (!accumulate) c.fill(0, cOff, cOff + M * N);
    return;
  }
  const kcMax = Math.min(KC, K);
  const pb = scratchB(kcMax * roundUp(Math.min(NC, N), NR));
  const pa = scratchA(kcMax * roundUp(Math.min(MC, M), MR));
  for (let j0 = 0; j0 < N; j0 += NC) {
    const nc = Math.min(NC, N - j0);
    for (let k0 = 0; k0 < K; k0 += KC) {
      const kc = Math.min(KC, K - k0);
      packPanels(pb, B, k0, j0, kc, nc, false);
      const add = accumulate || k0 > 0;
      for (let i0 = 0; i0 < M; i0 += MC) {
        const mc = Math.min(MC, M - i0);
        packPanels(pa, A, i0, k0, mc, kc, true);
        for (let jp = 0; jp < nc; jp += NR) {
          const nr = Math.min(NR, nc - jp);
          const bBase = (jp / NR) * kc * NR;
          for (let ip = 0; ip < mc; ip += MR) {
            const mr = Math.min(MR, mc - ip);
            microKernel(pa, (ip / MR) * kc * MR, pb, bBase, kc);
            const cBase = cOff + (i0 + ip) * N + j0 + jp;
            for (let ii = 0; ii < mr; ii++) {
              const cRow = cBase + ii * N;
              for (let jj = 0; jj < nr; jj++) {
                const v = tile[ii * NR + jj]!;
                c[cRow + jj] = add ? c[cRow + jj]! + v : v;
              }
            }
          }
        }
      }
    }
  }
}

function roundUp(n: number, m: number): number {
  return Math.ceil(n / m) * m;
}

/**
 * Pack a block of a strided matrix into panels of 4 interleaved rows (`byRows`, for A: panel p holds rows
 * 4p..4p+3, laid out column after column) or 4 interleaved columns (for B: panel p holds columns 4p..4p+3,
 * laid out row after row). Missing rows/columns of the last panel are zero.
 */
function packPanels(
  dst: Float32Array,
  src: MatView,
  r0: number,
  c0: number,
  rows: number,
  cols: number,
  byRows: boolean,
): void {
  const { data, off, rs, cs } = src;
  // `lanes` is the dimension split into groups of 4; `depth` runs along each panel.
  const lanes = byRows ? rows : cols;
  const depth = byRows ? cols : rows;
  const laneStride = byRows ? rs : cs;
  const depthStride = byRows ? cs : rs;
  const base = off + r0 * rs + c0 * cs;
  let p = 0;
  for (let l0 = 0; l0 < lanes; l0 += 4) {
    const w = Math.min(4, lanes - l0);
    const s0 = base + l0 * laneStride;
    if (w === 4) {
      const s1 = s0 + laneStride;
      const s2 = s1 + laneStride;
      const s3 = s2 + laneStride;
      for (let d = 0; d < depth; d++) {
        const o = d * depthStride;
        dst[p] = data[s0 + o]!;
        dst[p + 1] = data[s1 + o]!;
        dst[p + 2] = data[s2 + o]!;
        dst[p + 3] = data[s3 + o]!;
        p += 4;
      }
    } else {
      for (let d = 0; d < depth; d++) {
        const o = d * depthStride;
        for (let l = 0; l < 4; l++) dst[p + l] = l < w ? data[s0 + l * laneStride + o]! : 0;
        p += 4;
      }
    }
  }
}

/** 4x4 tile of A-panel times B-panel over `kc` terms, accumulated in locals, written to `tile`. */
function microKernel(pa: Float32Array, aOff: number, pb: Float32Array, bOff: number, kc: number): void {
  let c00 = 0;
  let c01 = 0;
  let c02 = 0;
  let c03 = 0;
  let c10 = 0;
  let c11 = 0;
  let c12 = 0;
  let c13 = 0;
  let c20 = 0;
  let c21 = 0;
  let c22 = 0;
  let c23 = 0;
  let c30 = 0;
  let c31 = 0;
  let c32 = 0;
  let c33 = 0;
  let ia = aOff;
  let ib = bOff;
  for (let k = 0; k < kc; k++) {
    const a0 = pa[ia]!;
    const a1 = pa[ia + 1]!;
    const a2 = pa[ia + 2]!;
    const a3 = pa[ia + 3]!;
    const b0 = pb[ib]!;
    const b1 = pb[ib + 1]!;
    const b2 = pb[ib + 2]!;
    const b3 = pb[ib + 3]!;
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
    ia += 4;
    ib += 4;
  }
  tile[0] = c00;
  tile[1] = c01;
  tile[2] = c02;
  tile[3] = c03;
  tile[4] = c10;
  tile[5] = c11;
  tile[6] = c12;
  tile[7] = c13;
  tile[8] = c20;
  tile[9] = c21;
  tile[10] = c22;
  tile[11] = c23;
  tile[12] = c30;
  tile[13] = c31;
  tile[14] = c32;
  tile[15] = c33;
}

/**
 * Batched matrix product of rank-3 operands. `a` is `[batchA, M, K]` (`[batchA, K, M]` with `transposeA`),
 * `b` is `[batchB, K, N]` (`[batchB, N, K]` with `transposeB`); a batch of 1 broadcasts to `out.shape[0]`.
 * Float32 uses {@link gemm} (transposes are absorbed by packing); int32 uses a plain loop with wrapping
 * 32-bit arithmetic.
 *
 * @example
 * ```ts
 * matmul(a, b, false, true, { shape: [1, 2, 2], dtype: 'float32' });
 * ```
 */
export function matmul(
  a: Input,
  b: Input,
  transposeA: boolean,
  transposeB: boolean,
  out: TensorInfo,
): TypedArray {
  const o = allocate(out.dtype, sizeOf(out.shape));
  const [batch, M, N] = out.shape as [number, number, number];
  const K = transposeA ? a.shape[1]! : a.shape[2]!;
  if (o.length === 0) return o;
  const aStep = a.shape[0] === 1 ? 0 : M * K;
  const bStep = b.shape[0] === 1 ? 0 : K * N;
  const ars = transposeA ? 1 : K;
  const acs = transposeA ? M : 1;
  const brs = transposeB ? 1 : N;
  const bcs = transposeB ? K : 1;
  for (let t = 0; t < batch; t++) {
    const A: MatView = { data: a.data, off: t * aStep, rs: ars, cs: acs };
    const B: MatView = { data: b.data, off: t * bStep, rs: brs, cs: bcs };
    if (o instanceof Float32Array) gemm(M, N, K, A, B, o, t * M * N, false);
    else intGemm(M, N, K, A, B, o, t * M * N);
  }
  return o;
}

/** Plain int32 product with wrapping arithmetic (as int32 C code would). */
function intGemm(M: number, N: number, K: number, A: MatView, B: MatView, o: TypedArray, oOff: number): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let acc = 0;
      let ia = A.off + i * A.rs;
      let ib = B.off + j * B.cs;
      for (let k = 0; k < K; k++) {
        acc = (acc + Math.imul(A.data[ia]!, B.data[ib]!)) | 0;
        ia += A.cs;
        ib += B.rs;
      }
      o[oOff + i * N + j] = acc;
    }
  }
}
