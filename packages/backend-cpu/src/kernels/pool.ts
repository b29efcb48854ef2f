/**
 * NHWC 2-D max and average pooling and their gradients. Channels are innermost, so every window is
 * walked once with a contiguous loop over channels.
 *
 * Window (oh, ow) covers input rows oh*sh - padTop + r (r < fh) and columns ow*sw - padLeft + s (s < fw);
 * only in-bounds positions take part (padding never wins a max and is not counted by the average).
 *
 * @packageDocumentation
 */
import type { Pool2DInfo, TensorInfo } from '@neurona/core';
import { sizeOf } from '../storage.js';
import type { Input } from './strided.js';

/** In-bounds window bounds `[r0, r1) x [s0, s1)` in input coordinates, written to `w`. */
function windowOf(info: Pool2DInfo, oh: number, ow: number, w: Int32Array): void {
  const top = oh * info.strideHeight - info.padTop;
  const left = ow * info.strideWidth - info.padLeft;
  w[0] = Math.max(0, top);
  w[1] = Math.min(info.inHeight, top + info.filterHeight);
  w[2] = Math.max(0, left);
  w[3] = Math.min(info.inWidth, left + info.filterWidth);
}

/**
 * Visit every output window: `fn(n, oh, ow, outBase)` with `win` holding its in-bounds bounds.
 */
function forEachWindow(info: Pool2DInfo, win: Int32Array, fn: (n: number, outBase: number) => void): void {
  const C = info.channels;
  for (let n = 0; n < info.batch; n++) {
    for (let oh = 0; oh < info.outHeight; oh++) {
      for (let ow = 0; ow < info.outWidth; ow++) {
        windowOf(info, oh, ow, win);
        fn(n, ((n * info.outHeight + oh) * info.outWidth + ow) * C);
      }
    }
  }
}

/**
 * Max pooling. NaN propagates (a window containing NaN gives NaN); a window with no in-bounds element
 * gives -Infinity.
 *
 * @example
 * ```ts
 * const y = maxPool(x, info, { shape: [1, 2, 2, 1], dtype: 'float32' });
 * ```
 */
export function maxPool(x: Input, info: Pool2DInfo, out: TensorInfo): Float32Array {
  const o = new Float32Array(sizeOf(out.shape));
  const a = x.data;
  const { inHeight: H, inWidth: W, channels: C } = info;
  const win = new Int32Array(4);
  forEachWindow(info, win, (n, ob) => {
    o.fill(Number.NEGATIVE_INFINITY, ob, ob + C);
    for (let r = win[0]!; r < win[1]!; r++) {
      for (let s = win[2]!; s < win[3]!; s++) {
        const ib = ((n * H + r) * W + s) * C;
        for (let ch = 0; ch < C; ch++) {
          const v = a[ib + ch]!;
          if (v > o[ob + ch]! || Number.isNaN(v)) o[ob + ch] = v;
        }
      }
    }
  });
  return o;
}

/**
 * Gradient of {@link maxPool}: each dy element goes to the first maximum of its window in row-major
 * window order (the first NaN if the window has one; the first in-bounds element if all are -Infinity).
 *
 * @example
 * ```ts
 * const dx = maxPoolGrad(dy, x, info, { shape: x.shape, dtype: 'float32' });
 * ```
 */
export function maxPoolGrad(dy: Input, x: Input, info: Pool2DInfo, out: TensorInfo): Float32Array {
  const o = new Float32Array(sizeOf(out.shape));
  const a = x.data;
  const g = dy.data;
  const { inHeight: H, inWidth: W, channels: C } = info;
  const best = new Float64Array(C);
  const where = new Int32Array(C);
  const win = new Int32Array(4);
  forEachWindow(info, win, (n, ob) => {
    if (win[0]! >= win[1]! || win[2]! >= win[3]!) return;
    const first = ((n * H + win[0]!) * W + win[2]!) * C;
    for (let ch = 0; ch < C; ch++) {
      best[ch] = Number.NEGATIVE_INFINITY;
      where[ch] = first + ch;
    }
    for (let r = win[0]!; r < win[1]!; r++) {
      for (let s = win[2]!; s < win[3]!; s++) {
        const ib = ((n * H + r) * W + s) * C;
        for (let ch = 0; ch < C; ch++) {
          const v = a[ib + ch]!;
          const b = best[ch]!;
          if (v > b || (Number.isNaN(v) && !Number.isNaN(b))) {
            best[ch] = v;
            where[ch] = ib + ch;
          }
        }
      }
    }
    for (let ch = 0; ch < C; ch++) o[where[ch]!] = o[where[ch]!]! + g[ob + ch]!;
  });
  return o;
}

/**
 * Average pooling over the in-bounds elements of each window (padding is not counted).
 * A window with no in-bounds element gives 0.
 *
 * @example
 * ```ts
 * const y = avgPool(x, info, { shape: [1, 2, 2, 1], dtype: 'float32' });
 * ```
 */
export function avgPool(x: Input, info: Pool2DInfo, out: TensorInfo): Float32Array {
  const o = new Float32Array(sizeOf(out.shape));
  const a = x.data;
  const { inHeight: H, inWidth: W, channels: C } = info;
  const sum = new Float64Array(C);
  const win = new Int32Array(4);
  forEachWindow(info, win, (n, ob) => {
    const count = Math.max(0, win[1]! - win[0]!) * Math.max(0, win[3]! - win[2]!);
    if (count === 0) return;
    sum.fill(0);
    for (let r = win[0]!; r < win[1]!; r++) {
      for (let s = win[2]!; s < win[3]!; s++) {
        const ib = ((n * H + r) * W + s) * C;
        for (let ch = 0; ch < C; ch++) sum[ch] = sum[ch]! + a[ib + ch]!;
      }
    }
    for (let ch = 0; ch < C; ch++) o[ob + ch] = sum[ch]! / count;
  });
  return o;
}

/**
 * Gradient of {@link avgPool}: each dy element is split evenly (dy / count) over the in-bounds elements
 * of its window.
 *
 * @example
 * ```ts
 * const dx = avgPoolGrad(dy, info, { shape: [1, 4, 4, 1], dtype: 'float32' });
 * ```
 */
export function avgPoolGrad(dy: Input, info: Pool2DInfo, out: TensorInfo): Float32Array {
  const o = new Float32Array(sizeOf(out.shape));
  const g = dy.data;
  const { inHeight: H, inWidth: W, channels: C } = info;
  const share = new Float64Array(C);
  const win = new Int32Array(4);
  forEachWindow(info, win, (n, ob) => {
    const count = Math.max(0, win[1]! - win[0]!) * Math.max(0, win[3]! - win[2]!);
    if (count === 0) return;
    for (let ch = 0; ch < C; ch++) share[ch] = g[ob + ch]! / count;
    for (let r = win[0]!; r < win[1]!; r++) {
      for (let s = win[2]!; s < win[3]!; s++) {
        const ib = ((n * H + r) * W + s) * C;
        for (let ch = 0; ch < C; ch++) o[ib + ch] = o[ib + ch]! + share[ch]!;
      }
    }
  });
  return o;
}
