import type { Tensor } from '../engine/tensor.js';
import { binary } from './elementwise.js';
import type { TensorOrLike } from './util.js';

/**
 * a + b with broadcasting.
 *
 * @example
 * ```ts
 * nr.add([1, 2], 10); // [11, 12]
 * ```
 */
export const add = (a: TensorOrLike, b: TensorOrLike): Tensor => binary('add', a, b);
/**
 * a - b with broadcasting.
 *
 * @example
 * ```ts
 * nr.sub([5, 6], [1, 2]); // [4, 4]
 * ```
 */
export const sub = (a: TensorOrLike, b: TensorOrLike): Tensor => binary('sub', a, b);
/**
 * a * b elementwise with broadcasting.
 *
 * @example
 * ```ts
 * nr.mul([[1], [2]], [3, 4]); // [[3, 4], [6, 8]]
 * ```
 */
export const mul = (a: TensorOrLike, b: TensorOrLike): Tensor => binary('mul', a, b);
/**
 * a / b with broadcasting (int32: floor division).
 *
 * @example
 * ```ts
 * nr.div([1, 2], 4); // [0.25, 0.5]
 * ```
 */
export const div = (a: TensorOrLike, b: TensorOrLike): Tensor => binary('div', a, b);
/**
 * aᵇ with broadcasting.
 *
 * @example
 * ```ts
 * nr.pow([2, 3], 2); // [4, 9]
 * ```
 */
export const pow = (a: TensorOrLike, b: TensorOrLike): Tensor => binary('pow', a, b);
/**
 * Elementwise maximum (the gradient goes to `a` on ties).
 *
 * @example
 * ```ts
 * nr.maximum([1, 5], [3, 2]); // [3, 5]
 * ```
 */
export const maximum = (a: TensorOrLike, b: TensorOrLike): Tensor => binary('maximum', a, b);
/**
 * Elementwise minimum (the gradient goes to `a` on ties).
 *
 * @example
 * ```ts
 * nr.minimum([1, 5], [3, 2]); // [1, 2]
 * ```
 */
export const minimum = (a: TensorOrLike, b: TensorOrLike): Tensor => binary('minimum', a, b);
/**
 * Remainder with the sign of the divisor (floor modulo).
 *
 * @example
 * ```ts
 * nr.mod([5, -5], 3); // [2, 1]
 * ```
 */
export const mod = (a: TensorOrLike, b: TensorOrLike): Tensor => binary('mod', a, b);
/**
 * a == b (bool).
 *
 * @example
 * ```ts
 * nr.equal([1, 2], [1, 3]); // [true, false]
 * ```
 */
export const equal = (a: TensorOrLike, b: TensorOrLike): Tensor => binary('equal', a, b);
/**
 * a != b (bool).
 *
 * @example
 * ```ts
 * nr.notEqual([1, 2], [1, 3]); // [false, true]
 * ```
 */
export const notEqual = (a: TensorOrLike, b: TensorOrLike): Tensor => binary('notEqual', a, b);
/**
 * a < b (bool).
 *
 * @example
 * ```ts
 * nr.less([1, 3], 2); // [true, false]
 * ```
 */
export const less = (a: TensorOrLike, b: TensorOrLike): Tensor => binary('less', a, b);
/**
 * a <= b (bool).
 *
 * @example
 * ```ts
 * nr.lessEqual([1, 2], 2); // [true, true]
 * ```
 */
export const lessEqual = (a: TensorOrLike, b: TensorOrLike): Tensor => binary('lessEqual', a, b);
/**
 * a > b (bool).
 *
 * @example
 * ```ts
 * nr.greater([1, 3], 2); // [false, true]
 * ```
 */
export const greater = (a: TensorOrLike, b: TensorOrLike): Tensor => binary('greater', a, b);
/**
 * a >= b (bool).
 *
 * @example
 * ```ts
 * nr.greaterEqual([1, 2], 2); // [false, true]
 * ```
 */
export const greaterEqual = (a: TensorOrLike, b: TensorOrLike): Tensor => binary('greaterEqual', a, b);
/**
 * Logical AND of bool tensors.
 *
 * @example
 * ```ts
 * nr.logicalAnd([true, true], [true, false]); // [true, false]
 * ```
 */
export const logicalAnd = (a: TensorOrLike, b: TensorOrLike): Tensor => binary('logicalAnd', a, b);
/**
 * Logical OR of bool tensors.
 *
 * @example
 * ```ts
 * nr.logicalOr([true, false], [false, false]); // [true, false]
 * ```
 */
export const logicalOr = (a: TensorOrLike, b: TensorOrLike): Tensor => binary('logicalOr', a, b);
