/**
 * Which kernels of the Backend contract are required and which are optional fused kernels (each with a
 * composite default in `core/src/composites/`). The conformance matrix and `model.kernelReport()` both read
 * this one table.
 *
 * @packageDocumentation
 */
import type { KernelName } from './types.js';

/**
 * Every kernel name of the Backend contract with its kind: `required` (a key of `RequiredKernels`) or
 * `fused` (a key of `FusedKernels`, optional, with a composite default in core). Typed as a `Record` so
 * that adding a kernel to the contract without listing it here is a compile error.
 *
 * @example
 * ```ts
 * nr.KERNEL_KINDS.conv2d; // 'fused'
 * ```
 */
export const KERNEL_KINDS: Readonly<Record<KernelName, 'required' | 'fused'>> = Object.freeze({
  unary: 'required',
  binary: 'required',
  where: 'required',
  cast: 'required',
  reduce: 'required',
  transpose: 'required',
  slice: 'required',
  pad: 'required',
  concat: 'required',
  gather: 'required',
  matmul: 'required',
  conv2d: 'fused',
  conv2dGradInput: 'fused',
  conv2dGradFilter: 'fused',
  depthwiseConv2d: 'fused',
  depthwiseConv2dGradInput: 'fused',
  depthwiseConv2dGradFilter: 'fused',
  maxPool: 'fused',
  maxPoolGrad: 'fused',
  avgPool: 'fused',
  avgPoolGrad: 'fused',
  softmax: 'fused',
  logSoftmax: 'fused',
  unsortedSegmentSum: 'fused',
  optimizerUpdate: 'fused',
  sparseSoftmaxCrossEntropy: 'fused',
  sparseSoftmaxCrossEntropyGrad: 'fused',
  lstmSequence: 'fused',
  lstmSequenceGrad: 'fused',
  gruSequence: 'fused',
  gruSequenceGrad: 'fused',
  rnnSequence: 'fused',
  rnnSequenceGrad: 'fused',
  matmulBiasActivation: 'fused',
  conv2dBiasActivation: 'fused',
  channelAffine: 'fused',
  reluGrad: 'fused',
});

/**
 * The required kernels, in contract order: every composite is written from these alone, so a backend that
 * has all of them can run every op (fused kernels it lacks run as composites).
 *
 * @example
 * ```ts
 * nr.REQUIRED_KERNELS.includes('matmul'); // true
 * ```
 */
export const REQUIRED_KERNELS: readonly KernelName[] = Object.freeze(
  (Object.keys(KERNEL_KINDS) as KernelName[]).filter((k) => KERNEL_KINDS[k] === 'required'),
);
