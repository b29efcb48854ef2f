/**
 * 2-D pooling, NHWC: tfjs-wasm `MaxPool` and `AvgPool` (XNNPACK) with explicit padding; the exported
 * `AvgPoolGrad` function called directly (it divides by the full window area, ours by the in-bounds part
 * of each window, so with padding `dy` is first scaled by area / in-bounds count); and our own
 * `maxPoolGrad` on the heap.
 *
 * @packageDocumentation
 */
import type { Pool2DInfo, TensorInfo } from '@neurona/core';
import { type Runner, sizeOf, type TfInfo } from '../runner.js';

function poolAttrs(info: Pool2DInfo) {
  return {
    filterSize: [info.filterHeight, info.filterWidth],
    strides: [info.strideHeight, info.strideWidth],
    pad: [
      [0, 0],
      [info.padTop, info.padBottom],
      [info.padLeft, info.padRight],
      [0, 0],
    ],
  };
}

/**
 * Max pooling; padded positions never win.
 *
 * @example
 * ```ts
 * const y = maxPool(tw, x, nr.pool2dInfo(x.shape, 2, 2, 'valid'), out);
 * ```
 */
export function maxPool(tw: Runner, x: TfInfo, info: Pool2DInfo, out: TensorInfo): TfInfo {
  if (sizeOf(out.shape) === 0) return tw.empty(out.shape, 'float32');
  return tw.run('MaxPool', { x }, poolAttrs(info));
}

/**
 * Routes each `dy` element to the first maximum of its window in `x` (padding never wins; a NaN wins).
 * Written here on the heap: tfjs-wasm's `MaxPoolGrad` breaks ties differently and mis-places gradients
 * with asymmetric padding.
 *
 * @example
 * ```ts
 * const dx = maxPoolGrad(tw, dy, x, info, { shape: x.shape, dtype: 'float32' });
 * ```
 */
export function maxPoolGrad(tw: Runner, dy: TfInfo, x: TfInfo, info: Pool2DInfo, out: TensorInfo): TfInfo {
  const dx = tw.fill(out.shape, 'float32', 0);
  if (sizeOf(out.shape) === 0 || sizeOf(dy.shape) === 0) return dx;
  const o = tw.heap(dx);
  const a = tw.heap(x);
  const g = tw.heap(dy);
  const { inHeight: H, inWidth: W, channels: C, outHeight: OH, outWidth: OW } = info;
  for (let n = 0; n < info.batch; n++) {
    for (let oh = 0; oh < OH; oh++) {
      const top = oh * info.strideHeight - info.padTop;
      const r0 = Math.max(top, 0);
      const r1 = Math.min(top + info.filterHeight, H);
      for (let ow = 0; ow < OW; ow++) {
        const left = ow * info.strideWidth - info.padLeft;
        const s0 = Math.max(left, 0);
        const s1 = Math.min(left + info.filterWidth, W);
        if (r0 >= r1 || s0 >= s1) continue;
        const ob = ((n * OH + oh) * OW + ow) * C;
        for (let ch = 0; ch < C; ch++) {
          let best = Number.NEGATIVE_INFINITY;
          let where = ((n * H + r0) * W + s0) * C + ch;
          for (let r = r0; r < r1; r++) {
            for (let s = s0; s < s1; s++) {
              const i = ((n * H + r) * W + s) * C + ch;
              const v = a[i]!;
              if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
                best = v;
                where = i;
              }
            }
          }
          o[where] = o[where]! + g[ob + ch]!;
        }
      }
    }
  }
  return dx;
}

/**
 * Average pooling over the in-bounds elements of each window.
 *
 * @example
 * ```ts
 * const y = avgPool(tw, x, info, out);
 * ```
 */
export function avgPool(tw: Runner, x: TfInfo, info: Pool2DInfo, out: TensorInfo): TfInfo {
  if (sizeOf(out.shape) === 0) return tw.empty(out.shape, 'float32');
  return tw.run('AvgPool', { x }, poolAttrs(info));
}

/** In-bounds taps of each window along one axis. */
function inBounds(outSize: number, stride: number, pad: number, filter: number, inSize: number): number[] {
  const counts = new Array<number>(outSize);
  for (let o = 0; o < outSize; o++) {
    const start = o * stride - pad;
    counts[o] = Math.max(0, Math.min(start + filter, inSize) - Math.max(start, 0));
  }
  return counts;
}

/** `area / inBoundsCount` per output position, `[1, outH, outW, 1]`. */
function paddingScale(tw: Runner, info: Pool2DInfo): TfInfo {
  const rows = inBounds(info.outHeight, info.strideHeight, info.padTop, info.filterHeight, info.inHeight);
  const cols = inBounds(info.outWidth, info.strideWidth, info.padLeft, info.filterWidth, info.inWidth);
  const area = info.filterHeight * info.filterWidth;
  const scale = new Float32Array(info.outHeight * info.outWidth);
  for (let r = 0; r < rows.length; r++) {
    for (let c = 0; c < cols.length; c++) {
      const count = rows[r]! * cols[c]!;
      // A window entirely in the padding averages nothing: its gradient goes nowhere.
      scale[r * cols.length + c] = count > 0 ? area / count : 0;
    }
  }
  return tw.upload(scale, [1, info.outHeight, info.outWidth, 1], 'float32');
}

/**
 * Spreads each `dy` element evenly over the in-bounds elements of its window.
 *
 * @example
 * ```ts
 * const dx = avgPoolGrad(tw, dy, info, { shape: x.shape, dtype: 'float32' });
 * ```
 */
export function avgPoolGrad(tw: Runner, dy: TfInfo, info: Pool2DInfo, out: TensorInfo): TfInfo {
  if (sizeOf(out.shape) === 0 || sizeOf(dy.shape) === 0) return tw.fill(out.shape, 'float32', 0);
  const padded = info.padTop + info.padBottom + info.padLeft + info.padRight > 0;
  let scaled = dy;
  if (padded) {
    const scale = paddingScale(tw, info);
    scaled = tw.run('Multiply', { a: dy, b: scale });
    tw.free(scale);
  }
  const dx = tw.empty(out.shape, 'float32');
  // AvgPoolGrad(dy, dx, batch, channels, inH, inW, outH, outW, strides (h, w), dilations (h, w),
  // effective filter (h, w), pads (top, left), filter (h, w)).
  tw.call(
    'AvgPoolGrad',
    tw.id(scaled),
    tw.id(dx),
    info.batch,
    info.channels,
    info.inHeight,
    info.inWidth,
    info.outHeight,
    info.outWidth,
    info.strideHeight,
    info.strideWidth,
    1,
    1,
    info.filterHeight,
    info.filterWidth,
    info.padTop,
    info.padLeft,
    info.filterHeight,
    info.filterWidth,
  );
  if (scaled !== dy) tw.free(scaled);
  return dx;
}
