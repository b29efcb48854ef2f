/**
 * The dtype conversion kernel.
 *
 * @packageDocumentation
 */
import type { Handle, Operand, TensorInfo } from '@neurona/core';
import { sizeOf } from '../storage.js';
import { header, loop1d, Params, wgslType } from '../wgsl.js';
import { type KernelContext, output } from './context.js';

/**
 * float32 -> int32 as JavaScript's ToInt32 (what the CPU reference's Int32Array store does): truncate
 * toward zero, NaN and infinities give 0, values beyond the int32 range wrap modulo 2^32 (WGSL's
 * `i32(f)` would saturate instead).
 */
const TO_INT32 = /* wgsl */ `
fn toInt32(x: f32) -> i32 {
  if (isnan(x) || isinf(x)) { return 0; }
  if (abs(x) < 2147483648.0) { return i32(x); }
  let bits = bitcast<u32>(x);
  let e = i32((bits >> 23u) & 0xffu) - 150;
  if (e >= 32) { return 0; }
  let low = ((bits & 0x7fffffu) | 0x800000u) << u32(e);
  return select(bitcast<i32>(low), bitcast<i32>(0u - low), x < 0.0);
}
`;

/**
 * Convert `x` to `out.dtype`: to bool is `x != 0` (NaN counts as true, -0 as false); float32 to int32
 * truncates toward zero (see `toInt32`); bool to a number gives 0/1; the same dtype copies.
 *
 * @example
 * ```ts
 * const y = cast(ctx, x, { shape: x.shape, dtype: 'int32' });
 * ```
 */
export function cast(ctx: KernelContext, x: Operand, out: TensorInfo): Handle {
  const n = sizeOf(out.shape);
  if (x.dtype === out.dtype || (x.dtype !== 'float32' && out.dtype === 'int32')) {
    // Same bits: int32 -> int32, bool (0/1) -> int32 and the same dtype are plain copies.
    const { handle, buffer } = output(ctx, out);
    if (buffer) ctx.rt.copy(ctx.store.buffer(x), 0, buffer, 0, n * 4);
    return handle;
  }
  const { handle, buffer } = output(ctx, out);
  if (!buffer) return handle;
  const inT = wgslType(x.dtype);
  const outT = wgslType(out.dtype);
  let expr: string;
  if (out.dtype === 'bool') {
    expr = inT === 'f32' ? 'select(0u, 1u, (bitcast<u32>(v) & 0x7fffffffu) != 0u)' : 'select(0u, 1u, v != 0)';
  } else if (out.dtype === 'int32') expr = 'toInt32(v)';
  else expr = 'f32(v)';
  const params = new Params().u32('n', n);
  ctx.rt.run({
    key: `cast:${inT}:${outT}`,
    source: () => `${header(params, [{ name: 'xs', type: inT }], { name: 'ys', type: outT })}
${TO_INT32}
${loop1d(
  'p.n',
  `  let v = xs[i];
  ys[i] = ${expr};`,
)}`,
    params,
    inputs: [ctx.store.buffer(x)],
    output: buffer,
    workgroups: ctx.rt.groups(n),
  });
  return handle;
}
