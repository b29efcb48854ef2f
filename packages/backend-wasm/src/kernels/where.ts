/**
 * `where(cond, a, b)` with three-way broadcasting. tfjs-wasm's `Select` takes operands of one shape and
 * copies 4-byte elements, so operands are first broadcast (`broadcastTo`), and bool operands are selected
 * with logical ops instead.
 *
 * @packageDocumentation
 */
import type { TensorInfo } from '@neurona/core';
import type { Runner, TfInfo } from '../runner.js';
import { broadcastTo } from './broadcast.js';

/**
 * Elementwise `cond ? a : b` with broadcasting of all three to `out.shape`.
 *
 * @example
 * ```ts
 * const y = where(tw, cond, a, b, { shape: [2, 3], dtype: 'float32' });
 * ```
 */
export function where(tw: Runner, cond: TfInfo, a: TfInfo, b: TfInfo, out: TensorInfo): TfInfo {
  const c = broadcastTo(tw, cond, out.shape);
  const t = broadcastTo(tw, a, out.shape);
  const e = broadcastTo(tw, b, out.shape);
  try {
    if (out.dtype !== 'bool') return tw.run('Select', { condition: c, t, e });
    // (c && t) || (!c && e)
    const picked = tw.run('LogicalAnd', { a: c, b: t });
    const notC = tw.run('LogicalNot', { x: c });
    const other = tw.run('LogicalAnd', { a: notC, b: e });
    try {
      return tw.run('LogicalOr', { a: picked, b: other });
    } finally {
      tw.free(picked, notC, other);
    }
  } finally {
    for (const [made, given] of [
      [c, cond],
      [t, a],
      [e, b],
    ] as const) {
      if (made !== given) tw.free(made);
    }
  }
}
