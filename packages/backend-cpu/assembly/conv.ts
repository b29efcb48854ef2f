// Convolution tasks that are not a plain GEMM: the input gradient (GEMM into a column block, then col2im).
// Forward (im2col packed on the fly) and filter gradient (im2col^T) run through `gemmTask` and
// `gemmSplitKTask` with `Gemm.aMode` 1 and 2.

import { Gemm, gemmBlock, KC, MC } from './gemm';
import { madd } from './simd';
import { ConvGeom } from './pack';

/** `dst[i] += src[i]` for i < n floats. */
// @ts-ignore: decorator
@inline
function addInto(dst: usize, src: usize, n: i32): void {
  let c = 0;
  for (; c + 4 <= n; c += 4) {
    const o = <usize>c << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; c < n; c++) {
    const o = <usize>c << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

/**
 * Add rows `[q0, q0 + rows)` of the column matrix `cols` (row stride fh * fw * C) back into the image at
 * `g.x`: every entry goes to the pixel it was read from in the forward pass; padding is dropped.
 * With one channel and unit dilation, four adjacent taps of a filter row are added as one vector.
 */
function col2im(g: ConvGeom, cols: usize, q0: i32, rows: i32): void {
  const C = g.C;
  const W = g.W;
  const fw = g.fw;
  const pixelBytes = <usize>C << 2;
  const rowBytes = <usize>W * pixelBytes;
  const perImage = g.outH * g.outW;
  const imageBytes = <usize>g.H * rowBytes;
  let n = q0 / perImage;
  let oh = (q0 - n * perImage) / g.outW;
  let ow = q0 - n * perImage - oh * g.outW;
  let src = cols;
  for (let row = 0; row < rows; row++) {
    const base = g.x + <usize>n * imageBytes;
    const ih0 = oh * g.sh - g.padTop;
    const iw0 = ow * g.sw - g.padLeft;
    for (let r = 0; r < g.fh; r++) {
      const ih = ih0 + r * g.dh;
      if (<u32>ih >= <u32>g.H) {
        src += <usize>fw * pixelBytes;
        continue;
      }
      const line = base + <usize>ih * rowBytes;
      if (g.dw == 1 && iw0 >= 0 && iw0 + fw <= W) {
        // The filter row's fw * C columns are contiguous floats of the image row.
        addInto(line + <usize>iw0 * pixelBytes, src, fw * C);
        src += <usize>fw * pixelBytes;
        continue;
      }
      let s = 0;
      if (C == 1 && g.dw == 1) {
        for (; s + 4 <= fw; s += 4) {
          const iw = iw0 + s;
          if (iw < 0 || iw + 3 >= W) break;
          const p = line + (<usize>iw << 2);
          v128.store(p, f32x4.add(v128.load(p), v128.load(src + (<usize>s << 2))));
        }
      }
      for (; s < fw; s++) {
        const iw = iw0 + s * g.dw;
        if (<u32>iw < <u32>W) addInto(line + <usize>iw * pixelBytes, src + <usize>s * pixelBytes, C);
      }
      src += <usize>fw * pixelBytes;
    }
    if (++ow == g.outW) {
      ow = 0;
      if (++oh == g.outH) {
        oh = 0;
        n++;
      }
    }
  }
}

/**
 * Task t: the input gradient of image t. `g` describes dcols = dy * W^T (A = dy strided, B = W^T packed,
 * N = fh * fw * C); `g.geom.x` is dx. Rows are done `g.mBlock` at a time into the thread's scratch
 * (packed A, then the column block), then scattered into dx, which this task zeroes first.
 */
export function convGradInputTask(d: usize, t: i32, tid: i32): void {
  const g = changetype<Gemm>(d);
  const geo = changetype<ConvGeom>(g.geom);
  const perImage = geo.outH * geo.outW;
  const imageFloats = <usize>geo.H * <usize>geo.W * <usize>geo.C;
  memory.fill(geo.x + (<usize>t * imageFloats << 2), 0, imageFloats << 2);
  const pa = g.scratch + <usize>tid * <usize>g.scratchStride;
  const cols = pa + (<usize>MC * <usize>KC << 2);
  const N = g.N;
  const qEnd = (t + 1) * perImage;
  for (let q0 = t * perImage; q0 < qEnd; q0 += g.mBlock) {
    const rows = min(g.mBlock, qEnd - q0);
    gemmBlock(g, g.a, q0, q0 + rows, 0, N, g.pb, cols, N, 0, 0, pa);
    col2im(geo, cols, q0, rows);
  }
}

/**
 * Task t of the filter gradient of a one-channel image with unit horizontal stride and dilation and no
 * padding, for filters at most 8 wide and a multiple of 4 output channels: positions `[t * kBlock, ...)`
 * are summed into partial block t (`fh * fw * D` floats at `partials + t * M * N * 4`).
 *
 * For each filter row r and 4 output channels, every position adds dy (4 channels, one vector, broadcast
 * lane by lane) times the 8 pixels right of it (two vector loads; lanes past the filter width are dropped),
 * so neither operand is packed.
 */
export function convC1FilterTask(d: usize, t: i32, tid: i32): void {
  const g = changetype<Gemm>(d);
  const geo = changetype<ConvGeom>(g.geom);
  const D = g.N;
  const fw = geo.fw;
  const W = geo.W;
  const outW = geo.outW;
  const perImage = geo.outH * outW;
  const kStart = t * g.kBlock;
  const kEnd = min(g.K, kStart + g.kBlock);
  const out = g.partials + (<usize>t * <usize>g.M * <usize>D << 2);
  const dyStride = <usize>D << 2;
  for (let r = 0; r < geo.fh; r++) {
    for (let dg = 0; dg < D; dg += 4) {
      let c00 = f32x4.splat(0);
      let c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
      let q = kStart;
      while (q < kEnd) {
        const n = q / perImage;
        const oh = (q - n * perImage) / outW;
        const ow = q - n * perImage - oh * outW;
        const run = min(outW - ow, kEnd - q);
        let xp = geo.x + ((<usize>(n * geo.H + oh * geo.sh + r * geo.dh) * <usize>W + <usize>ow) << 2);
        let dp = g.b + <usize>q * dyStride + (<usize>dg << 2);
        for (let k = 0; k < run; k++) {
          const v = v128.load(dp);
          const b0 = v128.load(xp);
          const b1 = v128.load(xp, 16);
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
          xp += 4;
          dp += dyStride;
        }
        q += run;
      }
      // out[(r * fw + s) * D + dg + i] = channel i's sum for tap s.
      const base = out + ((<usize>(r * fw) * <usize>D + <usize>dg) << 2);
      storeTaps(base, dyStride, c00, c01, fw, 0);
      storeTaps(base, dyStride, c10, c11, fw, 1);
      storeTaps(base, dyStride, c20, c21, fw, 2);
      storeTaps(base, dyStride, c30, c31, fw, 3);
    }
  }
}

/** Store the first `fw` of the 8 tap sums in (lo, hi) for channel `i` at `base + s * step + i * 4`. */
// @ts-ignore: decorator
@inline
function storeTaps(base: usize, step: usize, lo: v128, hi: v128, fw: i32, i: i32): void {
  const p = base + (<usize>i << 2);
  store<f32>(p, f32x4.extract_lane(lo, 0));
  if (fw > 1) store<f32>(p + step, f32x4.extract_lane(lo, 1));
  if (fw > 2) store<f32>(p + 2 * step, f32x4.extract_lane(lo, 2));
  if (fw > 3) store<f32>(p + 3 * step, f32x4.extract_lane(lo, 3));
  if (fw > 4) store<f32>(p + 4 * step, f32x4.extract_lane(hi, 0));
  if (fw > 5) store<f32>(p + 5 * step, f32x4.extract_lane(hi, 1));
  if (fw > 6) store<f32>(p + 6 * step, f32x4.extract_lane(hi, 2));
  if (fw > 7) store<f32>(p + 7 * step, f32x4.extract_lane(hi, 3));
}
