/**
 * The two data rearrangements behind our convolution gradients, as plain loops over WebAssembly-heap
 * views (the GEMMs around them run in XNNPACK):
 * - {@link im2colT}: every receptive field of `x` as a column, `[taps * inC, N]`;
 * - {@link col2imAdd}: the reverse, adding each field's values back onto the input positions it read.
 *
 * Here `N = batch * outH * outW` (output positions, row-major) and `taps = fh * fw`; both take an optional
 * batch range `[b0, b1)`, so that large convolutions can be processed a few images at a time.
 *
 * @packageDocumentation
 */
import type { Conv2DInfo, TypedArray } from '@neurona/core';

/** Output columns `[lo, hi)` whose input column `ow * stride + offset` lies in `[0, size)`. */
function inside(outSize: number, stride: number, offset: number, size: number): [number, number] {
  const lo = Math.min(outSize, Math.max(0, Math.ceil(-offset / stride)));
  const hi = Math.max(lo, Math.min(outSize, Math.ceil((size - offset) / stride)));
  return [lo, hi];
}

/**
 * Write `cols[(tap * inC + c) * N + n] = x[b, ih, iw, c]` for output position `n = (b, oh, ow)` and filter
 * tap `(kh, kw)`, where `ih = oh * strideH - padTop + kh * dilationH` (likewise `iw`); 0 in the padding.
 *
 * @example
 * ```ts
 * im2colT(tw.heap(x), info, tw.heap(cols)); // cols: [fh * fw * inC, batch * outH * outW]
 * ```
 */
export function im2colT(x: TypedArray, info: Conv2DInfo, cols: TypedArray, b0 = 0, b1 = info.batch): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const n = (b1 - b0) * OH * OW;
  const step = info.strideWidth * C;
  let row = 0;
  for (let kh = 0; kh < info.filterHeight; kh++) {
    for (let kw = 0; kw < info.filterWidth; kw++) {
      const offset = kw * info.dilationWidth - info.padLeft;
      const [lo, hi] = inside(OW, info.strideWidth, offset, W);
      for (let c = 0; c < C; c++, row++) {
        let o = row * n;
        for (let b = b0; b < b1; b++) {
          for (let oh = 0; oh < OH; oh++, o += OW) {
            const ih = oh * info.strideHeight - info.padTop + kh * info.dilationHeight;
            if (ih < 0 || ih >= H || lo === hi) {
              cols.fill(0, o, o + OW);
              continue;
            }
            if (lo > 0) cols.fill(0, o, o + lo);
            let xi = ((b * H + ih) * W + lo * info.strideWidth + offset) * C + c;
            for (let ow = lo; ow < hi; ow++, xi += step) cols[o + ow] = x[xi]!;
            if (hi < OW) cols.fill(0, o + hi, o + OW);
          }
        }
      }
    }
  }
}

/**
 * Add `cols[n * (taps * inC) + tap * inC + c]` onto `dx[b, ih, iw, c]` for every output position `n` and
 * tap that reads an in-bounds input position (`dx` must start zeroed).
 *
 * @example
 * ```ts
 * col2imAdd(tw.heap(cols), info, tw.heap(dx)); // cols: [batch * outH * outW, fh * fw * inC]
 * ```
 */
export function col2imAdd(cols: TypedArray, info: Conv2DInfo, dx: TypedArray, b0 = 0, b1 = info.batch): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info;
  const { filterHeight: FH, filterWidth: FW } = info;
  const rowLength = FH * FW * C;
  const step = info.strideWidth * C;
  for (let kh = 0; kh < FH; kh++) {
    for (let kw = 0; kw < FW; kw++) {
      const offset = kw * info.dilationWidth - info.padLeft;
      const [lo, hi] = inside(OW, info.strideWidth, offset, W);
      if (lo === hi) continue;
      const tap = (kh * FW + kw) * C;
      for (let b = b0; b < b1; b++) {
        for (let oh = 0; oh < OH; oh++) {
          const ih = oh * info.strideHeight - info.padTop + kh * info.dilationHeight;
          if (ih < 0 || ih >= H) continue;
          const first = (((b - b0) * OH + oh) * OW + lo) * rowLength + tap;
          const to = ((b * H + ih) * W + lo * info.strideWidth + offset) * C;
          for (let c = 0; c < C; c++) {
            let ci = first + c;
            let xi = to + c;
            for (let ow = lo; ow < hi; ow++, ci += rowLength, xi += step) dx[xi] = dx[xi]! + cols[ci]!;
          }
        }
      }
    }
  }
}
