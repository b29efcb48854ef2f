/**
 * dtype conversion: tfjs-wasm `Cast` (float to int32 truncates toward zero), except to bool, which
 * tfjs-wasm's `Cast` does by byte truncation (0.5 -> 0, 256 -> 0); ours is `x != 0`, a `NotEqual`.
 *
 * @packageDocumentation
 */
import type { DType } from '@neurona/core';
import type { Runner, TfInfo } from '../runner.js';

/**
 * Convert `x` to `dtype` (a fresh tensor even when the dtype already matches).
 *
 * @example
 * ```ts
 * const b = cast(tw, x, 'bool'); // x != 0
 * ```
 */
export function cast(tw: Runner, x: TfInfo, dtype: DType): TfInfo {
  if (x.dtype === dtype) return tw.run('Identity', { x });
  if (dtype === 'bool') {
    const zero = tw.fill([], x.dtype as DType, 0);
    try {
      return tw.run('NotEqual', { a: x, b: zero });
    } finally {
      tw.free(zero);
    }
  }
  return tw.run('Cast', { x }, { dtype });
}
