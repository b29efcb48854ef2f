/**
 * The `where` (select) kernel.
 *
 * @packageDocumentation
 */
import type { TensorInfo, TypedArray } from '@neurona/core';
import { allocate, sizeOf } from '../storage.js';
import { broadcastStrides, collapse, forEachRow, type Input } from './strided.js';

/**
 * `cond ? a : b` elementwise, broadcasting all three operands to `out.shape`.
 *
 * @example
 * ```ts
 * // cond [2] = [1, 0], a scalar 5, b [2] = [7, 8]  ->  [5, 8]
 * const y = where(cond, a, b, { shape: [2], dtype: 'float32' });
 * ```
 */
export function where(cond: Input, a: Input, b: Input, out: TensorInfo): TypedArray {
  const n = sizeOf(out.shape);
  const o = allocate(out.dtype, n);
  if (n === 0) return o;
  const c = cond.data;
  const ad = a.data;
  const bd = b.data;
  const strides = [
    broadcastStrides(out.shape, out.shape),
    broadcastStrides(cond.shape, out.shape),
    broadcastStrides(a.shape, out.shape),
    broadcastStrides(b.shape, out.shape),
  ];
  const plan = collapse(out.shape, strides);
  const last = plan.shape.length - 1;
  const inner = plan.shape[last]!;
  const cs = plan.strides[1]![last]!;
  const as = plan.strides[2]![last]!;
  const bs = plan.strides[3]![last]!;
  forEachRow(plan, [0, 0, 0, 0], (offs) => {
    const oi = offs[0]!;
    const ci = offs[1]!;
    const ai = offs[2]!;
    const bi = offs[3]!;
    for (let i = 0; i < inner; i++) o[oi + i] = c[ci + i * cs] !== 0 ? ad[ai + i * as]! : bd[bi + i * bs]!;
  });
  return o;
}
