/**
 * Depthwise convolution on the fast path: direct loops over data in WebAssembly memory (results are
 * written there too, so the next fast kernel reads them without a copy). Per output pixel, the range of
 * in-bounds taps is computed once, so the inner loops carry no bounds tests; channels are innermost in
 * the image, the filter and the output, so every inner loop walks three contiguous rows. A multiplier of 1
 * (MobileNet's case) has its own loops without the multiplier index.
 *
 * @packageDocumentation
 */
import type { Conv2DInfo } from '@neurona/core';

/** First tap index `k >= 0` with `start + k * step >= 0`, and the end of the taps inside `[0, size)`. */
function tapRange(start: number, step: number, taps: number, size: number): [number, number] {
  const first = start >= 0 ? 0 : Math.ceil(-start / step);
  const end = start >= size ? 0 : Math.min(taps, Math.ceil((size - start) / step));
  return [Math.min(first, end), end];
}

/**
 * Call `fn(xPixel, tap, yPixel)` for every in-bounds tap, in output-pixel order; offsets are in floats:
 * `xPixel` of `x[n, ih, iw, 0]`, `tap` of `filter[r, s, 0, 0]`, `yPixel` of `y[n, oh, ow, 0]`.
 */
function sweep(info: Conv2DInfo, fn: (xPixel: number, tap: number, yPixel: number) => void): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, outChannels: D } = info;
  const { filterHeight: fh, filterWidth: fw, dilationHeight: dh, dilationWidth: dw } = info;
  for (let n = 0; n < info.batch; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const ih0 = oh * info.strideHeight - info.padTop;
      const [r0, r1] = tapRange(ih0, dh, fh, H);
      for (let ow = 0; ow < OW; ow++) {
        const iw0 = ow * info.strideWidth - info.padLeft;
        const [s0, s1] = tapRange(iw0, dw, fw, W);
        const yPixel = ((n * OH + oh) * OW + ow) * D;
        for (let r = r0; r < r1; r++) {
          const row = (n * H + ih0 + r * dh) * W;
          for (let s = s0; s < s1; s++) fn((row + iw0 + s * dw) * C, (r * fw + s) * D, yPixel);
        }
      }
    }
  }
}

/**
 * Forward: `y` (zeroed by the caller) `+=` each tap's `x` pixel times its filter row.
 *
 * @example
 * ```ts
 * fastDepthwiseConv2d(x, filter, y, info);
 * ```
 */
export function fastDepthwiseConv2d(
  x: Float32Array,
  f: Float32Array,
  y: Float32Array,
  info: Conv2DInfo,
): void {
  const C = info.inChannels;
  const M = info.outChannels / C;
  if (M === 1) {
    sweep(info, (xp, t, yp) => {
      for (let c = 0; c < C; c++) y[yp + c]! += x[xp + c]! * f[t + c]!;
    });
    return;
  }
  sweep(info, (xp, t, yp) => {
    for (let c = 0, k = 0; c < C; c++) {
      const v = x[xp + c]!;
      for (let m = 0; m < M; m++, k++) y[yp + k]! += v * f[t + k]!;
    }
  });
}

/**
 * Input gradient: `dx` (zeroed by the caller) `+=` for each tap, per channel, the dot product of the `dy`
 * pixel's multiplier block with the filter's.
 *
 * @example
 * ```ts
 * fastDepthwiseConv2dGradInput(dy, filter, dx, info);
 * ```
 */
export function fastDepthwiseConv2dGradInput(
  dy: Float32Array,
  f: Float32Array,
  dx: Float32Array,
  info: Conv2DInfo,
): void {
  const C = info.inChannels;
  const M = info.outChannels / C;
  if (M === 1) {
    sweep(info, (xp, t, yp) => {
      for (let c = 0; c < C; c++) dx[xp + c]! += dy[yp + c]! * f[t + c]!;
    });
    return;
  }
  sweep(info, (xp, t, yp) => {
    for (let c = 0, k = 0; c < C; c++) {
      let acc = 0;
      for (let m = 0; m < M; m++, k++) acc += dy[yp + k]! * f[t + k]!;
      dx[xp + c]! += acc;
    }
  });
}

/**
 * Filter gradient: `dw` (zeroed by the caller) `+=` for each tap the `x` pixel times the `dy` pixel.
 *
 * @example
 * ```ts
 * fastDepthwiseConv2dGradFilter(x, dy, dw, info);
 * ```
 */
export function fastDepthwiseConv2dGradFilter(
  x: Float32Array,
  dy: Float32Array,
  dw: Float32Array,
  info: Conv2DInfo,
): void {
  const C = info.inChannels;
  const M = info.outChannels / C;
  if (M === 1) {
    sweep(info, (xp, t, yp) => {
      for (let c = 0; c < C; c++) dw[t + c]! += x[xp + c]! * dy[yp + c]!;
    });
    return;
  }
  sweep(info, (xp, t, yp) => {
    for (let c = 0, k = 0; c < C; c++) {
      const v = x[xp + c]!;
      for (let m = 0; m < M; m++, k++) dw[t + k]! += v * dy[yp + k]!;
    }
  });
}
