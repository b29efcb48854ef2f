/**
 * Product + bias + activation in one kernel: tfjs-wasm's `_FusedMatMul` and `FusedConv2D`, which hand the
 * bias and the ReLU clamp to XNNPACK's output pass. The rules of `matmul.ts` hold here too: XNNPACK runs
 * only untransposed `[1, rows, K] x [1, K, N]` products, so transposed operands are transposed first (a
 * transposed `b` once per tensor) and a batch of `a` becomes more rows; `b` goes through `asWeights`, since
 * the packed operator is cached by tensor id (with the bias id and the activation) but not by shape.
 * Everything else (int32, empty sizes, a batched `b`) runs our `matmul`/`conv2d` and then `Add` and `Relu`.
 *
 * @packageDocumentation
 */
import type { Conv2DInfo, TensorInfo } from '@neurona/core';
import { type Runner, sizeOf, type TfInfo } from '../runner.js';
import { conv2d } from './conv2d.js';
import { matmul } from './matmul.js';

/**
 * The activations the fused kernels apply (tfjs-wasm `FusableActivation` names).
 *
 * @example
 * ```ts
 * const act: FusedActivation = 'relu';
 * ```
 */
export type FusedActivation = 'linear' | 'relu';

/**
 * `activation(x + bias)` with tfjs-wasm's `Add` and `Relu` (the unfused path); frees `x` when it makes a
 * new tensor.
 */
function epilogue(tw: Runner, x: TfInfo, bias: TfInfo | null, activation: FusedActivation): TfInfo {
  if (sizeOf(x.shape) === 0) return x;
  let y = x;
  if (bias) {
    y = tw.run('Add', { a: x, b: bias });
    tw.free(x);
  }
  if (activation === 'relu') {
    const r = tw.run('Relu', { x: y });
    tw.free(y);
    y = r;
  }
  return y;
}

/**
 * The bias as tfjs-wasm's fused kernels read it: they check the rank recorded when the data was made, so a
 * bias whose data was made with another shape (a reshaped handle) gets a rank-1 copy kept with it.
 */
function rank1(tw: Runner, bias: TfInfo | null): TfInfo | null {
  if (!bias) return null;
  const stored = tw.backend.dataIdMap.get(bias.dataId)?.shape;
  if (stored?.length === 1) return bias;
  return tw.derived(bias, 'bias', () => tw.upload(tw.heap(bias).slice(), [sizeOf(bias.shape)], 'float32'));
}

/**
 * `activation(matmul(a, b) + bias)`: `a` `[batch, M, K]` (`[batch, K, M]` transposed), `b` `[1 or batch, K,
 * N]` (`[.., N, K]` transposed), `bias` `[N]` or null; the result has `out`'s size.
 *
 * @example
 * ```ts
 * const y = matmulBiasActivation(tw, a, w, bias, 'relu', false, false, { shape: [1, 2, 4], dtype: 'float32' });
 * ```
 */
export function matmulBiasActivation(
  tw: Runner,
  a: TfInfo,
  b: TfInfo,
  bias: TfInfo | null,
  activation: FusedActivation,
  transposeA: boolean,
  transposeB: boolean,
  out: TensorInfo,
): TfInfo {
  const k = transposeA ? a.shape[1]! : a.shape[2]!;
  const native =
    a.dtype === 'float32' && (bias === null || bias.dtype === 'float32') && sizeOf(out.shape) > 0 && k > 0;
  if (!native || b.shape[0] !== 1) {
    return epilogue(tw, matmul(tw, a, b, transposeA, transposeB, out), bias, activation);
  }
  const at = transposeA ? tw.run('Transpose', { x: a }, { perm: [0, 2, 1] }) : a;
  // A transposed `b` is usually a weight matrix used again and again: transpose it once.
  const bt = transposeB
    ? tw.derived(b, 'transpose', () => tw.run('Transpose', { x: b }, { perm: [0, 2, 1] }))
    : b;
  try {
    const rows = out.shape[0]! * out.shape[1]!;
    const inputs: Record<string, TfInfo> = { a: tw.view(at, [1, rows, k]), b: tw.asWeights(bt) };
    const b1 = rank1(tw, bias);
    if (b1) inputs.bias = b1;
    return tw.run('_FusedMatMul', inputs, { transposeA: false, transposeB: false, activation });
  } finally {
    if (at !== a) tw.free(at);
  }
}

/**
 * `activation(conv2d(x, filter) + bias)` with the geometry of `info`; `bias` is `[outChannels]` or null.
 *
 * @example
 * ```ts
 * const y = conv2dBiasActivation(tw, x, filter, bias, 'relu', info, out);
 * ```
 */
export function conv2dBiasActivation(
  tw: Runner,
  x: TfInfo,
  filter: TfInfo,
  bias: TfInfo | null,
  activation: FusedActivation,
  info: Conv2DInfo,
  out: TensorInfo,
): TfInfo {
  const native =
    x.dtype === 'float32' &&
    (bias === null || bias.dtype === 'float32') &&
    sizeOf(out.shape) > 0 &&
    sizeOf(filter.shape) > 0;
  if (!native) return epilogue(tw, conv2d(tw, x, filter, info, out), bias, activation);
  const inputs: Record<string, TfInfo> = { x, filter };
  const b1 = rank1(tw, bias);
  if (b1) inputs.bias = b1;
  return tw.run('FusedConv2D', inputs, {
    strides: [info.strideHeight, info.strideWidth],
    pad: [
      [0, 0],
      [info.padTop, info.padBottom],
      [info.padLeft, info.padRight],
      [0, 0],
    ],
    dilations: [info.dilationHeight, info.dilationWidth],
    dataFormat: 'NHWC',
    activation,
  });
}
