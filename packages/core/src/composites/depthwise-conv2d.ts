/**
 * Default depthwise convolution kernels, written from core ops. The receptive fields are gathered with
 * the conv2d index tables (`[positions, taps, channels]`), then one matMul batched over channels does
 * every channel's small product: forward `cols_c · W_c`, filter gradient `cols_cᵀ · dy_c`, and the input
 * gradient gathers `dy` through the inverse table before its product with the filter.
 *
 * @packageDocumentation
 */
import type { Conv2DInfo } from '../backend/types.js';
import type { Tensor } from '../engine/tensor.js';
import { matMul } from '../ops/matmul.js';
import { reshape, transpose } from '../ops/shape.js';
import { gatherRows, inverseWindowTable, windowTable } from './dispatch.js';

/** Every filter tap of every output position: `[batch * outH * outW, fh * fw, inC]` (zeros in the padding). */
function windows(x: Tensor, info: Conv2DInfo): Tensor {
  const { batch, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { table, hasFill } = windowTable(info);
  const flat = reshape(x, [batch, inHeight * inWidth, inChannels]);
  const cols = gatherRows(flat, table, hasFill, 0);
  flat.dispose();
  const rows = reshape(cols, [batch * outHeight * outWidth, filterHeight * filterWidth, inChannels]);
  cols.dispose();
  return rows;
}

/** `transpose(t, perm)`, disposing `t`. */
function channelsFirst(t: Tensor, perm: readonly number[]): Tensor {
  const y = transpose(t, perm);
  t.dispose();
  return y;
}

/** The filter as `[inC, fh * fw, multiplier]`: one `[taps, multiplier]` matrix per channel. */
function filterPerChannel(filter: Tensor, info: Conv2DInfo): Tensor {
  const m = info.outChannels / info.inChannels;
  const k = reshape(filter, [info.filterHeight * info.filterWidth, info.inChannels, m]);
  return channelsFirst(k, [1, 0, 2]);
}

/**
 * depthwiseConv2d from primitives: per channel `c`, `windows_c [P, taps] · filter_c [taps, multiplier]`.
 *
 * @example
 * ```ts
 * const y = depthwiseConv2dComposite(x, filter, nr.depthwiseConv2dInfo(x.shape, filter.shape, 1, 'same'));
 * ```
 * @internal
 */
export function depthwiseConv2dComposite(x: Tensor, filter: Tensor, info: Conv2DInfo): Tensor {
  const cols = channelsFirst(windows(x, info), [2, 0, 1]); // [C, P, K]
  const w = filterPerChannel(filter, info); // [C, K, M]
  const y = matMul(cols, w); // [C, P, M]
  cols.dispose();
  w.dispose();
  const pcm = channelsFirst(y, [1, 0, 2]);
  return reshape(pcm, [info.batch, info.outHeight, info.outWidth, info.outChannels]);
}

/**
 * Input gradient from primitives: for each input position and tap, gather the `dy` row of the output that
 * read it there (a zero row if none); per channel, multiply those `[taps * multiplier]` rows by the filter.
 *
 * @example
 * ```ts
 * const dx = depthwiseConv2dGradInputComposite(dy, filter, info);
 * ```
 * @internal
 */
export function depthwiseConv2dGradInputComposite(dy: Tensor, filter: Tensor, info: Conv2DInfo): Tensor {
  const { batch, inHeight, inWidth, inChannels: C, outHeight, outWidth, outChannels } = info;
  const k = info.filterHeight * info.filterWidth;
  const m = outChannels / C;
  const q = batch * inHeight * inWidth;
  const { table, hasFill } = inverseWindowTable(info, false);
  const flat = reshape(dy, [batch, outHeight * outWidth, outChannels]);
  const g = gatherRows(flat, table, hasFill, 0); // [N, H * W * K, C * M]
  flat.dispose();
  const g4 = reshape(g, [q, k, C, m]);
  g.dispose();
  const perChannel = channelsFirst(g4, [2, 0, 1, 3]); // [C, Q, K, M]
  const rows = reshape(perChannel, [C, q, k * m]);
  perChannel.dispose();
  const w = filterPerChannel(filter, info);
  const col = reshape(w, [C, k * m, 1]);
  w.dispose();
  const dx = matMul(rows, col); // [C, Q, 1]
  rows.dispose();
  col.dispose();
  const cq = reshape(dx, [C, q]);
  dx.dispose();
  const qc = channelsFirst(cq, [1, 0]);
  return reshape(qc, [batch, inHeight, inWidth, C]);
}

/**
 * Filter gradient from primitives: per channel `c`, `windows_cᵀ [taps, P] · dy_c [P, multiplier]`.
 *
 * @example
 * ```ts
 * const dw = depthwiseConv2dGradFilterComposite(x, dy, info);
 * ```
 * @internal
 */
export function depthwiseConv2dGradFilterComposite(x: Tensor, dy: Tensor, info: Conv2DInfo): Tensor {
  const C = info.inChannels;
  const m = info.outChannels / C;
  const p = info.batch * info.outHeight * info.outWidth;
  const cols = channelsFirst(windows(x, info), [2, 1, 0]); // [C, K, P]
  const d3 = reshape(dy, [p, C, m]);
  const d = channelsFirst(d3, [1, 0, 2]); // [C, P, M]
  const dw = matMul(cols, d); // [C, K, M]
  cols.dispose();
  d.dispose();
  const kcm = channelsFirst(dw, [1, 0, 2]);
  return reshape(kcm, [info.filterHeight, info.filterWidth, C, m]);
}
