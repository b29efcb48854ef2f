// Packing: copy blocks of the GEMM operands into the panel layouts the 4x8 micro-kernel reads.
//
// Packed A (MR = 4 rows): for each group of 4 rows, `kc` steps of 4 floats (row 0..3 at step k);
// group g starts at `dst + g * kc * 16` bytes. Rows past the end of the block are zero.
// Packed B (NR = 8 columns): for each panel of 8 columns, `kc` steps of 8 floats; panel p starts at
// `dst + p * panelBytes`. Columns past the end are zero.
//
// A can be a strided matrix, or the im2col matrix of an NHWC image (`ConvGeom`) or its transpose, so
// convolutions never materialise their column matrix.

import { storeTransposed } from './simd';

/** Geometry of an NHWC convolution, read from memory (field order matches src/fast/layout.ts). */
@unmanaged
export class ConvGeom {
  x: usize;
  H: i32;
  W: i32;
  C: i32;
  outH: i32;
  outW: i32;
  fh: i32;
  fw: i32;
  sh: i32;
  sw: i32;
  dh: i32;
  dw: i32;
  padTop: i32;
  padLeft: i32;
}

/** Rows `[i0, i0 + mc)`, columns `[k0, k0 + kc)` of A (element (i, k) at `a[i * rs + k * cs]`). */
export function packAStrided(dst: usize, a: usize, rs: i32, cs: i32, i0: i32, mc: i32, k0: i32, kc: i32): void {
  const rsb = <usize>rs << 2;
  const csb = <usize>cs << 2;
  for (let g = 0; g < mc; g += 4) {
    const rows = min(4, mc - g);
    const d = dst + ((<usize>g * <usize>kc) << 2);
    const src = a + <usize>(i0 + g) * rsb + <usize>k0 * csb;
    if (rows == 4 && cs == 1) {
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const p = src + (<usize>k << 2);
        storeTransposed(
          d + (<usize>k << 4),
          16,
          v128.load(p),
          v128.load(p + rsb),
          v128.load(p + 2 * rsb),
          v128.load(p + 3 * rsb),
        );
      }
      for (; k < kc; k++) {
        const p = src + (<usize>k << 2);
        const q = d + (<usize>k << 4);
        store<f32>(q, load<f32>(p));
        store<f32>(q, load<f32>(p + rsb), 4);
        store<f32>(q, load<f32>(p + 2 * rsb), 8);
        store<f32>(q, load<f32>(p + 3 * rsb), 12);
      }
    } else if (rows == 4 && rs == 1) {
      for (let k = 0; k < kc; k++) v128.store(d + (<usize>k << 4), v128.load(src + <usize>k * csb));
    } else {
      for (let k = 0; k < kc; k++) {
        const q = d + (<usize>k << 4);
        const p = src + <usize>k * csb;
        for (let r = 0; r < 4; r++) {
          store<f32>(q + (<usize>r << 2), r < rows ? load<f32>(p + <usize>r * rsb) : 0);
        }
      }
    }
  }
}

/**
 * Columns `[j0, j0 + nc)`, rows `[k0, k0 + kc)` of B (element (k, j) at `b[k * rs + j * cs]`), as panels of
 * 8 columns `panelBytes` apart.
 */
export function packBStrided(
  dst: usize,
  b: usize,
  rs: i32,
  cs: i32,
  k0: i32,
  kc: i32,
  j0: i32,
  nc: i32,
  panelBytes: usize,
): void {
  const rsb = <usize>rs << 2;
  const csb = <usize>cs << 2;
  for (let j = 0; j < nc; j += 8) {
    const cols = min(8, nc - j);
    const d = dst + <usize>(j >> 3) * panelBytes;
    const src = b + <usize>k0 * rsb + <usize>(j0 + j) * csb;
    if (cols == 8 && cs == 1) {
      for (let k = 0; k < kc; k++) {
        const p = src + <usize>k * rsb;
        const q = d + (<usize>k << 5);
        v128.store(q, v128.load(p));
        v128.store(q, v128.load(p, 16), 16);
      }
    } else if (cols == 8 && rs == 1) {
      // Each column is contiguous along k: transpose 4x4 blocks.
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const p = src + (<usize>k << 2);
        const q = d + (<usize>k << 5);
        storeTransposed(q, 32, v128.load(p), v128.load(p + csb), v128.load(p + 2 * csb), v128.load(p + 3 * csb));
        const p4 = p + 4 * csb;
        storeTransposed(
          q + 16,
          32,
          v128.load(p4),
          v128.load(p4 + csb),
          v128.load(p4 + 2 * csb),
          v128.load(p4 + 3 * csb),
        );
      }
      for (; k < kc; k++) {
        const p = src + (<usize>k << 2);
        const q = d + (<usize>k << 5);
        for (let c = 0; c < 8; c++) store<f32>(q + (<usize>c << 2), load<f32>(p + <usize>c * csb));
      }
    } else {
      for (let k = 0; k < kc; k++) {
        const p = src + <usize>k * rsb;
        const q = d + (<usize>k << 5);
        for (let c = 0; c < 8; c++) store<f32>(q + (<usize>c << 2), c < cols ? load<f32>(p + <usize>c * csb) : 0);
      }
    }
  }
}

/**
 * Rows `[q0, q0 + mc)` (output positions n, oh, ow) and columns `[k0, k0 + kc)` (kk = (r * fw + s) * C + c) of
 * the im2col matrix of the image, packed like A. Padding reads as 0.
 *
 * Groups of 4 positions in one output row (the common case) read the 4 pixels of each tap at a fixed
 * stride: one vector load when C is 1 and the stride is 1, 4x4 transposes when C >= 4. Other groups
 * (crossing a row, the end of the matrix) take a per-row path.
 */
export function packAIm2col(dst: usize, g: ConvGeom, q0: i32, mc: i32, k0: i32, kc: i32, M: i32): void {
  const C = g.C;
  const W = g.W;
  const outW = g.outW;
  const perImage = g.outH * outW;
  const imageBytes = (<usize>g.H * <usize>W * <usize>C) << 2;
  const pixelBytes = <usize>C << 2;
  const stepBytes = <usize>(g.sw * C) << 2;
  // Tap and channel of column k0.
  const t0 = k0 / C;
  const cStart = k0 - t0 * C;
  const rStart = t0 / g.fw;
  const sStart = t0 - rStart * g.fw;
  // Position of row q0, advanced incrementally.
  let n = q0 / perImage;
  let oh = (q0 - n * perImage) / outW;
  let ow = q0 - n * perImage - oh * outW;
  for (let grp = 0; grp < mc; grp += 4) {
    const d = dst + ((<usize>grp * <usize>kc) << 2);
    const rows = min(4, min(mc - grp, M - q0 - grp));
    if (rows == 4 && ow + 3 < outW) {
      const base = g.x + <usize>n * imageBytes;
      const ih0 = oh * g.sh - g.padTop;
      const iw0 = ow * g.sw - g.padLeft;
      // j: column within the current filter row r (j = s * C + c); with unit dilation a filter row's
      // fw * C columns are contiguous floats of each position's image row.
      const rowLen = g.fw * C;
      const segments = g.dw == 1 && !(C == 1 && g.sw == 1);
      let r = rStart;
      let j = sStart * C + cStart;
      let kk = 0;
      while (kk < kc) {
        const q = d + (<usize>kk << 4);
        const ih = ih0 + r * g.dh;
        if (<u32>ih >= <u32>g.H) {
          const run = min(rowLen - j, kc - kk);
          memory.fill(q, 0, <usize>run << 4);
          kk += run;
          j += run;
        } else {
          const segRun = min(rowLen - j, kc - kk);
          if (segments && iw0 + j / C >= 0 && iw0 + 3 * g.sw + (j + segRun - 1) / C < W) {
            copySegments(q, base + ((<usize>(ih * W + iw0) * <usize>C + <usize>j) << 2), stepBytes, segRun);
            kk += segRun;
            j += segRun;
          } else {
            const s = j / C;
            const c = j - s * C;
            const run = min(C - c, kc - kk);
            packTap(q, g, base, ih, iw0 + s * g.dw, c, run, stepBytes);
            kk += run;
            j += run;
          }
        }
        if (j == rowLen) {
          j = 0;
          r++;
        }
      }
      ow += 4;
    } else {
      // Row by row: positions may cross an output row or image, or run past the end.
      for (let i = 0; i < 4; i++) {
        if (i < rows) {
          const base = g.x + <usize>n * imageBytes;
          const ih0 = oh * g.sh - g.padTop;
          const iw0 = ow * g.sw - g.padLeft;
          let r = rStart;
          let s = sStart;
          let c = cStart;
          let kk = 0;
          while (kk < kc) {
            const run = min(C - c, kc - kk);
            const ih = ih0 + r * g.dh;
            const iw = iw0 + s * g.dw;
            const q = d + (<usize>kk << 4) + (<usize>i << 2);
            if (<u32>ih < <u32>g.H && <u32>iw < <u32>W) {
              const p = base + (<usize>(ih * W + iw) * pixelBytes) + (<usize>c << 2);
              for (let cc = 0; cc < run; cc++) store<f32>(q + (<usize>cc << 4), load<f32>(p + (<usize>cc << 2)));
            } else {
              for (let cc = 0; cc < run; cc++) store<f32>(q + (<usize>cc << 4), 0);
            }
            kk += run;
            c = 0;
            if (++s == g.fw) {
              s = 0;
              r++;
            }
          }
          if (++ow == outW) {
            ow = 0;
            if (++oh == g.outH) {
              oh = 0;
              n++;
            }
          }
        } else {
          for (let kk = 0; kk < kc; kk++) store<f32>(d + (<usize>kk << 4) + (<usize>i << 2), 0);
        }
      }
      continue;
    }
    if (ow == outW) {
      ow = 0;
      if (++oh == g.outH) {
        oh = 0;
        n++;
      }
    }
  }
}

/**
 * The transpose of the im2col matrix, packed like A: rows `[kk0, kk0 + mc)` (filter taps x channels, of
 * `M` in all) and columns `[q0, q0 + kc)` (output positions).
 */
export function packAIm2colT(dst: usize, g: ConvGeom, kk0: i32, mc: i32, q0: i32, kc: i32, M: i32): void {
  const C = g.C;
  const W = g.W;
  const outW = g.outW;
  const perImage = g.outH * outW;
  const imageBytes = (<usize>g.H * <usize>W * <usize>C) << 2;
  for (let grp = 0; grp < mc; grp += 4) {
    const d = dst + ((<usize>grp * <usize>kc) << 2);
    const kk = kk0 + grp;
    const rows = min(4, min(mc - grp, M - kk));
    // Offsets of the (up to) 4 rows: tap displacement (dy, dx) and channel.
    const t0 = kk / C;
    const c0 = kk - t0 * C;
    // Fast cases: 4 consecutive channels of one tap; or (C = 1) 4 adjacent taps of one filter row.
    const sameTap = rows == 4 && c0 + 4 <= C;
    const tr0 = t0 / g.fw;
    // With unit dilation, the 4 rows of one filter row are 4 contiguous floats of each position's image row
    // (4 channels of one tap, 4 adjacent taps of one channel, or a mix when C < 4).
    const rowLen = g.fw * C;
    const j0 = kk - tr0 * rowLen;
    const adjacent = rows == 4 && g.dw == 1 && j0 + 3 < rowLen;
    const sLo = j0 / C;
    const sHi = (j0 + 3) / C;
    let dy0 = 0, dx0 = 0, ch0 = 0, dy1 = 0, dx1 = 0, ch1 = 0, dy2 = 0, dx2 = 0, ch2 = 0, dy3 = 0, dx3 = 0, ch3 = 0;
    for (let r = 0; r < rows; r++) {
      const t = (kk + r) / C;
      const ch = kk + r - t * C;
      const tr = t / g.fw;
      const dy = tr * g.dh;
      const dx = (t - tr * g.fw) * g.dw;
      if (r == 0) { dy0 = dy; dx0 = dx; ch0 = ch; }
      else if (r == 1) { dy1 = dy; dx1 = dx; ch1 = ch; }
      else if (r == 2) { dy2 = dy; dx2 = dx; ch2 = ch; }
      else { dy3 = dy; dx3 = dx; ch3 = ch; }
    }
    let n = q0 / perImage;
    let rem = q0 - n * perImage;
    let oh = rem / outW;
    let ow = rem - oh * outW;
    let base = g.x + <usize>n * imageBytes;
    for (let k = 0; k < kc; k++) {
      const ih0 = oh * g.sh - g.padTop;
      const iw0 = ow * g.sw - g.padLeft;
      const q = d + (<usize>k << 4);
      if (sameTap) {
        const ih = ih0 + dy0;
        const iw = iw0 + dx0;
        if (<u32>ih < <u32>g.H && <u32>iw < <u32>W) {
          v128.store(q, v128.load(base + ((<usize>(ih * W + iw) * <usize>C + <usize>ch0) << 2)));
        } else {
          v128.store(q, f32x4.splat(0));
        }
      } else if (adjacent && <u32>(ih0 + dy0) < <u32>g.H && iw0 + sLo >= 0 && iw0 + sHi < W) {
        v128.store(q, v128.load(base + ((<usize>((ih0 + dy0) * W + iw0) * <usize>C + <usize>j0) << 2)));
      } else {
        store<f32>(q, pixel(g, base, ih0 + dy0, iw0 + dx0, ch0));
        store<f32>(q, rows > 1 ? pixel(g, base, ih0 + dy1, iw0 + dx1, ch1) : 0, 4);
        store<f32>(q, rows > 2 ? pixel(g, base, ih0 + dy2, iw0 + dx2, ch2) : 0, 8);
        store<f32>(q, rows > 3 ? pixel(g, base, ih0 + dy3, iw0 + dx3, ch3) : 0, 12);
      }
      if (++ow == outW) {
        ow = 0;
        if (++oh == g.outH) {
          oh = 0;
          base += imageBytes;
        }
      }
    }
  }
}

/** Image value at (ih, iw, ch) of the image at `base`, 0 outside. */
// @ts-ignore: decorator
@inline
function pixel(g: ConvGeom, base: usize, ih: i32, iw: i32, ch: i32): f32 {
  if (<u32>ih >= <u32>g.H || <u32>iw >= <u32>g.W) return 0;
  return load<f32>(base + ((<usize>(ih * g.W + iw) * <usize>g.C + <usize>ch) << 2));
}

/**
 * Columns `[0, run)` of 4 positions whose columns are contiguous floats `stepBytes` apart (position i at
 * `p + i * stepBytes`), packed as 4 x 4 transposes.
 */
// @ts-ignore: decorator
@inline
function copySegments(q: usize, p: usize, stepBytes: usize, run: i32): void {
  let jj = 0;
  for (; jj + 4 <= run; jj += 4) {
    const pc = p + (<usize>jj << 2);
    storeTransposed(
      q + (<usize>jj << 4),
      16,
      v128.load(pc),
      v128.load(pc + stepBytes),
      v128.load(pc + 2 * stepBytes),
      v128.load(pc + 3 * stepBytes),
    );
  }
  for (; jj < run; jj++) {
    const pc = p + (<usize>jj << 2);
    const t = q + (<usize>jj << 4);
    store<f32>(t, load<f32>(pc));
    store<f32>(t, load<f32>(pc + stepBytes), 4);
    store<f32>(t, load<f32>(pc + 2 * stepBytes), 8);
    store<f32>(t, load<f32>(pc + 3 * stepBytes), 12);
  }
}

/**
 * Channels `[c, c + run)` of one tap for 4 positions of an output row (image row `ih`, in range; first
 * position's pixel `iwA`, the others `g.sw` apart), packed at `q`; pixels outside the row read as 0.
 */
function packTap(q: usize, g: ConvGeom, base: usize, ih: i32, iwA: i32, c: i32, run: i32, stepBytes: usize): void {
  const C = g.C;
  const W = g.W;
  const pixelBytes = <usize>C << 2;
  const iwB = iwA + 3 * g.sw;
  if (iwA >= 0 && iwB < W) {
    const p = base + (<usize>(ih * W + iwA) * pixelBytes) + (<usize>c << 2);
    if (C == 1 && g.sw == 1) {
      v128.store(q, v128.load(p));
    } else {
      copySegments(q, p, stepBytes, run);
    }
    return;
  }
  const rowPtr = base + (<usize>(ih * W) * pixelBytes) + (<usize>c << 2);
  for (let cc = 0; cc < run; cc++) {
    let v = f32x4.splat(0);
    const pc = rowPtr + (<usize>cc << 2);
    const iw1 = iwA + g.sw;
    const iw2 = iw1 + g.sw;
    if (<u32>iwA < <u32>W) v = f32x4.replace_lane(v, 0, load<f32>(pc + <usize>iwA * pixelBytes));
    if (<u32>iw1 < <u32>W) v = f32x4.replace_lane(v, 1, load<f32>(pc + <usize>iw1 * pixelBytes));
    if (<u32>iw2 < <u32>W) v = f32x4.replace_lane(v, 2, load<f32>(pc + <usize>iw2 * pixelBytes));
    if (<u32>iwB < <u32>W) v = f32x4.replace_lane(v, 3, load<f32>(pc + <usize>iwB * pixelBytes));
    v128.store(q + (<usize>cc << 4), v);
  }
}
