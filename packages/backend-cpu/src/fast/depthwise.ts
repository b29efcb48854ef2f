/**
 * Depthwise convolution on the fast path: the WebAssembly SIMD kernels of assembly/depthwise.ts (vectors
 * over channels, which are innermost in NHWC), split by rows over the worker pool. Forward and input
 * gradient write disjoint rows; the filter gradient sums one partial block per task, in task order, and
 * the tasks depend only on the shape, so the result is the same on any number of threads.
 *
 * @packageDocumentation
 */
import type { Conv2DInfo } from '@neurona/core';
import { type Parallelism, rowsPerTask, withThreads } from './gemm.js';
import type { TaskName } from './kernel-exports.js';
import { DEPTHWISE, MEMORY } from './layout.js';
import type { Runtime } from './runtime.js';

/** Tasks per thread of a parallel forward or input-gradient job (small tasks balance a preempted thread). */
const TASKS_PER_THREAD = 8;
/** Partial blocks of a filter gradient (at most; fixed, so the sum does not depend on the threads). */
const FILTER_TASKS = 16;

/** Write the descriptor: operands `a`, `b`, result `out`, `rows` per task of `totalRows`. */
function writeDescriptor(
  rt: Runtime,
  info: Conv2DInfo,
  a: number,
  b: number,
  out: number,
  rows: number,
  totalRows: number,
): void {
  const w = rt.heap.i32();
  const d = MEMORY.DEPTHWISE >> 2;
  w[d + DEPTHWISE.A] = a;
  w[d + DEPTHWISE.B] = b;
  w[d + DEPTHWISE.OUT] = out;
  w[d + DEPTHWISE.H] = info.inHeight;
  w[d + DEPTHWISE.W] = info.inWidth;
  w[d + DEPTHWISE.C] = info.inChannels;
  w[d + DEPTHWISE.M] = info.outChannels / info.inChannels;
  w[d + DEPTHWISE.OUT_H] = info.outHeight;
  w[d + DEPTHWISE.OUT_W] = info.outWidth;
  w[d + DEPTHWISE.FH] = info.filterHeight;
  w[d + DEPTHWISE.FW] = info.filterWidth;
  w[d + DEPTHWISE.SH] = info.strideHeight;
  w[d + DEPTHWISE.SW] = info.strideWidth;
  w[d + DEPTHWISE.DH] = info.dilationHeight;
  w[d + DEPTHWISE.DW] = info.dilationWidth;
  w[d + DEPTHWISE.PAD_TOP] = info.padTop;
  w[d + DEPTHWISE.PAD_LEFT] = info.padLeft;
  w[d + DEPTHWISE.ROWS] = rows;
  w[d + DEPTHWISE.TOTAL_ROWS] = totalRows;
}

/** Multiply-adds of one pass (every tap of every output, padding included). */
function macsOf(info: Conv2DInfo): number {
  return (
    info.batch * info.outHeight * info.outWidth * info.filterHeight * info.filterWidth * info.outChannels
  );
}

/** Run `task` over `totalRows` rows, split into a few tasks per thread when parallel. */
function runRows(
  rt: Runtime,
  p: Parallelism,
  kind: string,
  task: TaskName,
  info: Conv2DInfo,
  operands: readonly [a: number, b: number, out: number],
  totalRows: number,
): void {
  withThreads(rt, p, kind, macsOf(info), (threads) => {
    const rows = rowsPerTask(totalRows, threads, TASKS_PER_THREAD);
    writeDescriptor(rt, info, ...operands, rows, totalRows);
    rt.run(task, MEMORY.DEPTHWISE, Math.ceil(totalRows / rows), threads);
  });
}

/**
 * Forward: image at `x` `[N, H, W, C]`, filter at `f` `[fh, fw, C, M]`, result `[N, outH, outW, C * M]`
 * written at `y` (every element, no zeroing needed).
 *
 * @example
 * ```ts
 * fastDepthwiseConv2d(rt, x, f, y, info, { threads: 2, threshold: 1 << 19 });
 * ```
 */
export function fastDepthwiseConv2d(
  rt: Runtime,
  x: number,
  f: number,
  y: number,
  info: Conv2DInfo,
  p: Parallelism,
): void {
  runRows(rt, p, 'depthwise', 'depthwiseTask', info, [x, f, y], info.batch * info.outHeight);
}

/**
 * Input gradient: output gradient at `dy`, filter at `f`, result `[N, H, W, C]` written at `dx`.
 *
 * @example
 * ```ts
 * fastDepthwiseConv2dGradInput(rt, dy, f, dx, info, parallelism);
 * ```
 */
export function fastDepthwiseConv2dGradInput(
  rt: Runtime,
  dy: number,
  f: number,
  dx: number,
  info: Conv2DInfo,
  p: Parallelism,
): void {
  const task = 'depthwiseGradInputTask';
  runRows(rt, p, 'depthwiseGradInput', task, info, [dy, f, dx], info.batch * info.inHeight);
}

/**
 * Filter gradient: image at `x`, output gradient at `dy`, result `[fh, fw, C, M]` written at `dw`.
 *
 * @example
 * ```ts
 * fastDepthwiseConv2dGradFilter(rt, x, dy, dw, info, parallelism);
 * ```
 */
export function fastDepthwiseConv2dGradFilter(
  rt: Runtime,
  x: number,
  dy: number,
  dw: number,
  info: Conv2DInfo,
  p: Parallelism,
): void {
  const size = info.filterHeight * info.filterWidth * info.outChannels;
  const totalRows = info.batch * info.outHeight;
  if (totalRows === 0 || info.outWidth === 0) {
    rt.kernels.fillF32(dw, size, 0);
    return;
  }
  const rows = Math.ceil(totalRows / Math.min(totalRows, FILTER_TASKS));
  const tasks = Math.ceil(totalRows / rows);
  const partialBytes = tasks * size * 4;
  const partials = rt.heap.alloc(partialBytes);
  try {
    withThreads(rt, p, 'depthwiseGradFilter', macsOf(info), (threads) => {
      writeDescriptor(rt, info, x, dy, partials, rows, totalRows);
      rt.run('depthwiseGradFilterTask', MEMORY.DEPTHWISE, tasks, threads);
    });
    rt.kernels.sumPartials(dw, partials, tasks, size, size, 0);
  } finally {
    rt.heap.free(partials, partialBytes);
  }
}
