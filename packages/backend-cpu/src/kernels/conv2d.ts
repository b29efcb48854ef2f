/**
 * NHWC 2-D convolution and its two gradients, via im2col + {@link gemm}.
 *
 * Notation: x `[N, H, W, C]`, filter `[fh, fw, C, D]`, y `[N, outH, outW, D]`. Output position
 * q = (n, oh, ow) reads input (ih, iw) = (oh*sh - padTop + r*dh, ow*sw - padLeft + s*dw) for tap (r, s).
 * With `cols[q, (r*fw + s)*C + c] = x[n, ih, iw, c]` (0 outside the image) and the filter viewed as
 * `Wm [fh*fw*C, D]`:
 * - forward:     y[q, :]  = cols[q, :] * Wm
 * - grad filter: dWm     += cols^T * dy          (summed over every q)
 * - grad input:  dcols    = dy * Wm^T, then col2im adds each dcols entry back into the dx pixel it came from.
 * Positions are processed in chunks so the cols scratch stays around 4 MiB (`chunkElements`, tunable for tests).
 *
 * @packageDocumentation
 */
import { type Conv2DInfo, isPointwiseConv, type TensorInfo } from '@neurona/core';
import { sizeOf } from '../storage.js';
import { gemm } from './matmul.js';
import type { Input } from './strided.js';

/** Default size of the cols scratch, in elements (4 MiB). */
const CHUNK_ELEMENTS = 1 << 20;

let colsScratch = new Float32Array(0);
function scratch(n: number): Float32Array {
  if (colsScratch.length < n) colsScratch = new Float32Array(n);
  return colsScratch;
}

/** Rows of cols per chunk. */
function chunkRows(kc: number, total: number, chunkElements: number): number {
  return Math.max(1, Math.min(total, Math.floor(chunkElements / Math.max(kc, 1))));
}

/**
 * Fill rows `[q0, q0 + rows)` of cols (or, with `scatter`, add them back into `img`). Positions
 * outside the image are written as 0 (or skipped when scattering).
 */
function im2col(
  img: Float32Array,
  cols: Float32Array,
  info: Conv2DInfo,
  q0: number,
  rows: number,
  scatter: boolean,
): void {
  const {
    inHeight: H,
    inWidth: W,
    inChannels: C,
    outHeight,
    outWidth,
    filterHeight: fh,
    filterWidth: fw,
  } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, padTop, padLeft } = info;
  const kc = fh * fw * C;
  const perImage = outHeight * outWidth;
  for (let row = 0; row < rows; row++) {
    const q = q0 + row;
    const n = Math.floor(q / perImage);
    const rem = q - n * perImage;
    const oh = Math.floor(rem / outWidth);
    const ow = rem - oh * outWidth;
    const ih0 = oh * sh - padTop;
    const iw0 = ow * sw - padLeft;
    let p = row * kc;
    for (let r = 0; r < fh; r++) {
      const ih = ih0 + r * dh;
      if (ih < 0 || ih >= H) {
        if (!scatter) cols.fill(0, p, p + fw * C);
        p += fw * C;
        continue;
      }
      const rowBase = (n * H + ih) * W;
      for (let s = 0; s < fw; s++) {
        const iw = iw0 + s * dw;
        if (iw < 0 || iw >= W) {
          if (!scatter) cols.fill(0, p, p + C);
        } else {
          const src = (rowBase + iw) * C;
          if (scatter) for (let ch = 0; ch < C; ch++) img[src + ch] = img[src + ch]! + cols[p + ch]!;
          else for (let ch = 0; ch < C; ch++) cols[p + ch] = img[src + ch]!;
        }
        p += C;
      }
    }
  }
}

/**
 * Convolution forward: x `[N, H, W, C]` with filter `[fh, fw, C, D]` gives `[N, outH, outW, D]`, honouring
 * explicit pads, strides and dilations.
 *
 * @example
 * ```ts
 * const y = conv2d(x, w, info, { shape: [1, 2, 2, 1], dtype: 'float32' });
 * ```
 */
export function conv2d(
  x: Input,
  filter: Input,
  info: Conv2DInfo,
  out: TensorInfo,
  chunkElements = CHUNK_ELEMENTS,
): Float32Array {
  const o = new Float32Array(sizeOf(out.shape));
  const D = info.outChannels;
  const kc = info.filterHeight * info.filterWidth * info.inChannels;
  const total = info.batch * info.outHeight * info.outWidth;
  if (o.length === 0) return o;
  const wm = { data: filter.data, off: 0, rs: D, cs: 1 };
  if (isPointwiseConv(info)) {
    gemm(total, D, kc, { data: x.data, off: 0, rs: kc, cs: 1 }, wm, o, 0, false);
    return o;
  }
  const xd = asFloat32(x);
  const step = chunkRows(kc, total, chunkElements);
  const cols = scratch(step * kc);
  for (let q0 = 0; q0 < total; q0 += step) {
    const rows = Math.min(step, total - q0);
    im2col(xd, cols, info, q0, rows, false);
    gemm(rows, D, kc, { data: cols, off: 0, rs: kc, cs: 1 }, wm, o, q0 * D, false);
  }
  return o;
}

/**
 * Gradient of {@link conv2d} with respect to x: dy `[N, outH, outW, D]` and the filter give `[N, H, W, C]`.
 *
 * @example
 * ```ts
 * const dx = conv2dGradInput(dy, w, info, { shape: [1, 3, 3, 1], dtype: 'float32' });
 * ```
 */
export function conv2dGradInput(
  dy: Input,
  filter: Input,
  info: Conv2DInfo,
  out: TensorInfo,
  chunkElements = CHUNK_ELEMENTS,
): Float32Array {
  const o = new Float32Array(sizeOf(out.shape));
  const D = info.outChannels;
  const kc = info.filterHeight * info.filterWidth * info.inChannels;
  const total = info.batch * info.outHeight * info.outWidth;
  if (o.length === 0 || total === 0) return o;
  const wmT = { data: filter.data, off: 0, rs: 1, cs: D };
  if (isPointwiseConv(info)) {
    gemm(total, kc, D, { data: dy.data, off: 0, rs: D, cs: 1 }, wmT, o, 0, false);
    return o;
  }
  const step = chunkRows(kc, total, chunkElements);
  const cols = scratch(step * kc);
  for (let q0 = 0; q0 < total; q0 += step) {
    const rows = Math.min(step, total - q0);
    gemm(rows, kc, D, { data: dy.data, off: q0 * D, rs: D, cs: 1 }, wmT, cols, 0, false);
    im2col(o, cols, info, q0, rows, true);
  }
  return o;
}

/**
 * Gradient of {@link conv2d} with respect to the filter: x and dy give `[fh, fw, C, D]`.
 *
 * @example
 * ```ts
 * const dw = conv2dGradFilter(x, dy, info, { shape: [2, 2, 1, 1], dtype: 'float32' });
 * ```
 */
export function conv2dGradFilter(
  x: Input,
  dy: Input,
  info: Conv2DInfo,
  out: TensorInfo,
  chunkElements = CHUNK_ELEMENTS,
): Float32Array {
  const o = new Float32Array(sizeOf(out.shape));
  const D = info.outChannels;
  const kc = info.filterHeight * info.filterWidth * info.inChannels;
  const total = info.batch * info.outHeight * info.outWidth;
  if (o.length === 0 || total === 0) return o;
  if (isPointwiseConv(info)) {
    gemm(
      kc,
      D,
      total,
      { data: x.data, off: 0, rs: 1, cs: kc },
      { data: dy.data, off: 0, rs: D, cs: 1 },
      o,
      0,
      false,
    );
    return o;
  }
  const xd = asFloat32(x);
  const step = chunkRows(kc, total, chunkElements);
  const cols = scratch(step * kc);
  for (let q0 = 0; q0 < total; q0 += step) {
    const rows = Math.min(step, total - q0);
    im2col(xd, cols, info, q0, rows, false);
    const colsT = { data: cols, off: 0, rs: 1, cs: kc };
    gemm(kc, D, rows, colsT, { data: dy.data, off: q0 * D, rs: D, cs: 1 }, o, 0, q0 > 0);
  }
  return o;
}

function asFloat32(x: Input): Float32Array {
  return x.data instanceof Float32Array ? x.data : Float32Array.from(x.data);
}
