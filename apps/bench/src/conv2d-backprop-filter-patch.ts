/**
 * The `tfjs-wasm+patch` column's missing kernel: `Conv2DBackpropFilter` for tfjs-backend-wasm 4.22, which
 * has none (so tfjs-layers cannot train a CNN on wasm). Written for this bench, labelled as such in the
 * table: an im2col in plain JavaScript, written straight into the wasm heap in the `[kh·kw·Cin, N·Ho·Wo]`
 * layout, then tfjs-wasm's own `BatchMatMul` (its fast, non-transposed path) for
 * `dW = cols · dy` with `dy` viewed as `[N·Ho·Wo, Cout]`.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { unsortedSegmentSumWasm } from './unsorted-segment-sum-patch.js';

/** The attributes tfjs passes to Conv2DBackpropFilter. */
interface BackpropFilterAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** Positions gathered in a small contiguous block before they are written out transposed. */
const TILE = 64;

/**
 * Fill `cols[k·P + p]` (k over `kh, kw, c`, p over `n, oh, ow`) from NHWC `x`: tiles of {@link TILE}
 * positions are gathered contiguously first, then written transposed, so the writes stay sequential.
 */
function im2colTransposed(xv: Float32Array, cols: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { inHeight: h, inWidth: w, inChannels: c, outHeight: ho, outWidth: wo } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  const { top, left } = info.padInfo;
  const k = kh * kw * c;
  const p = info.batchSize * ho * wo;
  const tile = new Float32Array(TILE * k);
  for (let p0 = 0; p0 < p; p0 += TILE) {
    const count = Math.min(TILE, p - p0);
    tile.fill(0, 0, count * k);
    for (let j = 0; j < count; j++) {
      const pos = p0 + j;
      const n = Math.floor(pos / (ho * wo));
      const oh = Math.floor(pos / wo) % ho;
      const ow = pos % wo;
      for (let a = 0; a < kh; a++) {
        const ih = oh * sh + a * dh - top;
        if (ih < 0 || ih >= h) continue;
        for (let b = 0; b < kw; b++) {
          const iw = ow * sw + b * dw - left;
          if (iw < 0 || iw >= w) continue;
          const src = ((n * h + ih) * w + iw) * c;
          const dst = j * k + (a * kw + b) * c;
          for (let ci = 0; ci < c; ci++) tile[dst + ci] = xv[src + ci]!;
        }
      }
    }
    for (let r = 0; r < k; r++) {
      const row = r * p + p0;
      for (let j = 0; j < count; j++) cols[row + j] = tile[j * k + r]!;
    }
  }
}

/**
 * Counts the calls of the patched kernels, so the report can say that the patch really ran.
 *
 * @example
 * ```ts
 * patchCalls.Conv2DBackpropFilter; // 0 before any CNN training step on wasm
 * ```
 */
export const patchCalls: Record<string, number> = { Conv2DBackpropFilter: 0, UnsortedSegmentSum: 0 };

/**
 * The kernel function: gradient of a 2-D convolution with respect to its filter, on tfjs-backend-wasm.
 *
 * @example
 * ```ts
 * tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2dBackpropFilterWasm });
 * ```
 */
export function conv2dBackpropFilterWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, dy } = args.inputs;
  const attrs = args.attrs as unknown as BackpropFilterAttrs;
  if (!x || !dy) throw new Error('Conv2DBackpropFilter (bench patch): expected inputs x and dy');
  if (attrs.dataFormat !== 'NHWC') {
    throw new Error(
      `Conv2DBackpropFilter (bench patch): expected dataFormat 'NHWC', got '${attrs.dataFormat}'`,
    );
  }
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new Error(
      `Conv2DBackpropFilter (bench patch): expected float32 inputs, got ${x.dtype} and ${dy.dtype}`,
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const p = info.batchSize * info.outHeight * info.outWidth;
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const cols = backend.makeOutput([1, k, p], 'float32');
  // Views after makeOutput: growing the heap detaches older views.
  im2colTransposed(
    backend.typedArrayFromHeap(x) as Float32Array,
    backend.typedArrayFromHeap(cols) as Float32Array,
    info,
  );
  const matmul = tf.getKernel('BatchMatMul', 'wasm');
  if (!matmul) throw new Error("Conv2DBackpropFilter (bench patch): tfjs-wasm has no 'BatchMatMul' kernel");
  const dyView: tf.TensorInfo = { dataId: dy.dataId, shape: [1, p, info.outChannels], dtype: 'float32' };
  const out = matmul.kernelFunc({
    inputs: { a: cols, b: dyView },
    attrs: { transposeA: false, transposeB: false },
    backend,
  }) as tf.TensorInfo;
  backend.disposeData(cols.dataId);
  patchCalls.Conv2DBackpropFilter = (patchCalls.Conv2DBackpropFilter ?? 0) + 1;
  return { dataId: out.dataId, shape: [...attrs.filterShape], dtype: 'float32' };
}

/**
 * Register the bench's kernels for those tfjs-wasm lacks; returns the names registered and a function
 * that unregisters them again.
 *
 * @example
 * ```ts
 * const { names, unregister } = registerWasmPatches(); // names: ['Conv2DBackpropFilter', 'UnsortedSegmentSum']
 * unregister();
 * ```
 */
export function registerWasmPatches(): { names: string[]; unregister: () => void } {
  const names: string[] = [];
  if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
    tf.registerKernel({
      kernelName: 'Conv2DBackpropFilter',
      backendName: 'wasm',
      kernelFunc: conv2dBackpropFilterWasm as unknown as tf.KernelFunc,
    });
    names.push('Conv2DBackpropFilter');
  }
  if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) {
    const counted = (a: Parameters<typeof unsortedSegmentSumWasm>[0]): tf.TensorInfo => {
      patchCalls.UnsortedSegmentSum = (patchCalls.UnsortedSegmentSum ?? 0) + 1;
      return unsortedSegmentSumWasm(a);
    };
    tf.registerKernel({
      kernelName: 'UnsortedSegmentSum',
      backendName: 'wasm',
      kernelFunc: counted as unknown as tf.KernelFunc,
    });
    names.push('UnsortedSegmentSum');
  }
  return {
    names,
    unregister: () => {
      for (const n of names) tf.unregisterKernel(n, 'wasm');
    },
  };
}
