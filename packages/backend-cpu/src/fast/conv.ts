/**
 * Convolution and pooling on the fast path. Convolutions are GEMMs whose A operand is packed straight
 * from the image (im2col on the fly, never materialised): forward `y = cols * Wm`, filter gradient
 * `dWm = cols^T * dy`, input gradient `dcols = dy * Wm^T` followed by col2im, one image per task.
 * A 1x1, stride-1, unpadded convolution is a plain GEMM on the image.
 *
 * @packageDocumentation
 */
import { type Conv2DInfo, isPointwiseConv, type Pool2DInfo } from '@neurona/core';
import {
  type GemmSpec,
  PACK_A_BYTES,
  type Parallelism,
  packB,
  runGemm,
  threadsFor,
  withThreads,
  writeGemmSpec,
} from './gemm.js';
import type { HeapRecord } from './heap.js';
import type { TaskName } from './kernel-exports.js';
import { A_MODE, BLOCK, CONV_GEOM, GEMM, MEMORY, POOL } from './layout.js';
import type { Runtime } from './runtime.js';

/** Write the geometry of `info` with image pointer `x` into the CONV descriptor. */
function writeGeom(rt: Runtime, x: number, info: Conv2DInfo): void {
  const w = rt.heap.i32();
  const b = MEMORY.CONV >> 2;
  w[b + CONV_GEOM.X] = x;
  w[b + CONV_GEOM.H] = info.inHeight;
  w[b + CONV_GEOM.W] = info.inWidth;
  w[b + CONV_GEOM.C] = info.inChannels;
  w[b + CONV_GEOM.OUT_H] = info.outHeight;
  w[b + CONV_GEOM.OUT_W] = info.outWidth;
  w[b + CONV_GEOM.FH] = info.filterHeight;
  w[b + CONV_GEOM.FW] = info.filterWidth;
  w[b + CONV_GEOM.SH] = info.strideHeight;
  w[b + CONV_GEOM.SW] = info.strideWidth;
  w[b + CONV_GEOM.DH] = info.dilationHeight;
  w[b + CONV_GEOM.DW] = info.dilationWidth;
  w[b + CONV_GEOM.PAD_TOP] = info.padTop;
  w[b + CONV_GEOM.PAD_LEFT] = info.padLeft;
}

/** Positions (output pixels over the batch) and the depth of the column matrix. */
function dims(info: Conv2DInfo): { P: number; KK: number; D: number } {
  return {
    P: info.batch * info.outHeight * info.outWidth,
    KK: info.filterHeight * info.filterWidth * info.inChannels,
    D: info.outChannels,
  };
}

/**
 * Forward convolution: image at `x`, filter at `f`, output at `y` (all float32, NHWC / HWIO); optional
 * per-channel `bias` pointer and ReLU fused into the write-back. `filterOwner` (the filter's record) may keep
 * the filter's packed panels for the next call.
 *
 * @example
 * ```ts
 * fastConv2d(rt, x, f, y, info, { threads: 1, threshold: Infinity });
 * ```
 */
export function fastConv2d(
  rt: Runtime,
  x: number,
  f: number,
  y: number,
  info: Conv2DInfo,
  p: Parallelism,
  bias = 0,
  relu = false,
  filterOwner?: HeapRecord,
): void {
  const { P, KK, D } = dims(info);
  const common = {
    bOwner: filterOwner,
    N: D,
    K: KK,
    batch: 1,
    aBatch: 0,
    b: f,
    bRs: D,
    bCs: 1,
    bBatch: 0,
    c: y,
    ldc: D,
    cBatch: 0,
  };
  const spec: GemmSpec = isPointwiseConv(info)
    ? { ...common, M: P, a: x, aRs: KK, aCs: 1, bias, relu }
    : { ...common, M: P, a: 0, aRs: 0, aCs: 0, aMode: A_MODE.IM2COL, geom: MEMORY.CONV, bias, relu };
  writeGeom(rt, x, info);
  runGemm(rt, spec, p);
}

/**
 * Filter gradient: image at `x`, output gradient at `dy`, result `[fh, fw, C, D]` at `dw`.
 *
 * @example
 * ```ts
 * fastConv2dGradFilter(rt, x, dy, dw, info, parallelism);
 * ```
 */
export function fastConv2dGradFilter(
  rt: Runtime,
  x: number,
  dy: number,
  dw: number,
  info: Conv2DInfo,
  p: Parallelism,
): void {
  const { P, KK, D } = dims(info);
  if (directFilterGradient(info)) {
    c1FilterGradient(rt, x, dy, dw, info, p);
    return;
  }
  const common = { M: KK, N: D, K: P, batch: 1, aBatch: 0, b: dy, bRs: D, bCs: 1, bBatch: 0, c: dw, ldc: D };
  const spec: GemmSpec = isPointwiseConv(info)
    ? { ...common, a: x, aRs: 1, aCs: KK, cBatch: 0 }
    : { ...common, a: 0, aRs: 0, aCs: 0, aMode: A_MODE.IM2COL_T, geom: MEMORY.CONV, cBatch: 0 };
  writeGeom(rt, x, info);
  runGemm(rt, spec, p);
}

/**
 * Whether the filter gradient can run `convC1FilterTask`: one input channel, unit horizontal stride and
 * dilation, no padding (every tap of every position inside the image), a filter at most 8 wide, and a
 * multiple of 4 output channels.
 */
function directFilterGradient(info: Conv2DInfo): boolean {
  return (
    info.inChannels === 1 &&
    info.strideWidth === 1 &&
    info.dilationWidth === 1 &&
    info.padTop === 0 &&
    info.padLeft === 0 &&
    info.padBottom === 0 &&
    info.padRight === 0 &&
    info.filterWidth <= 8 &&
    info.outChannels % 4 === 0 &&
    info.outHeight > 0 &&
    info.outWidth > 0
  );
}

/** Filter gradient of a one-channel image by `convC1FilterTask`: split over positions, partial sums added in order. */
function c1FilterGradient(
  rt: Runtime,
  x: number,
  dy: number,
  dw: number,
  info: Conv2DInfo,
  p: Parallelism,
): void {
  const { P, KK, D } = dims(info);
  const kBlock = Math.max(1024, Math.ceil(P / 16));
  const kTasks = Math.ceil(P / kBlock);
  const partialBytes = kTasks * KK * D * 4;
  const partials = rt.heap.alloc(partialBytes);
  writeGeom(rt, x, info);
  const spec = {
    M: KK,
    N: D,
    K: P,
    batch: 1,
    a: 0,
    aRs: 0,
    aCs: 0,
    aBatch: 0,
    b: dy,
    bRs: D,
    bCs: 1,
    bBatch: 0,
  };
  writeGemmSpec(rt, { ...spec, c: dw, ldc: D, cBatch: 0, geom: MEMORY.CONV });
  const words = rt.heap.i32();
  words[(MEMORY.GEMM >> 2) + GEMM.K_BLOCK] = kBlock;
  words[(MEMORY.GEMM >> 2) + GEMM.PARTIALS] = partials;
  try {
    withThreads(rt, p, 'convC1Filter', P * KK * D, (threads) =>
      rt.run('convC1FilterTask', MEMORY.GEMM, kTasks, threads),
    );
    rt.kernels.sumPartials(dw, partials, kTasks, KK * D, KK * D, 0);
  } finally {
    rt.heap.free(partials, partialBytes);
  }
}

/**
 * Input gradient: output gradient at `dy`, filter at `f`, result `[N, H, W, C]` at `dx`.
 *
 * @example
 * ```ts
 * fastConv2dGradInput(rt, dy, f, dx, info, parallelism);
 * ```
 */
export function fastConv2dGradInput(
  rt: Runtime,
  dy: number,
  f: number,
  dx: number,
  info: Conv2DInfo,
  p: Parallelism,
): void {
  const { P, KK, D } = dims(info);
  // B = Wm^T: element (d, kk) of the [D, KK] matrix is filter[kk * D + d].
  const spec: GemmSpec = {
    M: P,
    N: KK,
    K: D,
    batch: 1,
    a: dy,
    aRs: D,
    aCs: 1,
    aBatch: 0,
    b: f,
    bRs: 1,
    bCs: D,
    bBatch: 0,
    c: dx,
    ldc: KK,
    cBatch: 0,
  };
  if (isPointwiseConv(info)) {
    runGemm(rt, spec, p);
    return;
  }
  const imageFloats = info.inHeight * info.inWidth * info.inChannels;
  if (P === 0 || D === 0) {
    rt.kernels.fillF32(dx, info.batch * imageFloats, 0);
    return;
  }
  withThreads(rt, p, 'convGradInput', P * KK * D, (threads) => {
    const perImage = info.outHeight * info.outWidth;
    const rows = Math.max(4, Math.min(Math.floor(32768 / KK) & ~3, Math.ceil(perImage / 4) * 4));
    const stride = PACK_A_BYTES + rows * KK * 4;
    const scratchBytes = threads * stride;
    const scratch = rt.heap.alloc(scratchBytes);
    // Views of the memory are taken after allocating: growing an unshared memory detaches older ones.
    writeGeom(rt, dx, info);
    const w = writeGemmSpec(rt, { ...spec, geom: MEMORY.CONV });
    const packed = packB(rt, w, 1, Math.ceil(KK / BLOCK.NR) * BLOCK.NR, 1, threads);
    const words = rt.heap.i32();
    const base = MEMORY.GEMM >> 2;
    words[base + GEMM.SCRATCH] = scratch;
    words[base + GEMM.SCRATCH_STRIDE] = stride;
    words[base + GEMM.M_BLOCK] = rows;
    try {
      rt.run('convGradInputTask', MEMORY.GEMM, info.batch, threads);
    } finally {
      rt.heap.free(packed.ptr, packed.bytes);
      rt.heap.free(scratch, scratchBytes);
    }
  });
}

/**
 * One pooling kernel (`maxPoolTask`, `maxPoolGradTask`, `avgPoolTask`, `avgPoolGradTask`), one image per
 * task: `x` the input (or 0), `dy` the output gradient (or 0), `out` the result.
 *
 * @example
 * ```ts
 * fastPool(rt, 'maxPoolTask', x, 0, y, info, parallelism);
 * ```
 */
export function fastPool(
  rt: Runtime,
  task: TaskName,
  x: number,
  dy: number,
  out: number,
  info: Pool2DInfo,
  p: Parallelism,
): void {
  const w = rt.heap.i32();
  const b = MEMORY.POOL >> 2;
  w[b + POOL.X] = x;
  w[b + POOL.DY] = dy;
  w[b + POOL.OUT] = out;
  w[b + POOL.H] = info.inHeight;
  w[b + POOL.W] = info.inWidth;
  w[b + POOL.C] = info.channels;
  w[b + POOL.OUT_H] = info.outHeight;
  w[b + POOL.OUT_W] = info.outWidth;
  w[b + POOL.FH] = info.filterHeight;
  w[b + POOL.FW] = info.filterWidth;
  w[b + POOL.SH] = info.strideHeight;
  w[b + POOL.SW] = info.strideWidth;
  w[b + POOL.PAD_TOP] = info.padTop;
  w[b + POOL.PAD_LEFT] = info.padLeft;
  const work =
    info.batch *
    Math.max(
      info.outHeight * info.outWidth * info.filterHeight * info.filterWidth,
      info.inHeight * info.inWidth,
    ) *
    info.channels;
  rt.run(task, MEMORY.POOL, info.batch, threadsFor(p, work));
}
