/**
 * Default pooling kernels, written from core ops: gather every window with a host-built index table
 * (`[batch, outH * outW, fh * fw, channels]`), then reduce over the window axis. Backward passes gather
 * through the inverse table, so no scatter is needed.
 *
 * @packageDocumentation
 */
import type { Pool2DInfo } from '../backend/types.js';
import { engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { div, equal, mul } from '../ops/binary.js';
import { argMax, max, sum } from '../ops/reduce.js';
import { cast, reshape } from '../ops/shape.js';
import { gatherRows, inverseWindowTable, windowTable } from './dispatch.js';

/** Fill for padded slots of max pooling: finite (the nr.debug NaN guard rejects ±Infinity) and below any float32 but -Inf. */
const LOWEST = -3.4028234663852886e38;

/** Every window of a rank-4 `x`: `[batch, outH * outW, fh * fw, channels]`, padded slots set to `fill`. */
function windows(x: Tensor, info: Pool2DInfo, fill: number): Tensor {
  const { batch, inHeight, inWidth, channels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { table, hasFill } = windowTable(info);
  const flat = reshape(x, [batch, inHeight * inWidth, channels]);
  const g = gatherRows(flat, table, hasFill, fill);
  flat.dispose();
  const w = reshape(g, [batch, outHeight * outWidth, filterHeight * filterWidth, channels]);
  g.dispose();
  return w;
}

/** `[batch, outP, K, channels]` float32 one-hot of the first maximum of each window of `x`. */
function firstMaxMask(x: Tensor, info: Pool2DInfo): Tensor {
  const k = info.filterHeight * info.filterWidth;
  const win = windows(x, info, LOWEST);
  const am = argMax(win, 2);
  win.dispose();
  const slots = engine().upload(
    Int32Array.from({ length: k }, (_, i) => i),
    { shape: [1, 1, k, 1], dtype: 'int32' },
  );
  const hit = equal(reshape(am, [am.shape[0]!, am.shape[1]!, 1, am.shape[2]!]), slots);
  return cast(hit, 'float32');
}

/** Number of in-bounds elements of each window, as a `[1, outH * outW, 1]` float32 constant. */
function windowCounts(info: Pool2DInfo): Tensor {
  const { table } = windowTable(info);
  const k = info.filterHeight * info.filterWidth;
  const fill = info.inHeight * info.inWidth;
  const outP = info.outHeight * info.outWidth;
  const counts = new Float32Array(outP);
  for (let o = 0; o < outP; o++) {
    let c = 0;
    for (let s = 0; s < k; s++) if (table[o * k + s] !== fill) c++;
    counts[o] = c;
  }
  return engine().upload(counts, { shape: [1, outP, 1], dtype: 'float32' });
}

/** Sum, for every input position, the rows of `src` `[batch, rows, channels]` named by the inverse table. */
function gatherBack(src: Tensor, info: Pool2DInfo, perSlot: boolean): Tensor {
  const { batch, inHeight, inWidth, channels } = info;
  const { table, hasFill } = inverseWindowTable(info, perSlot);
  const g = gatherRows(src, table, hasFill, 0);
  const parts = reshape(g, [batch, inHeight * inWidth, info.filterHeight * info.filterWidth, channels]);
  g.dispose();
  return reshape(sum(parts, 2), [batch, inHeight, inWidth, channels]);
}

/**
 * maxPool from primitives: the maximum over each gathered window.
 *
 * @example
 * ```ts
 * const y = maxPoolComposite(x, nr.pool2dInfo(x.shape, 2, 2, 'valid'));
 * ```
 * @internal
 */
export function maxPoolComposite(x: Tensor, info: Pool2DInfo): Tensor {
  const win = windows(x, info, LOWEST);
  return reshape(max(win, 2), [info.batch, info.outHeight, info.outWidth, info.channels]);
}

/**
 * maxPoolGrad from primitives: `dy` times the one-hot of each window's first maximum, gathered back
 * to the input positions and summed.
 *
 * @example
 * ```ts
 * const dx = maxPoolGradComposite(dy, x, info);
 * ```
 * @internal
 */
export function maxPoolGradComposite(dy: Tensor, x: Tensor, info: Pool2DInfo): Tensor {
  const { batch, outHeight, outWidth, channels } = info;
  const k = info.filterHeight * info.filterWidth;
  const mask = firstMaxMask(x, info);
  const routed = mul(mask, reshape(dy, [batch, outHeight * outWidth, 1, channels]));
  mask.dispose();
  return gatherBack(reshape(routed, [batch, outHeight * outWidth * k, channels]), info, true);
}

/**
 * Second-order helper: for each window, the value of `ddx` (input-shaped) at the first maximum of `x`.
 *
 * @example
 * ```ts
 * const ddy = maxPoolGradGradComposite(ddx, x, info); // shape of maxPool(x)
 * ```
 * @internal
 */
export function maxPoolGradGradComposite(ddx: Tensor, x: Tensor, info: Pool2DInfo): Tensor {
  const mask = firstMaxMask(x, info);
  const win = windows(ddx, info, 0);
  return reshape(sum(mul(win, mask), 2), [info.batch, info.outHeight, info.outWidth, info.channels]);
}

/**
 * avgPool from primitives: the sum over each gathered window (zeros in the padding) divided by the number
 * of in-bounds elements.
 *
 * @example
 * ```ts
 * const y = avgPoolComposite(x, nr.pool2dInfo(x.shape, 2, 2, 'same'));
 * ```
 * @internal
 */
export function avgPoolComposite(x: Tensor, info: Pool2DInfo): Tensor {
  const win = windows(x, info, 0);
  const y = div(sum(win, 2), windowCounts(info));
  return reshape(y, [info.batch, info.outHeight, info.outWidth, info.channels]);
}

/**
 * avgPoolGrad from primitives: `dy / count` gathered back to every in-bounds element of its window.
 *
 * @example
 * ```ts
 * const dx = avgPoolGradComposite(dy, info);
 * ```
 * @internal
 */
export function avgPoolGradComposite(dy: Tensor, info: Pool2DInfo): Tensor {
  const { batch, outHeight, outWidth, channels } = info;
  const scaled = div(reshape(dy, [batch, outHeight * outWidth, channels]), windowCounts(info));
  return gatherBack(scaled, info, false);
}
