// NHWC depthwise convolution and its two gradients, vectorised over channels (innermost in the image, the
// filter [fh, fw, C, M] and the output [N, outH, outW, C * M]). Semantics match the reference kernels in
// src/kernels/depthwise-conv2d.ts. Tasks split rows: forward and filter gradient over output rows of the
// batch (`n * outH + oh`), input gradient over input rows (`n * H + ih`). Every task writes its own rows
// (or its own partial block), so no two threads touch the same memory.

import { madd } from './simd';

/** A depthwise job, read from memory (field order matches src/fast/layout.ts). */
@unmanaged
export class Depthwise {
  /** Image x (forward, filter gradient) or output gradient dy (input gradient). */
  a: usize;
  /** Filter (forward, input gradient) or output gradient dy (filter gradient). */
  b: usize;
  /** Result: y, dx, or the partial filter gradients (`fh * fw * C * M` floats per task). */
  out: usize;
  H: i32;
  W: i32;
  C: i32;
  M: i32;
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
  /** Rows per task. */
  rows: i32;
  /** Rows in all (`N * outH`, or `N * H` for the input gradient). */
  totalRows: i32;
}

/** First tap `k >= 0` with `start + k * step >= 0`. */
// @ts-ignore: decorator
@inline
function firstTap(start: i32, step: i32): i32 {
  return start >= 0 ? 0 : (step - 1 - start) / step;
}

/** End of the taps with `start + k * step < size` (at most `taps`). */
// @ts-ignore: decorator
@inline
function endTap(start: i32, step: i32, taps: i32, size: i32): i32 {
  return start >= size ? 0 : min(taps, (size - start + step - 1) / step);
}

/** Forward, multiplier 1: output pixel at `yp` from the taps `[r0, r1) x [s0, s1)`, 16 channels at a time. */
// @ts-ignore: decorator
@inline
function forwardPixel(
  g: Depthwise,
  xRow0: usize,
  iw0: i32,
  r0: i32,
  r1: i32,
  s0: i32,
  s1: i32,
  yp: usize,
): void {
  const C = g.C;
  const pixel = <usize>C << 2;
  const rowBytes = <usize>g.W * pixel;
  const tapRow = <usize>g.fw * pixel;
  const dhBytes = <usize>g.dh * rowBytes;
  const dwBytes = <usize>g.dw * pixel;
  const x0 = xRow0 + <usize>r0 * dhBytes + <usize>(iw0 + s0 * g.dw) * pixel;
  const f0 = g.b + <usize>r0 * tapRow + <usize>s0 * pixel;
  let c = 0;
  for (; c + 16 <= C; c += 16) {
    const off = <usize>c << 2;
    let a0 = f32x4.splat(0);
    let a1 = a0;
    let a2 = a0;
    let a3 = a0;
    let xr = x0 + off;
    let fr = f0 + off;
    for (let r = r0; r < r1; r++) {
      let xp = xr;
      let fp = fr;
      for (let s = s0; s < s1; s++) {
        a0 = madd(v128.load(xp), v128.load(fp), a0);
        a1 = madd(v128.load(xp, 16), v128.load(fp, 16), a1);
        a2 = madd(v128.load(xp, 32), v128.load(fp, 32), a2);
        a3 = madd(v128.load(xp, 48), v128.load(fp, 48), a3);
        xp += dwBytes;
        fp += pixel;
      }
      xr += dhBytes;
      fr += tapRow;
    }
    v128.store(yp + off, a0);
    v128.store(yp + off, a1, 16);
    v128.store(yp + off, a2, 32);
    v128.store(yp + off, a3, 48);
  }
  for (; c + 4 <= C; c += 4) {
    const off = <usize>c << 2;
    let a0 = f32x4.splat(0);
    let xr = x0 + off;
    let fr = f0 + off;
    for (let r = r0; r < r1; r++) {
      let xp = xr;
      let fp = fr;
      for (let s = s0; s < s1; s++) {
        a0 = madd(v128.load(xp), v128.load(fp), a0);
        xp += dwBytes;
        fp += pixel;
      }
      xr += dhBytes;
      fr += tapRow;
    }
    v128.store(yp + off, a0);
  }
  for (; c < C; c++) {
    const off = <usize>c << 2;
    let a: f32 = 0;
    let xr = x0 + off;
    let fr = f0 + off;
    for (let r = r0; r < r1; r++) {
      let xp = xr;
      let fp = fr;
      for (let s = s0; s < s1; s++) {
        a += load<f32>(xp) * load<f32>(fp);
        xp += dwBytes;
        fp += pixel;
      }
      xr += dhBytes;
      fr += tapRow;
    }
    store<f32>(yp + off, a);
  }
}

/** Forward, multiplier M > 1: output channel k = c * M + m reads input channel c (scalar). */
function forwardPixelMulti(
  g: Depthwise,
  xRow0: usize,
  iw0: i32,
  r0: i32,
  r1: i32,
  s0: i32,
  s1: i32,
  yp: usize,
): void {
  const C = g.C;
  const M = g.M;
  const D = C * M;
  const pixel = <usize>C << 2;
  const rowBytes = <usize>g.W * pixel;
  for (let k = 0; k < D; k++) {
    const c = k / M;
    let a: f32 = 0;
    for (let r = r0; r < r1; r++) {
      const xr = xRow0 + <usize>(r * g.dh) * rowBytes + (<usize>c << 2);
      const fr = g.b + (<usize>(r * g.fw) * <usize>D << 2) + (<usize>k << 2);
      for (let s = s0; s < s1; s++) {
        a += load<f32>(xr + <usize>(iw0 + s * g.dw) * pixel) * load<f32>(fr + (<usize>s * <usize>D << 2));
      }
    }
    store<f32>(yp + (<usize>k << 2), a);
  }
}

/** Task t: output rows `[t * rows, ...)` of y (`a` = x, `b` = filter, `out` = y). */
export function depthwiseTask(d: usize, t: i32, tid: i32): void {
  const g = changetype<Depthwise>(d);
  const q0 = t * g.rows;
  const q1 = min(g.totalRows, q0 + g.rows);
  const D = g.C * g.M;
  const imageBytes = <usize>g.H * <usize>g.W * <usize>g.C << 2;
  const rowBytes = <usize>g.W * <usize>g.C << 2;
  for (let q = q0; q < q1; q++) {
    const n = q / g.outH;
    const oh = q - n * g.outH;
    const ih0 = oh * g.sh - g.padTop;
    const r0 = firstTap(ih0, g.dh);
    const r1 = endTap(ih0, g.dh, g.fh, g.H);
    // Address of input row ih0 (may lie outside the image; only in-bounds taps are read).
    const xRow0 = g.a + <usize>n * imageBytes + <usize>ih0 * rowBytes;
    let yp = g.out + (<usize>q * <usize>g.outW * <usize>D << 2);
    for (let ow = 0; ow < g.outW; ow++) {
      const iw0 = ow * g.sw - g.padLeft;
      const s0 = firstTap(iw0, g.dw);
      const s1 = endTap(iw0, g.dw, g.fw, g.W);
      if (r0 >= r1 || s0 >= s1) memory.fill(yp, 0, <usize>D << 2);
      else if (g.M == 1) forwardPixel(g, xRow0, iw0, r0, r1, s0, s1, yp);
      else forwardPixelMulti(g, xRow0, iw0, r0, r1, s0, s1, yp);
      yp += <usize>D << 2;
    }
  }
}

/** `dst[c] += a[c] * b[c]` for c < n floats. */
// @ts-ignore: decorator
@inline
function maddInto(dst: usize, a: usize, b: usize, n: i32): void {
  let c = 0;
  for (; c + 8 <= n; c += 8) {
    const o = <usize>c << 2;
    v128.store(dst + o, madd(v128.load(a + o), v128.load(b + o), v128.load(dst + o)));
    v128.store(dst + o, madd(v128.load(a + o, 16), v128.load(b + o, 16), v128.load(dst + o, 16)), 16);
  }
  for (; c + 4 <= n; c += 4) {
    const o = <usize>c << 2;
    v128.store(dst + o, madd(v128.load(a + o), v128.load(b + o), v128.load(dst + o)));
  }
  for (; c < n; c++) {
    const o = <usize>c << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(a + o) * load<f32>(b + o));
  }
}

/**
 * Task t: input rows `[t * rows, ...)` of dx (`a` = dy, `b` = filter, `out` = dx). Each dx pixel gathers
 * the taps of the outputs that read it: output (oh, ow) with `oh * sh = ih + padTop - r * dh` (likewise
 * for the width) inside the output.
 */
export function depthwiseGradInputTask(d: usize, t: i32, tid: i32): void {
  const g = changetype<Depthwise>(d);
  const q0 = t * g.rows;
  const q1 = min(g.totalRows, q0 + g.rows);
  const C = g.C;
  const M = g.M;
  const D = C * M;
  const dyPixel = <usize>D << 2;
  const dyRow = <usize>g.outW * dyPixel;
  const dyImage = <usize>g.outH * dyRow;
  const pixel = <usize>C << 2;
  for (let q = q0; q < q1; q++) {
    const n = q / g.H;
    const ih = q - n * g.H;
    let dxp = g.out + <usize>q * <usize>g.W * pixel;
    for (let iw = 0; iw < g.W; iw++) {
      memory.fill(dxp, 0, pixel);
      for (let r = 0; r < g.fh; r++) {
        const th = ih + g.padTop - r * g.dh;
        if (th < 0) break;
        const oh = th / g.sh;
        if (oh * g.sh != th || oh >= g.outH) continue;
        const dyr = g.a + <usize>n * dyImage + <usize>oh * dyRow;
        for (let s = 0; s < g.fw; s++) {
          const tw = iw + g.padLeft - s * g.dw;
          if (tw < 0) break;
          const ow = tw / g.sw;
          if (ow * g.sw != tw || ow >= g.outW) continue;
          const dyp = dyr + <usize>ow * dyPixel;
          const fp = g.b + (<usize>(r * g.fw + s) * dyPixel);
          if (M == 1) maddInto(dxp, dyp, fp, C);
          else {
            for (let c = 0; c < C; c++) {
              let acc: f32 = 0;
              for (let m = 0; m < M; m++) {
                const o = <usize>(c * M + m) << 2;
                acc += load<f32>(dyp + o) * load<f32>(fp + o);
              }
              store<f32>(dxp + (<usize>c << 2), load<f32>(dxp + (<usize>c << 2)) + acc);
            }
          }
        }
      }
      dxp += pixel;
    }
  }
}

/**
 * Task t: the filter gradient of output rows `[t * rows, ...)` into partial block t (`a` = x, `b` = dy,
 * `out` = the partials); the caller sums the blocks in task order.
 */
export function depthwiseGradFilterTask(d: usize, t: i32, tid: i32): void {
  const g = changetype<Depthwise>(d);
  const q0 = t * g.rows;
  const q1 = min(g.totalRows, q0 + g.rows);
  const C = g.C;
  const M = g.M;
  const D = C * M;
  const dyPixel = <usize>D << 2;
  const part = g.out + <usize>t * <usize>(g.fh * g.fw) * dyPixel;
  memory.fill(part, 0, <usize>(g.fh * g.fw) * dyPixel);
  const pixel = <usize>C << 2;
  const rowBytes = <usize>g.W * pixel;
  const imageBytes = <usize>g.H * rowBytes;
  for (let q = q0; q < q1; q++) {
    const n = q / g.outH;
    const oh = q - n * g.outH;
    const ih0 = oh * g.sh - g.padTop;
    const r0 = firstTap(ih0, g.dh);
    const r1 = endTap(ih0, g.dh, g.fh, g.H);
    const xRow0 = g.a + <usize>n * imageBytes + <usize>ih0 * rowBytes;
    let dyp = g.b + <usize>q * <usize>g.outW * dyPixel;
    for (let ow = 0; ow < g.outW; ow++) {
      const iw0 = ow * g.sw - g.padLeft;
      const s0 = firstTap(iw0, g.dw);
      const s1 = endTap(iw0, g.dw, g.fw, g.W);
      for (let r = r0; r < r1; r++) {
        const xr = xRow0 + <usize>(r * g.dh) * rowBytes;
        for (let s = s0; s < s1; s++) {
          const xp = xr + <usize>(iw0 + s * g.dw) * pixel;
          const pp = part + <usize>(r * g.fw + s) * dyPixel;
          if (M == 1) maddInto(pp, xp, dyp, C);
          else {
            for (let c = 0; c < C; c++) {
              const v = load<f32>(xp + (<usize>c << 2));
              for (let m = 0; m < M; m++) {
                const o = <usize>(c * M + m) << 2;
                store<f32>(pp + o, load<f32>(pp + o) + v * load<f32>(dyp + o));
              }
            }
          }
        }
      }
      dyp += dyPixel;
    }
  }
}
