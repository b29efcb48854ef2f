/**
 * Fused "product + bias + activation" ops: one kernel writes `activation(a·b + bias)` or
 * `activation(conv2d(x, w) + bias)` in its output pass, where a backend has it (`matmulBiasActivation`,
 * `conv2dBiasActivation`); elsewhere the composite of matMul/conv2d, add and relu runs. Dense and Conv2D
 * layers use them.
 *
 * @packageDocumentation
 */
import type { Conv2DInfo, TensorInfo } from '../backend/types.js';
import { runFused } from '../composites/dispatch.js';
import { conv2dBiasActivationComposite, matmulBiasActivationComposite } from '../composites/fused.js';
import type { Tensor } from '../engine/tensor.js';
import { conv2dBiasActivationGrad, matmulBiasActivationGrad } from '../grad/fused.js';
import { conv2dInfo, type Padding } from './conv.js';
import { reshape } from './shape.js';
import { convert, fmt, op, type TensorOrLike } from './util.js';

/**
 * Activations a fused kernel applies in its output pass (others run as a separate op after `'linear'`).
 *
 * @example
 * ```ts
 * const act: nr.FusedActivation = 'relu';
 * ```
 */
export type FusedActivation = 'linear' | 'relu';

/**
 * Arguments of {@link fusedMatMul}.
 *
 * @example
 * ```ts
 * const args: nr.FusedMatMulArgs = { a: nr.ones([2, 3]), b: nr.ones([3, 4]), bias: nr.zeros([4]), activation: 'relu' };
 * ```
 */
export interface FusedMatMulArgs {
  /** `[M, K]` (or `[K, M]` with `transposeA`), float32. */
  a: TensorOrLike;
  /** `[K, N]` (or `[N, K]` with `transposeB`), float32. */
  b: TensorOrLike;
  /** `[N]`, added to every row (default none). */
  bias?: TensorOrLike | null;
  /** Default `'linear'`. */
  activation?: FusedActivation;
  transposeA?: boolean;
  transposeB?: boolean;
}

/**
 * Arguments of {@link fusedConv2d}.
 *
 * @example
 * ```ts
 * const args: nr.FusedConv2DArgs = { x: nr.ones([1, 4, 4, 1]), filter: nr.ones([3, 3, 1, 2]), bias: [0, 1], activation: 'relu' };
 * ```
 */
export interface FusedConv2DArgs {
  /** NHWC images `[batch, height, width, inChannels]` (or unbatched rank 3), float32. */
  x: TensorOrLike;
  /** `[filterHeight, filterWidth, inChannels, outChannels]`, float32. */
  filter: TensorOrLike;
  /** `[outChannels]` (default none). */
  bias?: TensorOrLike | null;
  /** Default `'linear'`. */
  activation?: FusedActivation;
  /** Default 1. */
  strides?: number | readonly [number, number];
  /** Default `'valid'`. */
  padding?: Padding;
  /** Default 1. */
  dilations?: number | readonly [number, number];
}

function checkActivation(activation: unknown, name: string): FusedActivation {
  if (activation !== 'linear' && activation !== 'relu') {
    throw new Error(`${name}: activation must be 'linear' or 'relu', got ${JSON.stringify(activation)}`);
  }
  return activation;
}

function checkFloat(t: Tensor, name: string, arg: string): void {
  if (t.dtype !== 'float32') throw new Error(`${name}: argument '${arg}' must be float32, got ${t.dtype}`);
}

function convertBias(bias: TensorOrLike | null | undefined, size: number, name: string): Tensor | null {
  if (bias === null || bias === undefined) return null;
  const t = convert(bias, name, 'bias', 'float32');
  checkFloat(t, name, 'bias');
  if (t.rank !== 1 || t.shape[0] !== size) {
    throw new Error(
      `${name}: bias must have shape [${size}] (one value per output column), got ${fmt(t.shape)}`,
    );
  }
  return t;
}

/**
 * Attributes of the fused matmul node (also read by its gradient rule).
 *
 * @example
 * ```ts
 * const attrs: nr.FusedMatMulAttrs = { activation: 'relu', transposeA: false, transposeB: false };
 * ```
 * @internal
 */
export interface FusedMatMulAttrs {
  readonly activation: FusedActivation;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

/**
 * `activation(a · b + bias)` for rank-2 float32 operands, in one kernel where the backend has
 * `matmulBiasActivation` (the bias add and ReLU happen while the product is written).
 *
 * @example
 * ```ts
 * nr.fusedMatMul({ a: [[1, 2]], b: [[3], [-4]], bias: [1], activation: 'relu' }); // [[0]]
 * nr.fusedMatMul({ a: [[1, 2]], b: [[3], [4]] }); // [[11]]
 * ```
 */
export function fusedMatMul(args: FusedMatMulArgs): Tensor {
  const name = 'fusedMatMul';
  return op(name, () => {
    const activation = checkActivation(args.activation ?? 'linear', name);
    const transposeA = args.transposeA ?? false;
    const transposeB = args.transposeB ?? false;
    const a = convert(args.a, name, 'a', 'float32');
    const b = convert(args.b, name, 'b', 'float32');
    if (a.rank !== 2 || b.rank !== 2) {
      throw new Error(`${name}: a and b must have rank 2, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
    }
    checkFloat(a, name, 'a');
    checkFloat(b, name, 'b');
    const [m, ka] = transposeA ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
    const [kb, n] = transposeB ? [b.shape[1]!, b.shape[0]!] : [b.shape[0]!, b.shape[1]!];
    if (ka !== kb) {
      throw new Error(
        `${name}: inner dimensions differ: a ${fmt(a.shape)}${transposeA ? 'ᵀ' : ''} has ${ka} columns, b ${fmt(b.shape)}${transposeB ? 'ᵀ' : ''} has ${kb} rows`,
      );
    }
    const bias = convertBias(args.bias, n, name);
    const a3 = reshape(a, [1, ...a.shape]);
    const b3 = reshape(b, [1, ...b.shape]);
    const out: TensorInfo = { shape: [1, m, n], dtype: 'float32' };
    const attrs: FusedMatMulAttrs = { activation, transposeA, transposeB };
    const y = runFused({
      name: 'matmulBiasActivation',
      kernel: 'matmulBiasActivation',
      inputs: bias ? [a3, b3, bias] : [a3, b3],
      out,
      attrs,
      run: (be, [ao, bo, biaso]) =>
        be.kernels.matmulBiasActivation!(ao!, bo!, biaso ?? null, activation, transposeA, transposeB, out),
      composite: () => matmulBiasActivationComposite(a3, b3, bias, attrs),
      grad: matmulBiasActivationGrad,
    });
    return reshape(y, [m, n]);
  });
}

/**
 * Attributes of the fused convolution node (also read by its gradient rule).
 *
 * @example
 * ```ts
 * const attrs: nr.FusedConv2DAttrs = { activation: 'linear', info: nr.conv2dInfo([1, 4, 4, 1], [3, 3, 1, 2]) };
 * ```
 * @internal
 */
export interface FusedConv2DAttrs {
  readonly activation: FusedActivation;
  readonly info: Conv2DInfo;
}

/**
 * `activation(conv2d(x, filter) + bias)` (NHWC, float32), in one kernel where the backend has
 * `conv2dBiasActivation`. Arguments as {@link conv2d}, plus a per-channel bias and the activation.
 *
 * @example
 * ```ts
 * const y = nr.fusedConv2d({ x: nr.ones([1, 4, 4, 1]), filter: nr.ones([3, 3, 1, 2]), bias: [-9.5, 0], activation: 'relu', padding: 'valid' });
 * // shape [1, 2, 2, 2]: channel 0 is 0 (9 - 9.5 clipped), channel 1 is 9
 * ```
 */
export function fusedConv2d(args: FusedConv2DArgs): Tensor {
  const name = 'fusedConv2d';
  return op(name, () => {
    const activation = checkActivation(args.activation ?? 'linear', name);
    const x = convert(args.x, name, 'x', 'float32');
    const filter = convert(args.filter, name, 'filter', 'float32');
    const info = conv2dInfo(
      x.shape,
      filter.shape,
      args.strides ?? 1,
      args.padding ?? 'valid',
      args.dilations ?? 1,
    );
    checkFloat(x, name, 'x');
    checkFloat(filter, name, 'filter');
    const bias = convertBias(args.bias, info.outChannels, name);
    const x4 = x.rank === 3 ? reshape(x, [1, ...x.shape]) : x;
    const out: TensorInfo = {
      shape: [info.batch, info.outHeight, info.outWidth, info.outChannels],
      dtype: 'float32',
    };
    const attrs: FusedConv2DAttrs = { activation, info };
    const y = runFused({
      name: 'conv2dBiasActivation',
      kernel: 'conv2dBiasActivation',
      inputs: bias ? [x4, filter, bias] : [x4, filter],
      out,
      attrs,
      run: (be, [xo, fo, biaso]) =>
        be.kernels.conv2dBiasActivation!(xo!, fo!, biaso ?? null, activation, info, out),
      composite: () => conv2dBiasActivationComposite(x4, filter, bias, attrs),
      grad: conv2dBiasActivationGrad,
    });
    return x.rank === 3 ? reshape(y, out.shape.slice(1)) : y;
  });
}
