/**
 * `@neurona/backend-cpu`: Neurona's in-house CPU backend: WebAssembly SIMD kernels (with a worker pool for
 * large convolutions and products) over plain TypeScript reference kernels, which stay the definition of
 * what every kernel computes and run wherever the fast path does not apply.
 *
 * @example
 * ```ts
 * import * as nr from '@neurona/core';
 * import { cpu } from '@neurona/backend-cpu';
 * await nr.setBackend(cpu());
 * ```
 *
 * @module @neurona/backend-cpu
 * @packageDocumentation
 */
import type {
  Backend,
  FusedKernels,
  Handle,
  Operand,
  RequiredKernels,
  TensorInfo,
  TypedArray,
} from '@neurona/core';
import type { HeapRecord } from './fast/heap.js';
import { fastKernels } from './fast/kernels.js';
import { fastRuntime, type Runtime } from './fast/runtime.js';
import { coreCount, threadApi } from './fast/threads.js';
import { binary } from './kernels/binary.js';
import { cast } from './kernels/cast.js';
import { channelAffine } from './kernels/channel-affine.js';
import { concat } from './kernels/concat.js';
import { conv2d, conv2dGradFilter, conv2dGradInput } from './kernels/conv2d.js';
import {
  depthwiseConv2d,
  depthwiseConv2dGradFilter,
  depthwiseConv2dGradInput,
} from './kernels/depthwise-conv2d.js';
import { conv2dBiasActivation, matmulBiasActivation } from './kernels/fused.js';
import { gather } from './kernels/gather.js';
import { matmul } from './kernels/matmul.js';
import { optimizerUpdate } from './kernels/optimizer.js';
import { pad } from './kernels/pad.js';
import { avgPool, avgPoolGrad, maxPool, maxPoolGrad } from './kernels/pool.js';
import {
  gruSequence,
  gruSequenceGrad,
  lstmSequence,
  lstmSequenceGrad,
  rnnSequence,
  rnnSequenceGrad,
} from './kernels/recurrent.js';
import { reduce } from './kernels/reduce.js';
import { reluGrad } from './kernels/relu-grad.js';
import { unsortedSegmentSum } from './kernels/segment.js';
import { slice } from './kernels/slice.js';
import { logSoftmax, softmax } from './kernels/softmax.js';
import { sparseSoftmaxCrossEntropy, sparseSoftmaxCrossEntropyGrad } from './kernels/sparse-xent.js';
import type { Input } from './kernels/strided.js';
import { transpose } from './kernels/transpose.js';
import { unary } from './kernels/unary.js';
import { where } from './kernels/where.js';
import { allocate, CpuStorage, sizeOf } from './storage.js';

/**
 * Options of {@link cpu}.
 *
 * @example
 * ```ts
 * const options: CpuOptions = { threads: 2, parallelThreshold: 1 << 20 };
 * ```
 */
export interface CpuOptions {
  /** Run the WebAssembly SIMD kernels (default true where WebAssembly SIMD is available); false: reference kernels only. */
  readonly fast?: boolean;
  /** Threads for large convolutions and products, counting the calling one (default: the number of cores; 1 disables the pool). */
  readonly threads?: number;
  /** Smallest job, in multiply-adds, that is split over threads (default 2^19; 0 splits every job). */
  readonly parallelThreshold?: number;
}

/**
 * What a CPU backend runs on: the kernel set (`'reference'`, or the WebAssembly build) and the threads it may use.
 *
 * @example
 * ```ts
 * cpu().features; // { kernels: 'simd', threads: 2, parallelThreshold: 524288, workers: 'worker_threads' }
 * ```
 */
export interface CpuFeatures {
  readonly kernels: 'reference' | 'simd' | 'relaxed-simd';
  readonly threads: number;
  readonly parallelThreshold: number;
  /**
   * What runs the extra threads: `'worker_threads'` (Node), `'web-workers'` (a cross-origin-isolated page:
   * served with `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`,
   * which browsers require before they share memory between threads), or `'none'` (one thread: a page
   * without those headers, `threads: 1`, or the reference kernels). One thread is a fallback, never an error.
   */
  readonly workers: 'worker_threads' | 'web-workers' | 'none';
}

const DEFAULT_PARALLEL_THRESHOLD = 1 << 19;

function checkOptions(options: CpuOptions): void {
  const { threads, parallelThreshold, fast } = options;
  if (fast !== undefined && typeof fast !== 'boolean') {
    throw new Error(`cpu: option 'fast' must be a boolean, got ${String(fast)}`);
  }
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) {
    throw new Error(`cpu: option 'threads' must be an integer >= 1, got ${String(threads)}`);
  }
  if (parallelThreshold !== undefined && !(parallelThreshold >= 0)) {
    throw new Error(
      `cpu: option 'parallelThreshold' must be a number >= 0, got ${String(parallelThreshold)}`,
    );
  }
}

/**
 * The CPU backend: a {@link Backend} whose `readSync` always exists and whose kernel table has every
 * required and fused kernel.
 *
 * @example
 * ```ts
 * const be: CpuBackend = cpu();
 * const h = be.upload(new Float32Array([1, -2]), { shape: [2], dtype: 'float32' });
 * const y = be.kernels.unary('abs', { handle: h, shape: [2], dtype: 'float32' }, { shape: [2], dtype: 'float32' });
 * be.readSync(y); // Float32Array [1, 2]
 * ```
 */
export interface CpuBackend extends Backend {
  readonly name: 'cpu';
  readSync(handle: Handle): TypedArray;
  readonly kernels: RequiredKernels & FusedKernels;
  /** The kernel set and threading this backend uses. */
  readonly features: CpuFeatures;
  /** Stop the worker threads of the fast kernels (they restart if a later job needs them). */
  shutdown(): void;
}

export type { CpuRecord } from './storage.js';

/**
 * Create a CPU backend. Each call returns an independent backend with its own handle table. By default it
 * runs the WebAssembly SIMD kernels (float32 data then lives in WebAssembly memory) and splits jobs of at
 * least `parallelThreshold` multiply-adds over `threads` threads; `{ fast: false }` runs only the
 * TypeScript reference kernels.
 *
 * @example
 * ```ts
 * import * as nr from '@neurona/core';
 * import { cpu } from '@neurona/backend-cpu';
 * await nr.setBackend(cpu());
 * nr.add([1, 2], 3); // runs on the CPU kernels
 * const reference = cpu({ fast: false });
 * const twoThreads = cpu({ threads: 2, parallelThreshold: 0 });
 * ```
 */
export function cpu(options: CpuOptions = {}): CpuBackend {
  checkOptions(options);
  return createCpuBackend(options, options.fast === false ? null : fastRuntime());
}

/**
 * Build a CPU backend on a given fast-kernel runtime (`null`: reference kernels only). {@link cpu} uses
 * the process-wide runtime; tests pass others (for example one with unshared memory).
 *
 * @example
 * ```ts
 * const be = createCpuBackend({ threads: 1 }, createRuntime(false));
 * ```
 * @internal
 */
export function createCpuBackend(options: CpuOptions, rt: Runtime | null): CpuBackend {
  const store = new CpuStorage();
  const input = (x: Operand): Input => ({ data: store.data(x.handle), shape: x.shape, dtype: x.dtype });
  const make = (data: TypedArray, out: TensorInfo): Handle => store.register(data, out);
  const f32 = (x: Operand): Float32Array => store.data(x.handle) as Float32Array;

  const reference: RequiredKernels & FusedKernels = {
    unary: (op, x, out) => make(unary(op, input(x), out), out),
    binary: (op, a, b, out) => make(binary(op, input(a), input(b), out), out),
    where: (c, a, b, out) => make(where(input(c), input(a), input(b), out), out),
    cast: (x, out) => make(cast(input(x), out), out),
    reduce: (op, x, out) => make(reduce(op, input(x), out), out),
    transpose: (x, perm, out) => make(transpose(input(x), perm, out), out),
    slice: (x, begin, out) => make(slice(input(x), begin, out), out),
    pad: (x, paddings, value, out) => make(pad(input(x), paddings, value, out), out),
    concat: (xs, axis, out) => make(concat(xs.map(input), axis, out), out),
    gather: (x, indices, axis, out) => make(gather(input(x), input(indices), axis, out), out),
    matmul: (a, b, ta, tb, out) => make(matmul(input(a), input(b), ta, tb, out), out),
    conv2d: (x, f, info, out) => make(conv2d(input(x), input(f), info, out), out),
    conv2dGradInput: (dy, f, info, out) => make(conv2dGradInput(input(dy), input(f), info, out), out),
    conv2dGradFilter: (x, dy, info, out) => make(conv2dGradFilter(input(x), input(dy), info, out), out),
    depthwiseConv2d: (x, f, info, out) => make(depthwiseConv2d(input(x), input(f), info, out), out),
    depthwiseConv2dGradInput: (dy, f, info, out) =>
      make(depthwiseConv2dGradInput(input(dy), input(f), info, out), out),
    depthwiseConv2dGradFilter: (x, dy, info, out) =>
      make(depthwiseConv2dGradFilter(input(x), input(dy), info, out), out),
    maxPool: (x, info, out) => make(maxPool(input(x), info, out), out),
    maxPoolGrad: (dy, x, info, out) => make(maxPoolGrad(input(dy), input(x), info, out), out),
    avgPool: (x, info, out) => make(avgPool(input(x), info, out), out),
    avgPoolGrad: (dy, info, out) => make(avgPoolGrad(input(dy), info, out), out),
    softmax: (x, out) => make(softmax(input(x), out), out),
    logSoftmax: (x, out) => make(logSoftmax(input(x), out), out),
    unsortedSegmentSum: (x, ids, num, out) => make(unsortedSegmentSum(input(x), input(ids), num, out), out),
    optimizerUpdate: (rule, params, grads, slots) =>
      optimizerUpdate(
        rule,
        params.map(f32),
        grads.map(f32),
        slots.map((s) => s.map(f32)),
      ),
    sparseSoftmaxCrossEntropy: (x, labels, out) =>
      make(sparseSoftmaxCrossEntropy(input(x), input(labels), out), out),
    sparseSoftmaxCrossEntropyGrad: (dy, x, labels, out) =>
      make(sparseSoftmaxCrossEntropyGrad(input(dy), input(x), input(labels), out), out),
    lstmSequence: (x, u, info, out) => make(lstmSequence(input(x), input(u), info), out),
    lstmSequenceGrad: (d, p, u, info, out) => make(lstmSequenceGrad(input(d), input(p), input(u), info), out),
    gruSequence: (x, u, rb, info, out) =>
      make(gruSequence(input(x), input(u), rb ? input(rb) : null, info), out),
    gruSequenceGrad: (d, p, u, info, out) => make(gruSequenceGrad(input(d), input(p), input(u), info), out),
    rnnSequence: (x, u, info, out) => make(rnnSequence(input(x), input(u), info), out),
    rnnSequenceGrad: (d, p, u, info, out) => make(rnnSequenceGrad(input(d), input(p), input(u), info), out),
    matmulBiasActivation: (a, b, bias, act, ta, tb, out) =>
      make(matmulBiasActivation(input(a), input(b), bias && input(bias), act, ta, tb, out), out),
    conv2dBiasActivation: (x, f, bias, act, info, out) =>
      make(conv2dBiasActivation(input(x), input(f), bias && input(bias), act, info, out), out),
    channelAffine: (x, m, s, o, act, out) =>
      make(channelAffine(input(x), m && input(m), s && input(s), o && input(o), act, out), out),
    reluGrad: (dy, y, out) => make(reluGrad(store.data(dy.handle), store.data(y.handle)), out),
  };

  const threads = rt?.canThread ? (options.threads ?? coreCount()) : 1;
  const parallelThreshold = options.parallelThreshold ?? DEFAULT_PARALLEL_THRESHOLD;
  // Handles in WebAssembly memory; freed if the backend is garbage-collected while they are live.
  const owned = rt ? rt.heap.track(store) : new Set<HeapRecord>();
  const par = { threads, threshold: parallelThreshold };
  const kernels = rt ? fastKernels(rt, store, owned, reference, par) : reference;
  const features: CpuFeatures = {
    kernels: rt ? rt.variant : 'reference',
    threads,
    parallelThreshold,
    workers: threads > 1 ? threadApi() : 'none',
  };

  const backend = {
    name: 'cpu' as const,
    upload(data: TypedArray, info: TensorInfo): Handle {
      const n = sizeOf(info.shape);
      if (data.length !== n) {
        throw new Error(
          `cpu: upload got ${data.length} values for shape [${info.shape.join(', ')}] (${n} elements)`,
        );
      }
      if (rt) {
        const rec = rt.heap.record(info.dtype, info.shape, n, owned);
        rec.data.set(data);
        return store.adopt(rec);
      }
      const copy = allocate(info.dtype, n);
      copy.set(data);
      return store.register(copy, info);
    },
    read(handle: Handle): Promise<TypedArray> {
      try {
        return Promise.resolve(store.data(handle).slice());
      } catch (e) {
        return Promise.reject(e);
      }
    },
    readSync(handle: Handle): TypedArray {
      return store.data(handle).slice();
    },
    dispose(handle: Handle): void {
      store.dispose(handle);
    },
    stats: () => store.stats(),
    kernels,
    features,
    shutdown(): void {
      rt?.stopWorkers();
    },
  } satisfies CpuBackend;
  return backend;
}
