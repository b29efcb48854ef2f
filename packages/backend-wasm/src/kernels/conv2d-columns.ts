/**
 * The general convolution gradients, for any stride, dilation and padding: column matrices built on the
 * heap (`im2colT`, `col2imAdd`) around XNNPACK GEMMs (`BatchMatMul`). They work a few images at a time
 * when the column matrix would be large.
 *
 * @packageDocumentation
 */
import type { Conv2DInfo, TensorInfo } from '@neurona/core';
import { type Runner, sizeOf, type TfInfo } from '../runner.js';
import { col2imAdd, im2colT } from './im2col.js';
import { product } from './matmul.js';

/** Largest column matrix (elements) made at once; bigger convolutions run in batch chunks. */
const COLUMN_BUDGET = 1 << 22;

/** Images per chunk so that `images * outH * outW * taps * inC` stays within the budget. */
function imagesPerChunk(info: Conv2DInfo): number {
  const perImage = info.outHeight * info.outWidth * info.filterHeight * info.filterWidth * info.inChannels;
  return Math.max(1, Math.min(info.batch, Math.floor(COLUMN_BUDGET / Math.max(perImage, 1))));
}

/** Rows `[r0, r1)` of `x` viewed as `[rows, cols]`, as a fresh `[1, r1 - r0, cols]` tensor (or a view of all). */
function rowBlock(tw: Runner, x: TfInfo, rows: number, cols: number, r0: number, r1: number): TfInfo {
  if (r0 === 0 && r1 === rows) return tw.view(x, [1, rows, cols]);
  const block = tw.empty([1, r1 - r0, cols], x.dtype as 'float32');
  tw.heap(block).set(tw.heap(x).subarray(r0 * cols, r1 * cols));
  return block;
}

/**
 * Input gradient for any geometry, given `dy` `[batch, outH, outW, outC]` and the filter:
 * `cols = dy · filterᵀ` (`[N, taps * inC]`, an XNNPACK GEMM), then each column entry is added onto the
 * input position it came from.
 *
 * @example
 * ```ts
 * const dx = gradInputByColumns(tw, dy, filter, info, { shape: x.shape, dtype: 'float32' });
 * ```
 */
export function gradInputByColumns(
  tw: Runner,
  dy: TfInfo,
  filter: TfInfo,
  info: Conv2DInfo,
  out: TensorInfo,
): TfInfo {
  const dx = tw.fill(out.shape, 'float32', 0);
  const positions = info.outHeight * info.outWidth;
  const fields = info.filterHeight * info.filterWidth * info.inChannels;
  if (sizeOf(out.shape) === 0 || positions === 0 || fields * info.outChannels === 0) return dx;
  // tfjs-wasm's BatchMatMul leaves XNNPACK with transposeB: transpose the (small) filter once instead.
  const wt = tw.run('Transpose', { x: tw.view(filter, [fields, info.outChannels]) }, { perm: [1, 0] });
  const chunk = imagesPerChunk(info);
  for (let b0 = 0; b0 < info.batch; b0 += chunk) {
    const b1 = Math.min(b0 + chunk, info.batch);
    const rows = rowBlock(tw, dy, info.batch * positions, info.outChannels, b0 * positions, b1 * positions);
    const cols = product(tw, rows, tw.view(wt, [1, info.outChannels, fields]));
    col2imAdd(tw.heap(cols), info, tw.heap(dx), b0, b1);
    tw.free(cols);
    if (rows.dataId !== dy.dataId) tw.free(rows);
  }
  tw.free(wt);
  return dx;
}

/**
 * Filter gradient for any geometry, given the input `x` and `dy`:
 * `im2colT(x) · dy` (`[taps * inC, N] x [N, outC]`), which is the filter's layout.
 *
 * @example
 * ```ts
 * const dw = gradFilterByColumns(tw, x, dy, info, { shape: filter.shape, dtype: 'float32' });
 * ```
 */
export function gradFilterByColumns(
  tw: Runner,
  x: TfInfo,
  dy: TfInfo,
  info: Conv2DInfo,
  out: TensorInfo,
): TfInfo {
  const positions = info.outHeight * info.outWidth;
  const fields = info.filterHeight * info.filterWidth * info.inChannels;
  if (sizeOf(out.shape) === 0) return tw.empty(out.shape, 'float32');
  if (info.batch * positions === 0) return tw.fill(out.shape, 'float32', 0);
  const chunk = imagesPerChunk(info);
  let dw: TfInfo | null = null;
  for (let b0 = 0; b0 < info.batch; b0 += chunk) {
    const b1 = Math.min(b0 + chunk, info.batch);
    const n = (b1 - b0) * positions;
    const cols = tw.empty([1, fields, n], 'float32');
    im2colT(tw.heap(x), info, tw.heap(cols), b0, b1);
    const rows = rowBlock(tw, dy, info.batch * positions, info.outChannels, b0 * positions, b1 * positions);
    const part = product(tw, cols, rows);
    tw.free(cols);
    if (rows.dataId !== dy.dataId) tw.free(rows);
    if (dw === null) dw = part;
    else {
      const sum = tw.run('Add', { a: dw, b: part });
      tw.free(dw, part);
      dw = sum;
    }
  }
  return dw!;
}
