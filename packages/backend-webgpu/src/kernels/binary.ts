/**
 * Elementwise binary kernels with NumPy broadcasting (glue in {@link elementwise}).
 *
 * Semantics follow the CPU reference: int32 add/sub/mul wrap; int32 `div` is floor division and `mod`
 * floor modulo (both give 0 for a zero divisor, as the reference's Int32Array store does); float `mod`
 * takes the divisor's sign; `maximum`/`minimum` propagate NaN; comparisons with NaN are false (except
 * `notEqual`), tested on bits because emulated GPUs compare NaN as equal; `pow` handles negative bases
 * with integral exponents, `x^0 = 1` and zero bases, and squares exactly.
 *
 * @packageDocumentation
 */
import type { BinaryOp, Handle, Operand, TensorInfo } from '@neurona/core';
import { wgslType } from '../wgsl.js';
import type { KernelContext } from './context.js';
import { elementwise } from './elementwise.js';

const FLOAT_MATH = /* wgsl */ `
fn powf(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (isnan(a) || isnan(b)) { return nan(); }
  if (b == 1.0) { return a; }
  if (b == 2.0) { return a * a; }
  let integral = b == floor(b);
  let odd = integral && abs(b) < 16777216.0 && abs(b) % 2.0 == 1.0;
  if (a == 0.0) {
    if (b > 0.0) { return select(0.0, a, odd); }
    return select(inf(), 1.0 / a, odd);
  }
  let m = exp2(b * log2(abs(a)));
  if (a < 0.0) {
    if (!integral) { return nan(); }
    return select(m, -m, odd);
  }
  return m;
}
fn fmodFloor(a: f32, b: f32) -> f32 {
  let r = a - b * trunc(a / b);
  if (r != 0.0 && ((r < 0.0) != (b < 0.0))) { return r + b; }
  return r;
}
fn anynan(a: f32, b: f32) -> bool { return isnan(a) || isnan(b); }
`;

const INT_MATH = /* wgsl */ `
fn idivFloor(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  let q = a / b;
  if (a % b != 0 && ((a < 0) != (b < 0))) { return q - 1; }
  return q;
}
fn imodFloor(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  let r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) { return r + b; }
  return r;
}
fn ipow(a: i32, b: i32) -> i32 {
  if (b < 0) {
    if (a == 1) { return 1; }
    if (a == -1) { return select(1, -1, (b & 1) != 0); }
    return 0;
  }
  var r = 1;
  var base = a;
  var e = b;
  loop {
    if (e == 0) { break; }
    if ((e & 1) != 0) { r = r * base; }
    base = base * base;
    e = e >> 1u;
  }
  return r;
}
`;

const B = (cond: string): string => `select(0u, 1u, ${cond})`;

const FLOAT: Record<BinaryOp, string> = {
  add: 'v0 + v1',
  sub: 'v0 - v1',
  mul: 'v0 * v1',
  div: 'v0 / v1',
  pow: 'powf(v0, v1)',
  maximum: 'select(max(v0, v1), nan(), anynan(v0, v1))',
  minimum: 'select(min(v0, v1), nan(), anynan(v0, v1))',
  mod: 'fmodFloor(v0, v1)',
  equal: B('v0 == v1 && !anynan(v0, v1)'),
  notEqual: B('v0 != v1 || anynan(v0, v1)'),
  less: B('v0 < v1 && !anynan(v0, v1)'),
  lessEqual: B('v0 <= v1 && !anynan(v0, v1)'),
  greater: B('v0 > v1 && !anynan(v0, v1)'),
  greaterEqual: B('v0 >= v1 && !anynan(v0, v1)'),
  logicalAnd: B('v0 != 0.0 && v1 != 0.0'),
  logicalOr: B('v0 != 0.0 || v1 != 0.0'),
};

const INT: Record<BinaryOp, string> = {
  add: 'v0 + v1',
  sub: 'v0 - v1',
  mul: 'v0 * v1',
  div: 'idivFloor(v0, v1)',
  pow: 'ipow(v0, v1)',
  maximum: 'max(v0, v1)',
  minimum: 'min(v0, v1)',
  mod: 'imodFloor(v0, v1)',
  equal: B('v0 == v1'),
  notEqual: B('v0 != v1'),
  less: B('v0 < v1'),
  lessEqual: B('v0 <= v1'),
  greater: B('v0 > v1'),
  greaterEqual: B('v0 >= v1'),
  logicalAnd: B('v0 != 0 && v1 != 0'),
  logicalOr: B('v0 != 0 || v1 != 0'),
};

/** bool operands (u32 0/1): comparisons and logical ops. */
const BOOL: Partial<Record<BinaryOp, string>> = {
  equal: B('v0 == v1'),
  notEqual: B('v0 != v1'),
  less: B('v0 < v1'),
  lessEqual: B('v0 <= v1'),
  greater: B('v0 > v1'),
  greaterEqual: B('v0 >= v1'),
  logicalAnd: B('v0 != 0u && v1 != 0u'),
  logicalOr: B('v0 != 0u || v1 != 0u'),
  maximum: 'max(v0, v1)',
  minimum: 'min(v0, v1)',
};

/**
 * Elementwise binary op of `a` and `b` (same dtype) broadcast to `out.shape`.
 *
 * @example
 * ```ts
 * const y = binary(ctx, 'add', a, b, { shape: [2, 3], dtype: 'float32' });
 * ```
 */
export function binary(ctx: KernelContext, op: BinaryOp, a: Operand, b: Operand, out: TensorInfo): Handle {
  const t = wgslType(a.dtype);
  const table = t === 'f32' ? FLOAT : t === 'i32' ? INT : BOOL;
  const expr = table[op];
  if (expr === undefined) throw new Error(`webgpu: binary '${op}' is not defined for ${a.dtype}`);
  const helpers = t === 'f32' ? FLOAT_MATH : t === 'i32' ? INT_MATH : '';
  return elementwise(ctx, { key: `binary:${op}:${t}`, expr, helpers }, [a, b], out);
}
