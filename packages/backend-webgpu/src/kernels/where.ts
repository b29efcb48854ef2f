/**
 * The `where` (select) kernel, broadcasting condition and both branches (glue in {@link elementwise}).
 *
 * @packageDocumentation
 */
import type { Handle, Operand, TensorInfo } from '@neurona/core';
import { wgslType } from '../wgsl.js';
import type { KernelContext } from './context.js';
import { elementwise } from './elementwise.js';

/**
 * `cond ? a : b` elementwise; `cond` is bool (u32 0/1 on the GPU).
 *
 * @example
 * ```ts
 * const y = where(ctx, cond, a, b, { shape: [2, 2], dtype: 'float32' });
 * ```
 */
export function where(ctx: KernelContext, cond: Operand, a: Operand, b: Operand, out: TensorInfo): Handle {
  const t = wgslType(out.dtype);
  const c = wgslType(cond.dtype);
  return elementwise(
    ctx,
    { key: `where:${c}:${t}`, expr: `select(v2, v1, v0 != ${c}(0))`, helpers: '' },
    [cond, a, b],
    out,
  );
}
