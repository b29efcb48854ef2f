/**
 * Elementwise unary kernels: each maps onto one tfjs-wasm kernel, except `step` (composed, because
 * tfjs's `Step` gives 0 at x = 0 where ours gives 1) and `log1p` (tfjs-wasm computes `log(1 + x)`, which
 * loses every digit for tiny x; ours runs `Math.log1p` on the heap).
 *
 * @packageDocumentation
 */
import type { TensorInfo, UnaryOp } from '@neurona/core';
import type { Runner, TfInfo } from '../runner.js';
import { cast } from './cast.js';

/** Our unary ops that are one tfjs-wasm kernel of the same meaning. */
const NATIVE: Readonly<Record<Exclude<UnaryOp, 'step' | 'log1p'>, string>> = {
  neg: 'Neg',
  abs: 'Abs',
  sign: 'Sign',
  square: 'Square',
  exp: 'Exp',
  expm1: 'Expm1',
  log: 'Log',
  sqrt: 'Sqrt',
  rsqrt: 'Rsqrt',
  reciprocal: 'Reciprocal',
  sigmoid: 'Sigmoid',
  tanh: 'Tanh',
  relu: 'Relu',
  erf: 'Erf',
  floor: 'Floor',
  ceil: 'Ceil',
  round: 'Round',
  logicalNot: 'LogicalNot',
};

/**
 * Elementwise unary op. Integer input of a float op (exp, log, ...) is converted to float32 first, so the
 * result always has `out.dtype`.
 *
 * @example
 * ```ts
 * const y = unary(tw, 'exp', x, { shape: x.shape, dtype: 'float32' });
 * ```
 */
export function unary(tw: Runner, op: UnaryOp, x: TfInfo, out: TensorInfo): TfInfo {
  const input = x.dtype === out.dtype || op === 'logicalNot' ? x : cast(tw, x, out.dtype);
  try {
    if (op === 'step') return step(tw, input);
    if (op === 'log1p') return log1p(tw, input);
    return tw.run(NATIVE[op], { x: input });
  } finally {
    if (input !== x) tw.free(input);
  }
}

/** Heaviside step, 1 where x >= 0: `1 - Step(-x)` (tfjs `Step` is 1 where x > 0; NaN stays NaN). */
function step(tw: Runner, x: TfInfo): TfInfo {
  const negated = tw.run('Neg', { x });
  const below = tw.run('Step', { x: negated }, { alpha: 0 });
  const one = tw.fill([], 'float32', 1);
  try {
    return tw.run('Sub', { a: one, b: below });
  } finally {
    tw.free(negated, below, one);
  }
}

/** `log(1 + x)` accurate near 0: `Math.log1p` in double precision over the heap. */
function log1p(tw: Runner, x: TfInfo): TfInfo {
  const y = tw.empty(x.shape, 'float32');
  const o = tw.heap(y);
  const a = tw.heap(x);
  for (let i = 0; i < o.length; i++) o[i] = Math.log1p(a[i]!);
  return y;
}
