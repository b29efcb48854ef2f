/**
 * Elementwise unary kernels: one thread per element.
 *
 * Float ops compute in f32 (an int32 input is converted first). NaN inputs give NaN where the CPU
 * reference does (checked on bits: emulated GPUs let `max`, `clamp` and `sign` swallow NaN). `log`,
 * `rsqrt` and `sqrt` handle 0 and negative inputs explicitly; `expm1`/`log1p` use short series near 0,
 * where `exp(x) - 1` and `log(1 + x)` lose their relative precision; `tanh` clamps its argument (the
 * emulated `tanh(100)` is NaN); `erf` uses a series below 0.5 and the Abramowitz-Stegun 7.1.26 rational
 * form above (absolute error below 2e-7).
 *
 * @packageDocumentation
 */
import type { Handle, Operand, TensorInfo, UnaryOp } from '@neurona/core';
import { header, loop1d, Params, wgslType } from '../wgsl.js';
import { type KernelContext, output } from './context.js';

/** Float formulas of `v` (f32). */
const FLOAT: Record<Exclude<UnaryOp, 'logicalNot'>, string> = {
  neg: '-v',
  abs: 'abs(v)',
  sign: 'select(sign(v), v, isnan(v))',
  square: 'v * v',
  exp: 'exp(v)',
  expm1: 'expm1(v)',
  log: 'logf(v)',
  log1p: 'log1pf(v)',
  sqrt: 'select(sqrt(v), nan(), v < 0.0)',
  rsqrt: 'rsqrtf(v)',
  reciprocal: '1.0 / v',
  sigmoid: 'sigmoidf(v)',
  tanh: 'select(tanh(clamp(v, -10.0, 10.0)), v, isnan(v))',
  relu: 'select(max(v, 0.0), v, isnan(v))',
  step: 'select(select(0.0, 1.0, v >= 0.0), v, isnan(v))',
  erf: 'erff(v)',
  floor: 'floor(v)',
  ceil: 'ceil(v)',
  round: 'round(v)',
};

/** Integer formulas (int32 in, int32 out) of the ops that keep int32. */
const INT: Partial<Record<UnaryOp, string>> = {
  neg: '-v',
  abs: 'abs(v)',
  sign: 'sign(v)',
  square: 'v * v',
};

/**
 * f32 helpers of the unary formulas.
 *
 * @example
 * ```ts
 * const src = `${UNARY_MATH} fn main() { let y = erff(0.5); }`;
 * ```
 */
export const UNARY_MATH = /* wgsl */ `
fn expm1(x: f32) -> f32 {
  if (abs(x) < 0.01) { return x * (1.0 + x * (0.5 + x * (0.16666667 + x * 0.041666668))); }
  return exp(x) - 1.0;
}
fn logf(x: f32) -> f32 {
  if (isnan(x) || x < 0.0) { return nan(); }
  if (x == 0.0) { return -inf(); }
  if (isinf(x)) { return x; }
  return log(x);
}
fn log1pf(x: f32) -> f32 {
  if (abs(x) < 0.01) {
    return x * (1.0 + x * (-0.5 + x * (0.33333334 + x * (-0.25 + x * 0.2))));
  }
  return logf(1.0 + x);
}
fn rsqrtf(x: f32) -> f32 {
  if (isnan(x) || x < 0.0) { return nan(); }
  if (x == 0.0) { return inf(); }
  return inverseSqrt(x);
}
fn sigmoidf(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return select(e / (1.0 + e), x, isnan(x));
}
fn erff(x: f32) -> f32 {
  if (isnan(x)) { return x; }
  let a = abs(x);
  if (a < 0.5) {
    let z = x * x;
    // 2/sqrt(pi) (x - x^3/3 + x^5/10 - x^7/42 + x^9/216 - x^11/1320)
    return 1.1283791 * x * (1.0 + z * (-0.33333334 + z * (0.1 + z * (-0.023809524 + z * (0.0046296297 - z * 0.00075757576)))));
  }
  let t = 1.0 / (1.0 + 0.3275911 * a);
  let poly = t * (0.2548296 + t * (-0.28449672 + t * (1.4214138 + t * (-1.4531521 + t * 1.0614054))));
  return sign(x) * (1.0 - poly * exp(-a * a));
}
`;

/**
 * Elementwise unary op; see the module notes for the float semantics. int32 keeps its dtype through
 * neg/abs/sign/square (wrapping like C); logicalNot maps bool 0/1.
 *
 * @example
 * ```ts
 * const y = unary(ctx, 'exp', x, { shape: x.shape, dtype: 'float32' });
 * ```
 */
export function unary(ctx: KernelContext, op: UnaryOp, x: Operand, out: TensorInfo): Handle {
  const { handle, buffer } = output(ctx, out);
  if (!buffer) return handle;
  const n = out.shape.reduce((a, b) => a * b, 1);
  const inT = wgslType(x.dtype);
  const outT = wgslType(out.dtype);
  let expr: string;
  let load = 'xs[i]';
  if (op === 'logicalNot') expr = `select(0u, 1u, v == ${inT}(0))`;
  else if (out.dtype === 'int32') {
    const f = INT[op];
    if (!f) throw new Error(`webgpu: unary '${op}' has no int32 form`);
    expr = f;
  } else {
    expr = FLOAT[op];
    load = 'f32(xs[i])';
  }
  const params = new Params().u32('n', n);
  ctx.rt.run({
    key: `unary:${op}:${inT}:${outT}`,
    source: () => `${header(params, [{ name: 'xs', type: inT }], { name: 'ys', type: outT })}
${UNARY_MATH}
${loop1d(
  'p.n',
  `  let v = ${load};
  ys[i] = ${outT}(${expr});`,
)}`,
    params,
    inputs: [ctx.store.buffer(x)],
    output: buffer,
    workgroups: ctx.rt.groups(n),
  });
  return handle;
}
