/**
 * NHWC depthwise convolution and its two gradients, as plain loops (the reference).
 *
 * Notation: x `[N, H, W, C]`, filter `[fh, fw, C, M]`, y `[N, outH, outW, C*M]`. Output position
 * (n, oh, ow) reads input (ih, iw) = (oh*sh - padTop + r*dh, ow*sw - padLeft + s*dw) at tap (r, s), and
 * output channel c*M + m is `sum over taps of x[n, ih, iw, c] * filter[r, s, c, m]`. Every in-bounds tap is
 * visited once with the offsets of its input pixel, filter tap and output pixel; the channel loops inside
 * walk contiguous memory in all three arrays (channels are innermost in NHWC and in the filter).
 *
 * @packageDocumentation
 */
import type { Conv2DInfo, TensorInfo } from '@neurona/core';
import { sizeOf } from '../storage.js';
import type { Input } from './strided.js';

/**
 * Visit every in-bounds tap: `fn(xBase, fBase, yBase)` with the offsets of `x[n, ih, iw, 0]`,
 * `filter[r, s, 0, 0]` and `y[n, oh, ow, 0]`.
 */
function forEachTap(info: Conv2DInfo, fn: (xBase: number, fBase: number, yBase: number) => void): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight, outWidth, outChannels: D } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw, padTop, padLeft } = info;
  for (let n = 0; n < info.batch; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const yBase = ((n * outHeight + oh) * outWidth + ow) * D;
        for (let r = 0; r < fh; r++) {
          const ih = oh * sh - padTop + r * dh;
          if (ih < 0 || ih >= H) continue;
          for (let s = 0; s < fw; s++) {
            const iw = ow * sw - padLeft + s * dw;
            if (iw < 0 || iw >= W) continue;
            fn(((n * H + ih) * W + iw) * C, (r * fw + s) * D, yBase);
          }
        }
      }
    }
  }
}

/**
 * Depthwise convolution forward: x `[N, H, W, C]` with filter `[fh, fw, C, M]` gives `[N, outH, outW, C*M]`.
 *
 * @example
 * ```ts
 * const y = depthwiseConv2d(x, w, info, { shape: [1, 2, 2, 2], dtype: 'float32' });
 * ```
 */
export function depthwiseConv2d(x: Input, filter: Input, info: Conv2DInfo, out: TensorInfo): Float32Array {
  const o = new Float32Array(sizeOf(out.shape));
  const a = x.data;
  const f = filter.data;
  const C = info.inChannels;
  const M = info.outChannels / C;
  forEachTap(info, (xb, fb, yb) => {
    for (let c = 0; c < C; c++) {
      const v = a[xb + c]!;
      for (let m = 0; m < M; m++) {
        const k = c * M + m;
        o[yb + k] = o[yb + k]! + v * f[fb + k]!;
      }
    }
  });
  return o;
}

/**
 * Gradient of {@link depthwiseConv2d} with respect to x: dy `[N, outH, outW, C*M]` and the filter give
 * `[N, H, W, C]`.
 *
 * @example
 * ```ts
 * const dx = depthwiseConv2dGradInput(dy, w, info, { shape: [1, 3, 3, 2], dtype: 'float32' });
 * ```
 */
export function depthwiseConv2dGradInput(
  dy: Input,
  filter: Input,
  info: Conv2DInfo,
  out: TensorInfo,
): Float32Array {
  const o = new Float32Array(sizeOf(out.shape));
  const d = dy.data;
  const f = filter.data;
  const C = info.inChannels;
  const M = info.outChannels / C;
  forEachTap(info, (xb, fb, yb) => {
    for (let c = 0; c < C; c++) {
      let acc = 0;
      for (let m = 0; m < M; m++) acc += d[yb + c * M + m]! * f[fb + c * M + m]!;
      o[xb + c] = o[xb + c]! + acc;
    }
  });
  return o;
}

/**
 * Gradient of {@link depthwiseConv2d} with respect to the filter: x and dy give `[fh, fw, C, M]`.
 *
 * @example
 * ```ts
 * const dw = depthwiseConv2dGradFilter(x, dy, info, { shape: [2, 2, 2, 1], dtype: 'float32' });
 * ```
 */
export function depthwiseConv2dGradFilter(
  x: Input,
  dy: Input,
  info: Conv2DInfo,
  out: TensorInfo,
): Float32Array {
  const o = new Float32Array(sizeOf(out.shape));
  const a = x.data;
  const d = dy.data;
  const C = info.inChannels;
  const M = info.outChannels / C;
  forEachTap(info, (xb, fb, yb) => {
    for (let c = 0; c < C; c++) {
      const v = a[xb + c]!;
      for (let m = 0; m < M; m++) {
        const k = c * M + m;
        o[fb + k] = o[fb + k]! + v * d[yb + k]!;
      }
    }
  });
  return o;
}
