/**
 * The Backend contract: the one seam between `@neurona/core` and a compute backend.
 *
 * Memory rules (see `docs/contributing/backend.md`):
 * - A backend creates a {@link Handle} in `upload` or in a kernel, and frees it only in `dispose`.
 * - Kernels never mutate or consume their inputs; each call returns a fresh handle that the caller owns.
 *   The one exception is the optional `optimizerUpdate`, which updates variables' storage in place.
 * - Core validates shapes and dtypes and computes the output {@link TensorInfo} before a kernel runs,
 *   so kernels may trust their arguments.
 *
 * @packageDocumentation
 */
import type { OptimizerRule } from './optimizer-rule.js';

export type { OptimizerRule } from './optimizer-rule.js';

/**
 * Element type of a tensor.
 *
 * @example
 * ```ts
 * const d: nr.DType = 'int32';
 * ```
 */
export type DType = 'float32' | 'int32' | 'bool';

/**
 * Typed array used to hold each {@link DType}: `Float32Array`, `Int32Array`, `Uint8Array` (bool).
 *
 * @example
 * ```ts
 * const a: nr.DataTypeMap['bool'] = new Uint8Array([1, 0]);
 * ```
 */
export interface DataTypeMap {
  float32: Float32Array;
  int32: Int32Array;
  bool: Uint8Array;
}

/**
 * Any of the typed arrays that hold tensor data.
 *
 * @example
 * ```ts
 * const buf: nr.TypedArray = new Float32Array(4);
 * ```
 */
export type TypedArray = Float32Array | Int32Array | Uint8Array;

/**
 * A tensor shape: one non-negative integer per dimension, `[]` for a scalar.
 *
 * @example
 * ```ts
 * const s: nr.Shape = [2, 3];
 * ```
 */
export type Shape = readonly number[];

/**
 * Shape and dtype of a tensor, without its data.
 *
 * @example
 * ```ts
 * const info: nr.TensorInfo = { shape: [2, 2], dtype: 'float32' };
 * ```
 */
export interface TensorInfo {
  readonly shape: Shape;
  readonly dtype: DType;
}

declare const handleBrand: unique symbol;

/**
 * An opaque reference to data stored by a backend. Only the backend that created a handle may look inside;
 * a backend casts its own storage record to `Handle` when it returns one.
 *
 * @example
 * ```ts
 * const h: nr.Handle = backend.upload(new Float32Array([1, 2]), { shape: [2], dtype: 'float32' });
 * ```
 */
export interface Handle {
  readonly [handleBrand]: true;
}

/**
 * A kernel argument: a handle with its (already validated) shape and dtype.
 *
 * @example
 * ```ts
 * const x: nr.Operand = { handle: h, shape: [2], dtype: 'float32' };
 * ```
 */
export interface Operand extends TensorInfo {
  readonly handle: Handle;
}

/**
 * Elementwise unary kernels. Transcendental ops (`exp`, `log`, ...) always produce float32;
 * `neg`, `abs`, `sign`, `square` keep the input dtype; `logicalNot` takes and gives bool.
 * `step` is Heaviside's step as in the course: 1 where x >= 0, else 0 (float32).
 *
 * @example
 * ```ts
 * const op: nr.UnaryOp = 'sigmoid';
 * ```
 */
export type UnaryOp =
  | 'neg'
  | 'abs'
  | 'sign'
  | 'square'
  | 'exp'
  | 'expm1'
  | 'log'
  | 'log1p'
  | 'sqrt'
  | 'rsqrt'
  | 'reciprocal'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'step'
  | 'erf'
  | 'floor'
  | 'ceil'
  | 'round'
  | 'logicalNot';

/**
 * Elementwise binary kernels with NumPy broadcasting. Arithmetic keeps the (common) input dtype;
 * comparisons and logical ops produce bool. `div` on int32 is floor division, as in TensorFlow.js.
 *
 * @example
 * ```ts
 * const op: nr.BinaryOp = 'maximum';
 * ```
 */
export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'mod'
  | 'equal'
  | 'notEqual'
  | 'less'
  | 'lessEqual'
  | 'greater'
  | 'greaterEqual'
  | 'logicalAnd'
  | 'logicalOr';

/**
 * Reductions over the trailing axis. The input is viewed as `[outSize, inner]` with
 * `inner = x.size / outSize`; `argmax`/`argmin` return int32 indices (first occurrence wins).
 * A reduction over zero elements gives the op's identity (0 for sum, 1 for prod, -Inf for max, +Inf for min).
 *
 * @example
 * ```ts
 * const op: nr.ReduceOp = 'sum';
 * ```
 */
export type ReduceOp = 'sum' | 'prod' | 'max' | 'min' | 'argmax' | 'argmin';

/**
 * Geometry of a 2-D convolution in NHWC layout with an `[fh, fw, inC, outC]` filter,
 * computed and checked by core. Padding is explicit (top/left/bottom/right). A depthwise convolution uses the
 * same geometry with a `[fh, fw, inC, multiplier]` filter and `outChannels = inC * multiplier`.
 *
 * @example
 * ```ts
 * const info = nr.conv2dInfo([1, 5, 5, 1], [3, 3, 1, 2], [1, 1], 'same', [1, 1]);
 * ```
 */
export interface Conv2DInfo {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly outChannels: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly dilationHeight: number;
  readonly dilationWidth: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly padBottom: number;
  readonly padRight: number;
}

/**
 * Geometry of a 2-D pooling window in NHWC layout (channels are pooled independently).
 * Average pooling divides by the number of in-bounds elements of each window (padding excluded).
 *
 * @example
 * ```ts
 * const info = nr.pool2dInfo([1, 4, 4, 3], [2, 2], [2, 2], 'valid');
 * ```
 */
export interface Pool2DInfo {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly channels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly padTop: number;
  readonly padLeft: number;
  readonly padBottom: number;
  readonly padRight: number;
}

/**
 * The primitive kernels every backend must provide. Everything else in core is written from these.
 * Output metadata (`out`) is computed and validated by core.
 *
 * @example
 * ```ts
 * const y = backend.kernels.unary('exp', x, { shape: x.shape, dtype: 'float32' });
 * ```
 */
export interface RequiredKernels {
  /** Elementwise unary op; `out.shape` equals `x.shape`. */
  unary(op: UnaryOp, x: Operand, out: TensorInfo): Handle;
  /** Elementwise binary op with broadcasting; `a` and `b` share a dtype; `out.shape` is the broadcast shape. */
  binary(op: BinaryOp, a: Operand, b: Operand, out: TensorInfo): Handle;
  /** `cond ? a : b` elementwise with broadcasting of all three; `cond` is bool. */
  where(cond: Operand, a: Operand, b: Operand, out: TensorInfo): Handle;
  /** Convert to `out.dtype` (to bool: x != 0; float to int32: truncation toward zero). */
  cast(x: Operand, out: TensorInfo): Handle;
  /** Reduce the trailing `x.size / size(out)` elements of each row (see {@link ReduceOp}). */
  reduce(op: ReduceOp, x: Operand, out: TensorInfo): Handle;
  /** Permute axes: `out.shape[i] = x.shape[perm[i]]`. */
  transpose(x: Operand, perm: readonly number[], out: TensorInfo): Handle;
  /** Contiguous slice starting at `begin` with size `out.shape`. */
  slice(x: Operand, begin: readonly number[], out: TensorInfo): Handle;
  /** Constant padding: `paddings[i] = [before, after]` for axis i. */
  pad(x: Operand, paddings: readonly (readonly [number, number])[], value: number, out: TensorInfo): Handle;
  /** Join same-rank, same-dtype inputs along `axis`. */
  concat(xs: readonly Operand[], axis: number, out: TensorInfo): Handle;
  /** Take slices of `x` along `axis` at int32 `indices` (any shape); out shape is
   * `x.shape[:axis] + indices.shape + x.shape[axis+1:]`. Indices are in range (core checks). */
  gather(x: Operand, indices: Operand, axis: number, out: TensorInfo): Handle;
  /** Batched matrix product of rank-3 operands `[batch, rows, cols]`; a batch of 1 broadcasts.
   * With `transposeA`, `a` is `[batch, K, M]`; with `transposeB`, `b` is `[batch, N, K]`. Out `[batch, M, N]`. */
  matmul(a: Operand, b: Operand, transposeA: boolean, transposeB: boolean, out: TensorInfo): Handle;
}

/**
 * Optional fused kernels. Each has a default in `core/src/composites/` written from primitives, so a
 * missing one costs speed, never correctness. The conformance matrix shows which backend runs which natively.
 *
 * @example
 * ```ts
 * const native = typeof backend.kernels.conv2d === 'function';
 * ```
 */
export interface FusedKernels {
  /** NHWC convolution, float32. `out` is `[batch, outHeight, outWidth, outChannels]`. */
  conv2d(x: Operand, filter: Operand, info: Conv2DInfo, out: TensorInfo): Handle;
  /** Gradient of conv2d with respect to its input, given `dy` and the filter. */
  conv2dGradInput(dy: Operand, filter: Operand, info: Conv2DInfo, out: TensorInfo): Handle;
  /** Gradient of conv2d with respect to its filter, given the input `x` and `dy`. */
  conv2dGradFilter(x: Operand, dy: Operand, info: Conv2DInfo, out: TensorInfo): Handle;
  /**
   * Depthwise NHWC convolution, float32: `filter` is `[fh, fw, inChannels, multiplier]` and
   * `info.outChannels` is `inChannels * multiplier`; output channel `c * multiplier + m` correlates input
   * channel `c` with `filter[:, :, c, m]`. `out` is `[batch, outHeight, outWidth, outChannels]`.
   */
  depthwiseConv2d(x: Operand, filter: Operand, info: Conv2DInfo, out: TensorInfo): Handle;
  /** Gradient of depthwiseConv2d with respect to its input, given `dy` and the filter. */
  depthwiseConv2dGradInput(dy: Operand, filter: Operand, info: Conv2DInfo, out: TensorInfo): Handle;
  /** Gradient of depthwiseConv2d with respect to its `[fh, fw, inChannels, multiplier]` filter, given `x` and `dy`. */
  depthwiseConv2dGradFilter(x: Operand, dy: Operand, info: Conv2DInfo, out: TensorInfo): Handle;
  /** Max pooling; padded positions never win. */
  maxPool(x: Operand, info: Pool2DInfo, out: TensorInfo): Handle;
  /** Routes each `dy` element to the first maximum of its window in `x`. */
  maxPoolGrad(dy: Operand, x: Operand, info: Pool2DInfo, out: TensorInfo): Handle;
  /** Average pooling over in-bounds elements. */
  avgPool(x: Operand, info: Pool2DInfo, out: TensorInfo): Handle;
  /** Spreads each `dy` element evenly over the in-bounds elements of its window. */
  avgPoolGrad(dy: Operand, info: Pool2DInfo, out: TensorInfo): Handle;
  /** Softmax over the last axis. */
  softmax(logits: Operand, out: TensorInfo): Handle;
  /** Log-softmax over the last axis (computed stably). */
  logSoftmax(logits: Operand, out: TensorInfo): Handle;
  /** Sums rows of `x` (along axis 0) into `numSegments` buckets given by int32 `segmentIds` of shape `[x.shape[0]]`. */
  unsortedSegmentSum(x: Operand, segmentIds: Operand, numSegments: number, out: TensorInfo): Handle;
  /**
   * One optimizer step over every parameter at once, IN PLACE: the one exception to "kernels never mutate
   * their inputs". Overwrites the data of `params[i]` and `slots[i][k]` (float32, each shaped like
   * `grads[i]`); `grads` are read only. Core guarantees every written handle is owned by exactly one
   * variable (it copies shared storage first) and appears once. See {@link OptimizerRule}.
   */
  optimizerUpdate(
    rule: OptimizerRule,
    params: readonly Operand[],
    grads: readonly Operand[],
    slots: readonly (readonly Operand[])[],
  ): void;
  /** Per-row softmax cross-entropy: float32 `logits` `[n, c]`, int32 `labels` `[n]`; out `[n]`. A label outside `[0, c)` gives NaN. */
  sparseSoftmaxCrossEntropy(logits: Operand, labels: Operand, out: TensorInfo): Handle;
  /** Its gradient for the logits: `dy[i] * (softmax(logits[i]) - onehot(labels[i]))`; a NaN row for a bad label. */
  sparseSoftmaxCrossEntropyGrad(dy: Operand, logits: Operand, labels: Operand, out: TensorInfo): Handle;
  /** LSTM (tanh, sigmoid gates) over a whole sequence; see {@link RnnSequenceInfo} for the layouts. */
  lstmSequence(xw: Operand, recurrentKernel: Operand, info: RnnSequenceInfo, out: TensorInfo): Handle;
  /** Gradient of lstmSequence: `[batch, time, 4u]` pre-activation gate gradients from the h part of `dPacked`. */
  lstmSequenceGrad(
    dPacked: Operand,
    packed: Operand,
    recurrentKernel: Operand,
    info: RnnSequenceInfo,
    out: TensorInfo,
  ): Handle;
  /** GRU (tanh, sigmoid gates) over a whole sequence; `recurrentBias` `[3u]` only with `resetAfter` and a bias. */
  gruSequence(
    xw: Operand,
    recurrentKernel: Operand,
    recurrentBias: Operand | null,
    info: RnnSequenceInfo,
    out: TensorInfo,
  ): Handle;
  /** Gradient of gruSequence: `[batch, time, 4u]` = d(z, r, candidate pre-activations), d(recurrent candidate term). */
  gruSequenceGrad(
    dPacked: Operand,
    packed: Operand,
    recurrentKernel: Operand,
    info: RnnSequenceInfo,
    out: TensorInfo,
  ): Handle;
  /** SimpleRNN with tanh over a whole sequence: `packed [batch, time, u]` is `h` of every step. */
  rnnSequence(xw: Operand, recurrentKernel: Operand, info: RnnSequenceInfo, out: TensorInfo): Handle;
  /** Gradient of rnnSequence: `[batch, time, u]` pre-activation gradients from `dPacked`. */
  rnnSequenceGrad(
    dPacked: Operand,
    packed: Operand,
    recurrentKernel: Operand,
    info: RnnSequenceInfo,
    out: TensorInfo,
  ): Handle;
  /** `activation(matmul(a, b) + bias)` with `matmul`'s operands; `bias` is `[N]` (one value per column) or null,
   * `activation` is applied in the same output pass. */
  matmulBiasActivation(
    a: Operand,
    b: Operand,
    bias: Operand | null,
    activation: 'linear' | 'relu',
    transposeA: boolean,
    transposeB: boolean,
    out: TensorInfo,
  ): Handle;
  /**
   * `activation((x - mean) * scale + offset)` in one pass, float32: `mean`, `scale` and `offset` are `[C]`
   * vectors over the last axis of `x` (C = `x.shape[rank - 1]`), or null (0, 1 and 0). `'relu6'` clamps
   * to [0, 6]. Batch normalisation at inference and ReLU6 run on it.
   */
  channelAffine(
    x: Operand,
    mean: Operand | null,
    scale: Operand | null,
    offset: Operand | null,
    activation: 'linear' | 'relu6',
    out: TensorInfo,
  ): Handle;
  /**
   * The ReLU gradient in one pass, float32: `dy` where `y > 0`, else 0 (NaN in `y` gives 0, as `y > 0` is false).
   * `dy` and `y` have the output's shape; `y` is the ReLU's input or its output (both are positive at the same places).
   */
  reluGrad(dy: Operand, y: Operand, out: TensorInfo): Handle;
  /** `activation(conv2d(x, filter) + bias)`; `bias` is `[outChannels]` or null, fused into the output pass. */
  conv2dBiasActivation(
    x: Operand,
    filter: Operand,
    bias: Operand | null,
    activation: 'linear' | 'relu',
    info: Conv2DInfo,
    out: TensorInfo,
  ): Handle;
}

/**
 * Geometry of a fused recurrent sequence kernel. The input projection `xw = x·W + b` is `[batch, time, k·u]`
 * (gate blocks in Keras order); step `s` reads time `t = goBackwards ? time-1-s : s` and the state of step
 * `s-1` (zeros before the first step). The forward kernels return `packed` `[batch, time, K·u]`, written at
 * the time each step read, holding the blocks the backward pass needs:
 * LSTM (K=7): `h, c, i, f, g, o, tanh(c)` (gates after activation);
 * GRU (K=5): `h, z, r, ĥ, e` with `e = h_prev·U_h + b_h` (`resetAfter`) or `r⊙h_prev`;
 * SimpleRNN with tanh (k=1, K=1): `h`.
 * The gradient kernels read only the `h` block of `dPacked`.
 *
 * @example
 * ```ts
 * const info: nr.RnnSequenceInfo = { batch: 32, time: 50, units: 64, goBackwards: false, resetAfter: false };
 * ```
 */
export interface RnnSequenceInfo {
  readonly batch: number;
  readonly time: number;
  readonly units: number;
  readonly goBackwards: boolean;
  /** GRU only: the reset gate multiplies `h_prev·U_h + b_h` (Keras `reset_after`). */
  readonly resetAfter: boolean;
}

/**
 * Every kernel name of the contract, required or fused.
 *
 * @example
 * ```ts
 * const k: nr.KernelName = 'conv2d';
 * ```
 */
export type KernelName = keyof RequiredKernels | keyof FusedKernels;

/**
 * The kernel table a backend provides: all required kernels, any subset of the fused ones.
 *
 * @example
 * ```ts
 * const kernels = { ...requiredKernels, conv2d } satisfies nr.Kernels;
 * ```
 */
export type Kernels = RequiredKernels & Partial<FusedKernels>;

/**
 * The fused recurrent sequence kernels, whose layouts {@link RnnSequenceInfo} describes.
 *
 * @example
 * ```ts
 * type Native = Omit<nr.FusedKernels, nr.SequenceKernelName>; // a backend leaving them to core's composites
 * ```
 */
export type SequenceKernelName =
  | 'rnnSequence'
  | 'rnnSequenceGrad'
  | 'lstmSequence'
  | 'lstmSequenceGrad'
  | 'gruSequence'
  | 'gruSequenceGrad';

/**
 * Live storage held by a backend.
 *
 * @example
 * ```ts
 * const { handles, bytes } = backend.stats();
 * ```
 */
export interface BackendStats {
  readonly handles: number;
  readonly bytes: number;
}

/**
 * A compute backend: storage plus kernels. A plain object that `satisfies Backend`.
 *
 * @example
 * ```ts
 * import * as nr from '@neurona/core';
 * import { cpu } from '@neurona/backend-cpu';
 * await nr.setBackend(cpu());
 * ```
 */
export interface Backend {
  /** Short name shown in errors and in the conformance matrix, e.g. `'cpu'`. */
  readonly name: string;
  /** Copy host data into a new handle. `data.length` equals the size of `info.shape`. */
  upload(data: TypedArray, info: TensorInfo): Handle;
  /** Read a handle's data (a fresh copy the caller may keep). */
  read(handle: Handle): Promise<TypedArray>;
  /** Synchronous read, only where the backend can (CPU, WASM; never WebGPU). */
  readSync?(handle: Handle): TypedArray;
  /** Free a handle. Called exactly once per handle by core. */
  dispose(handle: Handle): void;
  /** Live handles and bytes. */
  stats(): BackendStats;
  /** The kernel table. */
  readonly kernels: Kernels;
  /** Optional one-time asynchronous set-up, awaited by `setBackend`. */
  init?(): Promise<void>;
}
