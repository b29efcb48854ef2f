/// <reference types="@webgpu/types" preserve="true" />
/**
 * `@neurona/backend-webgpu`: Neurona's in-house WebGPU backend. Our own WGSL compute shaders, a
 * size-bucketed buffer pool, a pipeline cache keyed by shader and shape class, and command batching:
 * kernels are recorded into one command encoder and submitted when data is read (or after
 * {@link WebGpuBackend.runtime}'s batch limit), so a training step makes no CPU round trip. Reads are
 * asynchronous only: there is no `readSync`, and `dataSync()` explains why.
 *
 * Runs in browsers (`navigator.gpu`) and in Node through the npm package `webgpu` (Dawn), loaded only in
 * Node.
 *
 * @example
 * ```ts
 * import * as nr from '@neurona/core';
 * import { webgpu } from '@neurona/backend-webgpu';
 * await nr.setBackend(await webgpu());
 * ```
 *
 * @module @neurona/backend-webgpu
 * @packageDocumentation
 */
import type {
  Backend,
  FusedKernels,
  Handle,
  RequiredKernels,
  SequenceKernelName,
  TensorInfo,
  TypedArray,
} from '@neurona/core';
import { acquireDevice, type DeviceOptions, hostCores } from './device.js';
import { binary } from './kernels/binary.js';
import { cast } from './kernels/cast.js';
import type { KernelContext } from './kernels/context.js';
import { conv2d, conv2dGradFilter, conv2dGradInput } from './kernels/conv2d.js';
import { matmul } from './kernels/matmul.js';
import { concat, gather, pad, slice, transpose } from './kernels/movement.js';
import { avgPool, avgPoolGrad, maxPool, maxPoolGrad } from './kernels/pool.js';
import { reduce } from './kernels/reduce.js';
import { unsortedSegmentSum } from './kernels/segment.js';
import { logSoftmax, softmax } from './kernels/softmax.js';
import { unary } from './kernels/unary.js';
import { where } from './kernels/where.js';
import { Runtime } from './runtime.js';
import { GpuStorage } from './storage.js';

type CompositeOnly =
  | 'channelAffine'
  | 'reluGrad'
  | 'optimizerUpdate'
  | 'sparseSoftmaxCrossEntropy'
  | 'sparseSoftmaxCrossEntropyGrad'
  | 'depthwiseConv2d'
  | 'depthwiseConv2dGradInput'
  | 'depthwiseConv2dGradFilter';

export type { DeviceOptions } from './device.js';
export { Runtime } from './runtime.js';
export type { GpuRecord } from './storage.js';

/**
 * The fused kernels this backend runs natively (among them the product + bias + activation kernels, whose
 * epilogue is applied as the GEMM stores); the recurrent sequence kernels and the fused training kernels
 * (in-place optimizer step, sparse softmax cross-entropy) and the depthwise convolution kernels run core's
 * composites, as do `channelAffine` (batch normalisation at inference, ReLU6) and `reluGrad`.
 */
type NativeFused = Omit<FusedKernels, SequenceKernelName | CompositeOnly>;

/**
 * The WebGPU backend: every required kernel and the fused kernels of `NativeFused` (the others run core's
 * composites, as the backend matrix shows), asynchronous reads only, plus access to the device and the
 * command runtime.
 *
 * @example
 * ```ts
 * const be: WebGpuBackend = await webgpu();
 * be.runtime.submits; // command buffers submitted so far
 * ```
 */
export interface WebGpuBackend extends Backend {
  readonly name: 'webgpu';
  readonly kernels: RequiredKernels & NativeFused;
  /** The device the kernels run on. */
  readonly device: GPUDevice;
  /** Command batching, pipeline cache and buffer pool of this backend. */
  readonly runtime: Runtime;
  /** Submit every recorded kernel now (reads do this themselves). */
  flush(): void;
  /** Free pooled buffers and, when the backend created the device, destroy it. */
  destroy(): void;
}

/**
 * Create a WebGPU backend on `options.device`, on a device of `options.adapter`, or on the platform's
 * default adapter (`navigator.gpu`, or Dawn from the `webgpu` package in Node, where SwiftShader's
 * Vulkan driver is used when `VK_ICD_FILENAMES` is unset and `/usr/lib/chromium/vk_swiftshader_icd.json`
 * exists). Fails with what to install when no adapter is found.
 *
 * @example
 * ```ts
 * import * as nr from '@neurona/core';
 * import { webgpu } from '@neurona/backend-webgpu';
 * await nr.setBackend(await webgpu());
 * const y = nr.matMul([[1, 2]], [[3], [4]]);
 * console.log(await y.data()); // Float32Array [11]
 * ```
 */
export async function webgpu(options: DeviceOptions = {}): Promise<WebGpuBackend> {
  const acquired = await acquireDevice(options);
  const { device } = acquired;
  const rt = new Runtime(device);
  if (isEmulated(acquired.adapter, device)) rt.maxWorkgroups = 4 * (await hostCores());
  const store = new GpuStorage(rt);
  const ctx: KernelContext = { rt, store };
  let lost: string | null = null;
  void device.lost.then((info) => {
    lost = info.message || info.reason;
  });
  const alive = (): void => {
    if (lost !== null) throw new Error(`webgpu: the device was lost (${lost}); create a new backend`);
  };

  const kernels: RequiredKernels & NativeFused = {
    unary: (op, x, out) => unary(ctx, op, x, out),
    binary: (op, a, b, out) => binary(ctx, op, a, b, out),
    where: (c, a, b, out) => where(ctx, c, a, b, out),
    cast: (x, out) => cast(ctx, x, out),
    reduce: (op, x, out) => reduce(ctx, op, x, out),
    transpose: (x, perm, out) => transpose(ctx, x, perm, out),
    slice: (x, begin, out) => slice(ctx, x, begin, out),
    pad: (x, paddings, value, out) => pad(ctx, x, paddings, value, out),
    concat: (xs, axis, out) => concat(ctx, xs, axis, out),
    gather: (x, indices, axis, out) => gather(ctx, x, indices, axis, out),
    matmul: (a, b, ta, tb, out) => matmul(ctx, a, b, ta, tb, out),
    conv2d: (x, f, info, out) => conv2d(ctx, x, f, info, out),
    conv2dGradInput: (dy, f, info, out) => conv2dGradInput(ctx, dy, f, info, out),
    conv2dGradFilter: (x, dy, info, out) => conv2dGradFilter(ctx, x, dy, info, out),
    maxPool: (x, info, out) => maxPool(ctx, x, info, out),
    maxPoolGrad: (dy, x, info, out) => maxPoolGrad(ctx, dy, x, info, out),
    avgPool: (x, info, out) => avgPool(ctx, x, info, out),
    avgPoolGrad: (dy, info, out) => avgPoolGrad(ctx, dy, info, out),
    softmax: (x, out) => softmax(ctx, x, out),
    logSoftmax: (x, out) => logSoftmax(ctx, x, out),
    unsortedSegmentSum: (x, ids, num, out) => unsortedSegmentSum(ctx, x, ids, num, out),
    matmulBiasActivation: (a, b, bias, activation, ta, tb, out) =>
      matmul(ctx, a, b, ta, tb, out, { bias, activation }),
    conv2dBiasActivation: (x, f, bias, activation, info, out) =>
      conv2d(ctx, x, f, info, out, { bias, activation }),
  };

  const backend: WebGpuBackend = {
    name: 'webgpu',
    device,
    runtime: rt,
    upload(data: TypedArray, info: TensorInfo): Handle {
      alive();
      return store.upload(data, info);
    },
    read(handle: Handle): Promise<TypedArray> {
      try {
        alive();
        return store.read(handle);
      } catch (e) {
        return Promise.reject(e);
      }
    },
    dispose(handle: Handle): void {
      store.dispose(handle);
    },
    stats: () => store.stats(),
    kernels,
    flush(): void {
      rt.flush();
    },
    destroy(): void {
      if (lost === null) rt.destroy();
      if (acquired.owned) device.destroy();
      lost ??= 'destroyed';
    },
  };
  // Dawn's GPU object must outlive the device (see device.ts); the backend holds it.
  Object.defineProperty(backend, 'keepAlive', { value: acquired.keepAlive, enumerable: false });
  return backend;
}

/** True for SwiftShader (a CPU emulation of a GPU), which wants few, long-running workgroups. */
function isEmulated(adapter: GPUAdapter | null, device: GPUDevice): boolean {
  const info = adapter?.info ?? (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  return !!info && /swiftshader/i.test(`${info.vendor} ${info.architecture} ${info.description}`);
}
