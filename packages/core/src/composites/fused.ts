/**
 * Default "product + bias + activation" kernels, written from core ops: matMul or conv2d, then the bias
 * add, then ReLU, as three passes.
 *
 * @packageDocumentation
 */
import type { Tensor } from '../engine/tensor.js';
import { add } from '../ops/binary.js';
import { conv2d } from '../ops/conv.js';
import type { FusedConv2DAttrs, FusedMatMulAttrs } from '../ops/fused.js';
import { matMul } from '../ops/matmul.js';
import { relu } from '../ops/unary.js';

function biasActivation(y: Tensor, bias: Tensor | null, activation: 'linear' | 'relu'): Tensor {
  const z = bias ? add(y, bias) : y;
  return activation === 'relu' ? relu(z) : z;
}

/**
 * matmulBiasActivation from primitives: `activation(matMul(a, b) + bias)` on rank-3 operands.
 *
 * @example
 * ```ts
 * const y = matmulBiasActivationComposite(a3, b3, bias, { activation: 'relu', transposeA: false, transposeB: false });
 * ```
 * @internal
 */
export function matmulBiasActivationComposite(
  a: Tensor,
  b: Tensor,
  bias: Tensor | null,
  attrs: FusedMatMulAttrs,
): Tensor {
  return biasActivation(matMul(a, b, attrs.transposeA, attrs.transposeB), bias, attrs.activation);
}

/**
 * conv2dBiasActivation from primitives: `activation(conv2d(x, filter) + bias)` with the geometry of `info`.
 *
 * @example
 * ```ts
 * const y = conv2dBiasActivationComposite(x4, filter, bias, { activation: 'relu', info });
 * ```
 * @internal
 */
export function conv2dBiasActivationComposite(
  x: Tensor,
  filter: Tensor,
  bias: Tensor | null,
  attrs: FusedConv2DAttrs,
): Tensor {
  const { info } = attrs;
  const y = conv2d(
    x,
    filter,
    [info.strideHeight, info.strideWidth],
    [
      [info.padTop, info.padBottom],
      [info.padLeft, info.padRight],
    ],
    [info.dilationHeight, info.dilationWidth],
  );
  return biasActivation(y, bias, attrs.activation);
}
