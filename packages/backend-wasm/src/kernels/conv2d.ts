/**
 * 2-D convolution and its two gradients, NHWC with an `[fh, fw, inC, outC]` filter, all on XNNPACK.
 *
 * - forward: tfjs-wasm `Conv2D`, explicit padding and dilation passed through;
 * - input gradient (tfjs-wasm's `Conv2DBackpropInput` is a scalar loop without dilation): with stride 1,
 *   a `Conv2D` of `dy` with the flipped filter and "full" padding; otherwise the column path;
 * - filter gradient (tfjs-wasm has none, tfjs issue 8474; its exported `Conv3DBackpropFilterV2` drops
 *   window rows when the stride is above 1): a `Conv2D` that treats the batch as the channel axis,
 *   `x` `[inC, inH, inW, batch]` with `dy` `[outH, outW, batch, outC]` as the filter (strides and
 *   dilations swap roles), giving `[inC, fh, fw, outC]`; the column path when XNNPACK's indirection
 *   buffer would be large.
 *
 * @packageDocumentation
 */
import type { Conv2DInfo, TensorInfo } from '@neurona/core';
import { type Runner, sizeOf, type TfInfo } from '../runner.js';
import { gradFilterByColumns, gradInputByColumns } from './conv2d-columns.js';
import { slice } from './movement.js';

/** Largest XNNPACK indirection buffer (pointers: output pixels x kernel taps) for the filter gradient. */
const INDIRECTION_BUDGET = 1 << 22;

/** tfjs-wasm `Conv2D` with explicit `[top, bottom, left, right]` padding. */
function xnnConv(
  tw: Runner,
  x: TfInfo,
  filter: TfInfo,
  strides: [number, number],
  pads: readonly [number, number, number, number],
  dilations: [number, number],
): TfInfo {
  return tw.run(
    'Conv2D',
    { x, filter },
    {
      strides,
      pad: [
        [0, 0],
        [pads[0], pads[1]],
        [pads[2], pads[3]],
        [0, 0],
      ],
      dilations,
      dataFormat: 'NHWC',
    },
  );
}

/**
 * Convolution of `x` `[batch, inH, inW, inC]` with `filter` `[fh, fw, inC, outC]`.
 *
 * @example
 * ```ts
 * const y = conv2d(tw, x, filter, nr.conv2dInfo(x.shape, filter.shape, 1, 'same'), out);
 * ```
 */
export function conv2d(tw: Runner, x: TfInfo, filter: TfInfo, info: Conv2DInfo, out: TensorInfo): TfInfo {
  if (sizeOf(out.shape) === 0 || sizeOf(filter.shape) === 0) return tw.fill(out.shape, 'float32', 0);
  return xnnConv(
    tw,
    x,
    filter,
    [info.strideHeight, info.strideWidth],
    [info.padTop, info.padBottom, info.padLeft, info.padRight],
    [info.dilationHeight, info.dilationWidth],
  );
}

/** `[fh, fw, outC, inC]` with `flipped[i, j, o, c] = filter[fh - 1 - i, fw - 1 - j, c, o]`. */
function flipFilter(tw: Runner, filter: TfInfo, info: Conv2DInfo): TfInfo {
  const { filterHeight: FH, filterWidth: FW, inChannels: C, outChannels: O } = info;
  const flipped = tw.empty([FH, FW, O, C], 'float32');
  const src = tw.heap(filter);
  const dst = tw.heap(flipped);
  for (let i = 0; i < FH; i++) {
    for (let j = 0; j < FW; j++) {
      const from = ((FH - 1 - i) * FW + (FW - 1 - j)) * C * O;
      const to = (i * FW + j) * O * C;
      for (let c = 0; c < C; c++) for (let o = 0; o < O; o++) dst[to + o * C + c] = src[from + c * O + o]!;
    }
  }
  return flipped;
}

/**
 * Gradient of conv2d with respect to its input, given `dy` `[batch, outH, outW, outC]` and the filter.
 *
 * @example
 * ```ts
 * const dx = conv2dGradInput(tw, dy, filter, info, { shape: x.shape, dtype: 'float32' });
 * ```
 */
export function conv2dGradInput(
  tw: Runner,
  dy: TfInfo,
  filter: TfInfo,
  info: Conv2DInfo,
  out: TensorInfo,
): TfInfo {
  if (sizeOf(out.shape) === 0 || sizeOf(dy.shape) === 0 || sizeOf(filter.shape) === 0) {
    return tw.fill(out.shape, 'float32', 0);
  }
  const effH = (info.filterHeight - 1) * info.dilationHeight + 1;
  const effW = (info.filterWidth - 1) * info.dilationWidth + 1;
  // dx[i] = sum_k dy[i + padTop - k * d] * f[k]: a convolution of dy padded by eff - 1 - pad, flipped filter.
  const full = [
    effH - 1 - info.padTop,
    effH - 1 - info.padBottom,
    effW - 1 - info.padLeft,
    effW - 1 - info.padRight,
  ] as const;
  if (info.strideHeight > 1 || info.strideWidth > 1 || full.some((p) => p < 0)) {
    return gradInputByColumns(tw, dy, filter, info, out);
  }
  const flipped = flipFilter(tw, filter, info);
  try {
    return xnnConv(tw, dy, flipped, [1, 1], full, [info.dilationHeight, info.dilationWidth]);
  } finally {
    tw.free(flipped);
  }
}

/**
 * Gradient of conv2d with respect to its filter, given the input `x` and `dy`.
 *
 * @example
 * ```ts
 * const dw = conv2dGradFilter(tw, x, dy, info, { shape: filter.shape, dtype: 'float32' });
 * ```
 */
export function conv2dGradFilter(
  tw: Runner,
  x: TfInfo,
  dy: TfInfo,
  info: Conv2DInfo,
  out: TensorInfo,
): TfInfo {
  const { filterHeight: FH, filterWidth: FW, outHeight: OH, outWidth: OW } = info;
  if (sizeOf(out.shape) === 0) return tw.empty(out.shape, 'float32');
  if (info.batch * OH * OW === 0) return tw.fill(out.shape, 'float32', 0);
  if (info.inChannels * FH * FW * OH * OW > INDIRECTION_BUDGET)
    return gradFilterByColumns(tw, x, dy, info, out);
  // dw[kh, kw, c, o] = sum_{b, oh, ow} xpad[b, oh * s + kh * d, ow * s + kw * d, c] * dy[b, oh, ow, o]:
  // input [c, H, W, b], filter [oh, ow, b, o], stride d, dilation s -> [c, kh, kw, o].
  const xt = tw.run('Transpose', { x }, { perm: [3, 1, 2, 0] });
  const dyt = tw.run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  // Pad the far sides just enough for fh x fw outputs (more rows are cut off below).
  const needH = (FH - 1) * info.dilationHeight + (OH - 1) * info.strideHeight + 1;
  const needW = (FW - 1) * info.dilationWidth + (OW - 1) * info.strideWidth + 1;
  const pads = [
    info.padTop,
    Math.max(0, needH - info.inHeight - info.padTop),
    info.padLeft,
    Math.max(0, needW - info.inWidth - info.padLeft),
  ] as const;
  const y = xnnConv(tw, xt, dyt, [info.dilationHeight, info.dilationWidth], pads, [
    info.strideHeight,
    info.strideWidth,
  ]);
  tw.free(xt, dyt);
  let taps = y;
  if (y.shape[1] !== FH || y.shape[2] !== FW) {
    const shape = [info.inChannels, FH, FW, info.outChannels];
    taps = slice(tw, y, [0, 0, 0, 0], { shape, dtype: 'float32' });
    tw.free(y);
  }
  try {
    return tw.run('Transpose', { x: taps }, { perm: [1, 2, 0, 3] });
  } finally {
    tw.free(taps);
  }
}
