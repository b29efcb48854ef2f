import type { Tensor } from '../engine/tensor.js';
import { add, div, greater, maximum, minimum, mul } from './binary.js';
import { channelAffine } from './channel-affine.js';
import { cast } from './shape.js';
import { abs, erf, exp, expm1, log1p, neg, relu, sigmoid, tanh } from './unary.js';
import { convert, op, type TensorOrLike } from './util.js';
import { where } from './where.js';

/** Convert to a float32 tensor (int32 is cast; bool is rejected). */
function floatInput(xLike: TensorOrLike, name: string): Tensor {
  const x = convert(xLike, name, 'x');
  if (x.dtype === 'bool') throw new Error(`${name}: argument 'x' must be float32 or int32, got bool`);
  return x.dtype === 'float32' ? x : cast(x, 'float32');
}

function checkNumber(v: number, name: string, arg: string): void {
  if (typeof v !== 'number' || Number.isNaN(v))
    throw new Error(`${name}: '${arg}' must be a number, got ${v}`);
}

/**
 * Clamp every element to `[min, max]`. The gradient is 1 where `min <= x <= max` and 0 elsewhere.
 * int32 input stays int32.
 *
 * @example
 * ```ts
 * nr.clipByValue([-2, 0.5, 3], -1, 1); // [-1, 0.5, 1]
 * ```
 */
export function clipByValue(xLike: TensorOrLike, min: number, max: number): Tensor {
  return op('clipByValue', () => {
    const x = convert(xLike, 'clipByValue', 'x');
    if (x.dtype === 'bool') throw new Error(`clipByValue: argument 'x' must be float32 or int32, got bool`);
    checkNumber(min, 'clipByValue', 'min');
    checkNumber(max, 'clipByValue', 'max');
    if (min > max) throw new Error(`clipByValue: min (${min}) must not exceed max (${max})`);
    // maximum and minimum send the gradient to their first argument on ties, so the bounds pass it.
    return minimum(maximum(x, min), max);
  });
}

/**
 * ReLU capped at 6: min(max(x, 0), 6), in one pass ({@link channelAffine}). Gradient 1 on (0, 6], else 0.
 *
 * @example
 * ```ts
 * nr.relu6([-1, 3, 8]); // [0, 3, 6]
 * ```
 */
export function relu6(xLike: TensorOrLike): Tensor {
  return op('relu6', () => channelAffine({ x: floatInput(xLike, 'relu6'), activation: 'relu6' }));
}

/**
 * Hard sigmoid, the piecewise-linear sigmoid of Keras 2 and TensorFlow.js (their LSTM/GRU default
 * recurrent activation): `clip(0.2 * x + 0.5, 0, 1)`. Gradient 0.2 on (-2.5, 2.5), else 0.
 *
 * @example
 * ```ts
 * nr.hardSigmoid([-3, 0, 1, 3]); // [0, 0.5, 0.7, 1]
 * ```
 */
export function hardSigmoid(xLike: TensorOrLike): Tensor {
  return op('hardSigmoid', () => minimum(relu(add(mul(floatInput(xLike, 'hardSigmoid'), 0.2), 0.5)), 1));
}

/**
 * Leaky ReLU: x where x > 0, else `alpha * x`.
 *
 * @example
 * ```ts
 * nr.leakyRelu([-1, 2]);      // [-0.2, 2]
 * nr.leakyRelu([-1, 2], 0.1); // [-0.1, 2]
 * ```
 */
export function leakyRelu(xLike: TensorOrLike, alpha = 0.2): Tensor {
  return op('leakyRelu', () => {
    checkNumber(alpha, 'leakyRelu', 'alpha');
    const x = floatInput(xLike, 'leakyRelu');
    return where(greater(x, 0), x, mul(x, alpha));
  });
}

/**
 * Parametric ReLU: x where x > 0, else `alpha * x`, with `alpha` a tensor broadcast against `x` (a learned
 * slope per channel in the `PReLU` layer). Gradients flow to both `x` and `alpha`.
 *
 * @example
 * ```ts
 * nr.prelu([[-1, 2], [-4, 3]], [0.1, 0.5]); // [[-0.1, 2], [-0.4, 3]]
 * ```
 */
export function prelu(xLike: TensorOrLike, alphaLike: TensorOrLike): Tensor {
  return op('prelu', () => {
    const x = floatInput(xLike, 'prelu');
    const alpha = convert(alphaLike, 'prelu', 'alpha');
    if (alpha.dtype !== 'float32')
      throw new Error(`prelu: argument 'alpha' must be float32, got ${alpha.dtype}`);
    return where(greater(x, 0), x, mul(x, alpha));
  });
}

/** alpha * (e^min(x, 0) - 1): the negative branch of ELU, finite (with finite gradient) for any x. */
function eluNegative(x: Tensor, alpha: number): Tensor {
  return mul(expm1(minimum(x, 0)), alpha);
}

/**
 * Exponential linear unit: x where x > 0, else `alpha * (eˣ - 1)` (computed with expm1).
 *
 * @example
 * ```ts
 * nr.elu([-1, 2]); // [-0.632..., 2]
 * ```
 */
export function elu(xLike: TensorOrLike, alpha = 1): Tensor {
  return op('elu', () => {
    checkNumber(alpha, 'elu', 'alpha');
    const x = floatInput(xLike, 'elu');
    return where(greater(x, 0), x, eluNegative(x, alpha));
  });
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/**
 * Scaled ELU (Klambauer et al., 2017): `scale * elu(x, alpha)` with the Keras constants
 * alpha = 1.6732632423543772 and scale = 1.0507009873554805.
 *
 * @example
 * ```ts
 * nr.selu([-1, 1]); // [-1.111..., 1.0507...]
 * ```
 */
export function selu(xLike: TensorOrLike): Tensor {
  return op('selu', () => {
    const x = floatInput(xLike, 'selu');
    return mul(where(greater(x, 0), x, eluNegative(x, SELU_ALPHA)), SELU_SCALE);
  });
}

/**
 * Softplus ln(1 + eˣ), computed stably as relu(x) + ln(1 + e^-|x|). Its gradient is sigmoid(x).
 *
 * @example
 * ```ts
 * nr.softplus([0, 100]); // [0.693..., 100]
 * ```
 */
export function softplus(xLike: TensorOrLike): Tensor {
  return op('softplus', () => {
    const x = floatInput(xLike, 'softplus');
    // -|x| as min(x, -x): at x = 0 the tie sends the gradient to x, so d/dx at 0 is 0.5 as it should be.
    return add(relu(x), log1p(exp(minimum(x, neg(x)))));
  });
}

/**
 * Softsign x / (1 + |x|).
 *
 * @example
 * ```ts
 * nr.softsign([-1, 3]); // [-0.5, 0.75]
 * ```
 */
export function softsign(xLike: TensorOrLike): Tensor {
  return op('softsign', () => {
    const x = floatInput(xLike, 'softsign');
    return div(x, add(abs(x), 1));
  });
}

/**
 * Swish (SiLU when beta = 1): x * sigmoid(beta * x).
 *
 * @example
 * ```ts
 * nr.swish([0, 1]); // [0, 0.731...]
 * ```
 */
export function swish(xLike: TensorOrLike, beta = 1): Tensor {
  return op('swish', () => {
    checkNumber(beta, 'swish', 'beta');
    const x = floatInput(xLike, 'swish');
    return mul(x, sigmoid(beta === 1 ? x : mul(x, beta)));
  });
}

/**
 * Gaussian error linear unit. Exact: 0.5·x·(1 + erf(x/√2)); with `approximate`, the tanh form
 * 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
 *
 * @example
 * ```ts
 * nr.gelu([1]);       // [0.8413...]
 * nr.gelu([1], true); // [0.8412...]
 * ```
 */
export function gelu(xLike: TensorOrLike, approximate = false): Tensor {
  return op('gelu', () => {
    const x = floatInput(xLike, 'gelu');
    let inner: Tensor;
    if (approximate) {
      const cube = mul(mul(x, x), x);
      inner = tanh(mul(add(x, mul(cube, 0.044715)), Math.sqrt(2 / Math.PI)));
    } else {
      inner = erf(mul(x, Math.SQRT1_2));
    }
    return mul(mul(x, 0.5), add(inner, 1));
  });
}
