/**
 * Unsorted segment sum as a gather: each output element loops over the rows and adds those whose id
 * matches (no atomics; O(rows) per element, meant for the modest sizes of embedding gradients).
 *
 * @packageDocumentation
 */
import type { Handle, Operand, TensorInfo } from '@neurona/core';
import { sizeOf } from '../storage.js';
import { header, loop1d, Params, wgslType } from '../wgsl.js';
import { type KernelContext, output } from './context.js';

/**
 * Sum the rows of `x` (along axis 0) into `numSegments` buckets given by int32 `segmentIds`; ids outside
 * `[0, numSegments)` are ignored, empty buckets are 0 (int32 sums wrap).
 *
 * @example
 * ```ts
 * const y = unsortedSegmentSum(ctx, x, ids, 2, { shape: [2], dtype: 'float32' });
 * ```
 */
export function unsortedSegmentSum(
  ctx: KernelContext,
  x: Operand,
  segmentIds: Operand,
  numSegments: number,
  out: TensorInfo,
): Handle {
  const { handle, buffer } = output(ctx, out);
  if (!buffer) return handle;
  const size = sizeOf(out.shape);
  const t = wgslType(out.dtype);
  const params = new Params()
    .u32('n', size)
    .u32('inner', size / numSegments)
    .u32('rows', sizeOf(segmentIds.shape));
  ctx.rt.run({
    key: `segment-sum:${t}`,
    source: () => `${header(
      params,
      [
        { name: 'xs', type: t },
        { name: 'ids', type: 'i32' },
      ],
      { name: 'ys', type: t },
    )}
${loop1d(
  'p.n',
  `  let seg = i32(i / p.inner);
  let j = i % p.inner;
  var acc = ${t}(0);
  for (var r = 0u; r < p.rows; r++) {
    if (ids[r] == seg) { acc += xs[r * p.inner + j]; }
  }
  ys[i] = acc;`,
)}`,
    params,
    inputs: [ctx.store.buffer(x), ctx.store.buffer(segmentIds)],
    output: buffer,
    workgroups: ctx.rt.groups(size),
  });
  return handle;
}
