/**
 * Default convolution kernels, written from core ops: im2col by `gather` with a host-built index table,
 * then one matMul. The input gradient gathers `dy` through the inverse table (col2im without scatter).
 *
 * @packageDocumentation
 */
import type { Conv2DInfo } from '../backend/types.js';
import type { Tensor } from '../engine/tensor.js';
import { matMul } from '../ops/matmul.js';
import { reshape, transpose } from '../ops/shape.js';
import { gatherRows, inverseWindowTable, windowTable } from './dispatch.js';

/** `[batch * outH * outW, fh * fw * inC]`: every receptive field as one row (zeros in the padding). */
function im2col(x: Tensor, info: Conv2DInfo): Tensor {
  const { batch, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { table, hasFill } = windowTable(info);
  const flat = reshape(x, [batch, inHeight * inWidth, inChannels]);
  const cols = gatherRows(flat, table, hasFill, 0);
  flat.dispose();
  const rows = reshape(cols, [batch * outHeight * outWidth, filterHeight * filterWidth * inChannels]);
  cols.dispose();
  return rows;
}

/**
 * conv2d from primitives: `im2col(x) · reshape(filter, [fh * fw * inC, outC])`.
 *
 * @example
 * ```ts
 * const y = conv2dComposite(x, filter, nr.conv2dInfo(x.shape, filter.shape, 1, 'same'));
 * ```
 * @internal
 */
export function conv2dComposite(x: Tensor, filter: Tensor, info: Conv2DInfo): Tensor {
  const cols = im2col(x, info);
  const w = reshape(filter, [info.filterHeight * info.filterWidth * info.inChannels, info.outChannels]);
  const y = matMul(cols, w);
  cols.dispose();
  return reshape(y, [info.batch, info.outHeight, info.outWidth, info.outChannels]);
}

/**
 * Input gradient from primitives: for each input position and window slot, gather the `dy` row of the
 * output that read it there (a zero row if none), then multiply by the filter with its channel axes swapped.
 *
 * @example
 * ```ts
 * const dx = conv2dGradInputComposite(dy, filter, info);
 * ```
 * @internal
 */
export function conv2dGradInputComposite(dy: Tensor, filter: Tensor, info: Conv2DInfo): Tensor {
  const { batch, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const k = info.filterHeight * info.filterWidth;
  const { table, hasFill } = inverseWindowTable(info, false);
  const flat = reshape(dy, [batch, outHeight * outWidth, outChannels]);
  const g = gatherRows(flat, table, hasFill, 0);
  flat.dispose();
  const rows = reshape(g, [batch * inHeight * inWidth, k * outChannels]);
  g.dispose();
  const wt = transpose(filter, [0, 1, 3, 2]);
  const w = reshape(wt, [k * outChannels, inChannels]);
  wt.dispose();
  const dx = matMul(rows, w);
  rows.dispose();
  return reshape(dx, [batch, inHeight, inWidth, inChannels]);
}

/**
 * Filter gradient from primitives: `im2col(x)ᵀ · dy`.
 *
 * @example
 * ```ts
 * const dw = conv2dGradFilterComposite(x, dy, info);
 * ```
 * @internal
 */
export function conv2dGradFilterComposite(x: Tensor, dy: Tensor, info: Conv2DInfo): Tensor {
  const cols = im2col(x, info);
  const d = reshape(dy, [info.batch * info.outHeight * info.outWidth, info.outChannels]);
  const dw = matMul(cols, d, true, false);
  cols.dispose();
  return reshape(dw, [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels]);
}
