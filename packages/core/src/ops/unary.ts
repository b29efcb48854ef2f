import type { Tensor } from '../engine/tensor.js';
import { unary } from './elementwise.js';
import type { TensorOrLike } from './util.js';

/**
 * -x elementwise.
 *
 * @example
 * ```ts
 * nr.neg([1, -2]); // [-1, 2]
 * ```
 */
export const neg = (x: TensorOrLike): Tensor => unary('neg', x);
/**
 * |x| elementwise.
 *
 * @example
 * ```ts
 * nr.abs([-1, 2]); // [1, 2]
 * ```
 */
export const abs = (x: TensorOrLike): Tensor => unary('abs', x);
/**
 * Sign of x: -1, 0 or 1.
 *
 * @example
 * ```ts
 * nr.sign([-3, 0, 2]); // [-1, 0, 1]
 * ```
 */
export const sign = (x: TensorOrLike): Tensor => unary('sign', x);
/**
 * x² elementwise.
 *
 * @example
 * ```ts
 * nr.square([2, 3]); // [4, 9]
 * ```
 */
export const square = (x: TensorOrLike): Tensor => unary('square', x);
/**
 * eˣ elementwise.
 *
 * @example
 * ```ts
 * nr.exp([0, 1]); // [1, 2.718...]
 * ```
 */
export const exp = (x: TensorOrLike): Tensor => unary('exp', x);
/**
 * eˣ - 1, accurate near 0.
 *
 * @example
 * ```ts
 * nr.expm1([1e-7]);
 * ```
 */
export const expm1 = (x: TensorOrLike): Tensor => unary('expm1', x);
/**
 * Natural logarithm.
 *
 * @example
 * ```ts
 * nr.log([1, Math.E]); // [0, 1]
 * ```
 */
export const log = (x: TensorOrLike): Tensor => unary('log', x);
/**
 * ln(1 + x), accurate near 0.
 *
 * @example
 * ```ts
 * nr.log1p([1e-7]);
 * ```
 */
export const log1p = (x: TensorOrLike): Tensor => unary('log1p', x);
/**
 * Square root.
 *
 * @example
 * ```ts
 * nr.sqrt([4, 9]); // [2, 3]
 * ```
 */
export const sqrt = (x: TensorOrLike): Tensor => unary('sqrt', x);
/**
 * 1 / √x.
 *
 * @example
 * ```ts
 * nr.rsqrt([4]); // [0.5]
 * ```
 */
export const rsqrt = (x: TensorOrLike): Tensor => unary('rsqrt', x);
/**
 * 1 / x.
 *
 * @example
 * ```ts
 * nr.reciprocal([2, 4]); // [0.5, 0.25]
 * ```
 */
export const reciprocal = (x: TensorOrLike): Tensor => unary('reciprocal', x);
/**
 * Logistic sigmoid 1 / (1 + e⁻ˣ).
 *
 * @example
 * ```ts
 * nr.sigmoid([0]); // [0.5]
 * ```
 */
export const sigmoid = (x: TensorOrLike): Tensor => unary('sigmoid', x);
/**
 * Hyperbolic tangent.
 *
 * @example
 * ```ts
 * nr.tanh([0]); // [0]
 * ```
 */
export const tanh = (x: TensorOrLike): Tensor => unary('tanh', x);
/**
 * Rectified linear unit max(x, 0).
 *
 * @example
 * ```ts
 * nr.relu([-1, 2]); // [0, 2]
 * ```
 */
export const relu = (x: TensorOrLike): Tensor => unary('relu', x);
/**
 * Heaviside step, as in Rosenblatt's perceptron: 1 where x >= 0, else 0. Its gradient is taken as 0.
 *
 * @example
 * ```ts
 * nr.step([-0.5, 0, 2]); // [0, 1, 1]
 * ```
 */
export const step = (x: TensorOrLike): Tensor => unary('step', x);
/**
 * Gauss error function.
 *
 * @example
 * ```ts
 * nr.erf([0]); // [0]
 * ```
 */
export const erf = (x: TensorOrLike): Tensor => unary('erf', x);
/**
 * Round down (gradient 0).
 *
 * @example
 * ```ts
 * nr.floor([1.7]); // [1]
 * ```
 */
export const floor = (x: TensorOrLike): Tensor => unary('floor', x);
/**
 * Round up (gradient 0).
 *
 * @example
 * ```ts
 * nr.ceil([1.2]); // [2]
 * ```
 */
export const ceil = (x: TensorOrLike): Tensor => unary('ceil', x);
/**
 * Round half to even (gradient 0).
 *
 * @example
 * ```ts
 * nr.round([0.5, 1.5]); // [0, 2]
 * ```
 */
export const round = (x: TensorOrLike): Tensor => unary('round', x);
/**
 * Logical NOT of a bool tensor.
 *
 * @example
 * ```ts
 * nr.logicalNot([true, false]); // [false, true]
 * ```
 */
export const logicalNot = (x: TensorOrLike): Tensor => unary('logicalNot', x);
