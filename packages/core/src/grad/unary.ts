import type { UnaryOp } from '../backend/types.js';
import type { GradFn } from '../engine/engine.js';
import { add, div, mul, sub } from '../ops/binary.js';
import { zerosLike } from '../ops/creation.js';
import { reluGrad } from '../ops/relu-grad.js';
import { exp, neg, sign, square } from '../ops/unary.js';

const zero: GradFn = (dy) => [zerosLike(dy)];

/**
 * Derivative rules of the elementwise unary kernels (`y = f(x)`, returns dL/dx = dL/dy * f'(x)).
 *
 * @internal
 */
export const unaryGrads: Record<UnaryOp, GradFn | undefined> = {
  neg: (dy) => [neg(dy)],
  abs: (dy, [x]) => [mul(dy, sign(x!))],
  sign: zero,
  square: (dy, [x]) => [mul(dy, mul(x!, 2))],
  exp: (dy, _x, y) => [mul(dy, y)],
  expm1: (dy, _x, y) => [mul(dy, add(y, 1))],
  log: (dy, [x]) => [div(dy, x!)],
  log1p: (dy, [x]) => [div(dy, add(x!, 1))],
  sqrt: (dy, _x, y) => [div(dy, mul(y, 2))],
  rsqrt: (dy, _x, y) => [mul(dy, mul(mul(y, square(y)), -0.5))],
  reciprocal: (dy, _x, y) => [neg(mul(dy, square(y)))],
  sigmoid: (dy, _x, y) => [mul(dy, mul(y, sub(1, y)))],
  tanh: (dy, _x, y) => [mul(dy, sub(1, square(y)))],
  relu: (dy, [x]) => [reluGrad(dy, x!)],
  step: zero,
  erf: (dy, [x]) => [mul(dy, mul(exp(neg(square(x!))), 2 / Math.sqrt(Math.PI)))],
  floor: zero,
  ceil: zero,
  round: zero,
  logicalNot: undefined,
};
