/**
 * `@neurona/backend-wasm`: Neurona's Backend contract on the WebAssembly kernels of
 * `@tensorflow/tfjs-backend-wasm` (XNNPACK, SIMD), called directly with tfjs tensor infos as handles.
 * Kernels tfjs-wasm lacks or defines differently are composed here from its other kernels, so every
 * model that trains on the CPU backend trains here, convolutions included.
 *
 * @example
 * ```ts
 * import * as nr from '@neurona/core';
 * import { wasm } from '@neurona/backend-wasm';
 * await nr.setBackend(await wasm());
 * ```
 *
 * @module @neurona/backend-wasm
 * @packageDocumentation
 */
import type {
  Backend,
  FusedKernels,
  Handle,
  Operand,
  RequiredKernels,
  SequenceKernelName,
  TensorInfo,
  TypedArray,
} from '@neurona/core';
import { binary } from './kernels/binary.js';
import { cast } from './kernels/cast.js';
import { conv2d, conv2dGradFilter, conv2dGradInput } from './kernels/conv2d.js';
import { depthwiseConv2d } from './kernels/depthwise-conv2d.js';
import { conv2dBiasActivation, matmulBiasActivation } from './kernels/fused.js';
import { matmul } from './kernels/matmul.js';
import { concat, gather, pad, slice, transpose } from './kernels/movement.js';
import { avgPool, avgPoolGrad, maxPool, maxPoolGrad } from './kernels/pool.js';
import { reduce } from './kernels/reduce.js';
import { unsortedSegmentSum } from './kernels/segment.js';
import { logSoftmax, softmax } from './kernels/softmax.js';
import { unary } from './kernels/unary.js';
import { where } from './kernels/where.js';
import { loadTfjsWasm } from './module.js';
import type { WasmOptions } from './options.js';
import { Runner, sizeOf, type TfInfo } from './runner.js';
import { WasmStorage } from './storage.js';

type CompositeOnly =
  | 'channelAffine'
  | 'reluGrad'
  | 'optimizerUpdate'
  | 'sparseSoftmaxCrossEntropy'
  | 'sparseSoftmaxCrossEntropyGrad'
  | 'depthwiseConv2dGradInput'
  | 'depthwiseConv2dGradFilter';

export type { WasmOptions } from './options.js';

/**
 * The fused kernels this backend runs natively; the recurrent sequence kernels and the fused training kernels (in-place optimizer step, sparse softmax cross-entropy)
 * and the depthwise convolution's gradients run core's composites, as do `channelAffine` (tfjs-wasm has no per-channel affine kernel) and `reluGrad`.
 */
type NativeFused = Omit<FusedKernels, SequenceKernelName | CompositeOnly>;

/**
 * The WASM backend: `readSync` always exists (WebAssembly memory is synchronous), and the kernel table
 * has every required kernel and the fused kernels of `NativeFused` (the others run core's composites, as
 * the backend matrix shows).
 *
 * @example
 * ```ts
 * const be: WasmBackend = await wasm();
 * be.features; // { simd: true, threads: 1 }
 * ```
 */
export interface WasmBackend extends Backend {
  readonly name: 'wasm';
  readSync(handle: Handle): TypedArray;
  readonly kernels: RequiredKernels & NativeFused;
  /** What the loaded binary uses: SIMD, and the number of XNNPACK threads (1 in Node). */
  readonly features: { readonly simd: boolean; readonly threads: number };
}

/**
 * Create a WASM backend. The first call in a process loads the tfjs-wasm binary (SIMD where supported,
 * threads where allowed); later calls share it, each with its own handle table.
 *
 * @example
 * ```ts
 * import * as nr from '@neurona/core';
 * import { wasm } from '@neurona/backend-wasm';
 * await nr.setBackend(await wasm());
 * nr.add([1, 2], 3); // runs on tfjs-wasm's Add
 * ```
 */
export async function wasm(options: WasmOptions = {}): Promise<WasmBackend> {
  const loaded = await loadTfjsWasm(options);
  const tw = new Runner(loaded.backend);
  const store = new WasmStorage(tw);
  const input = (x: Operand): TfInfo => store.input(x);
  // Own a kernel's result; `register` checks it has the size and dtype core expects.
  const own = (what: string, tensor: TfInfo, out: TensorInfo): Handle => store.register(tensor, out, what);

  const kernels: RequiredKernels & NativeFused = {
    unary: (op, x, out) => own(op, unary(tw, op, input(x), out), out),
    binary: (op, a, b, out) => own(op, binary(tw, op, input(a), input(b), out), out),
    where: (c, a, b, out) => own('where', where(tw, input(c), input(a), input(b), out), out),
    cast: (x, out) => own('cast', cast(tw, input(x), out.dtype), out),
    reduce: (op, x, out) => own(op, reduce(tw, op, input(x), out), out),
    transpose: (x, perm, out) => own('transpose', transpose(tw, input(x), perm), out),
    slice: (x, begin, out) => own('slice', slice(tw, input(x), begin, out), out),
    pad: (x, paddings, value, out) => own('pad', pad(tw, input(x), paddings, value), out),
    concat: (xs, axis, out) => own('concat', concat(tw, xs.map(input), axis), out),
    gather: (x, indices, axis, out) => own('gather', gather(tw, input(x), input(indices), axis), out),
    matmul: (a, b, ta, tb, out) => own('matmul', matmul(tw, input(a), input(b), ta, tb, out), out),
    conv2d: (x, f, info, out) => own('conv2d', conv2d(tw, input(x), input(f), info, out), out),
    conv2dGradInput: (dy, f, info, out) =>
      own('conv2dGradInput', conv2dGradInput(tw, input(dy), input(f), info, out), out),
    conv2dGradFilter: (x, dy, info, out) =>
      own('conv2dGradFilter', conv2dGradFilter(tw, input(x), input(dy), info, out), out),
    depthwiseConv2d: (x, f, info, out) =>
      own('depthwiseConv2d', depthwiseConv2d(tw, input(x), input(f), info, out), out),
    maxPool: (x, info, out) => own('maxPool', maxPool(tw, input(x), info, out), out),
    maxPoolGrad: (dy, x, info, out) =>
      own('maxPoolGrad', maxPoolGrad(tw, input(dy), input(x), info, out), out),
    avgPool: (x, info, out) => own('avgPool', avgPool(tw, input(x), info, out), out),
    avgPoolGrad: (dy, info, out) => own('avgPoolGrad', avgPoolGrad(tw, input(dy), info, out), out),
    softmax: (x, out) => own('softmax', softmax(tw, input(x), out), out),
    logSoftmax: (x, out) => own('logSoftmax', logSoftmax(tw, input(x), out), out),
    unsortedSegmentSum: (x, ids, num, out) =>
      own('unsortedSegmentSum', unsortedSegmentSum(tw, input(x), input(ids), num, out), out),
    matmulBiasActivation: (a, b, bias, act, ta, tb, out) =>
      own(
        'matmulBiasActivation',
        matmulBiasActivation(tw, input(a), input(b), bias && input(bias), act, ta, tb, out),
        out,
      ),
    conv2dBiasActivation: (x, f, bias, act, info, out) =>
      own(
        'conv2dBiasActivation',
        conv2dBiasActivation(tw, input(x), input(f), bias && input(bias), act, info, out),
        out,
      ),
  };

  const backend = {
    name: 'wasm' as const,
    features: loaded.features,
    upload(data: TypedArray, info: TensorInfo): Handle {
      const n = sizeOf(info.shape);
      if (data.length !== n) {
        throw new Error(
          `wasm: upload got ${data.length} values for shape [${info.shape.join(', ')}] (${n} elements)`,
        );
      }
      return store.register(tw.upload(data, info.shape, info.dtype), info, 'upload');
    },
    read(handle: Handle): Promise<TypedArray> {
      try {
        return Promise.resolve(store.read(handle));
      } catch (e) {
        return Promise.reject(e);
      }
    },
    readSync: (handle: Handle): TypedArray => store.read(handle),
    dispose: (handle: Handle): void => store.dispose(handle),
    stats: () => store.stats(),
    kernels,
  } satisfies WasmBackend;
  return backend;
}
