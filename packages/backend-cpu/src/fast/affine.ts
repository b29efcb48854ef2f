/**
 * channelAffine on the fast path: the WebAssembly SIMD kernel of assembly/affine.ts, split by rows over
 * the worker pool. Each task writes its own rows, so the result does not depend on the threads.
 *
 * @packageDocumentation
 */
import { type Parallelism, rowsPerTask, withThreads } from './gemm.js';
import { AFFINE, MEMORY } from './layout.js';
import type { Runtime } from './runtime.js';

/** Tasks per thread of a parallel job (small tasks balance a preempted thread). */
const TASKS_PER_THREAD = 4;
/** Row length when there are no vectors (any length works then; this one keeps rows a few KiB). */
const FLAT_ROW = 4096;
/**
 * Weight of one element against the threshold (which counts multiply-adds): a pass over memory is
 * cheap per element, but large activations still gain from the second core (the choice is measured).
 */
const ELEMENT_WEIGHT = 4;

/**
 * Addresses of a channelAffine call: `x`, the `[c]` vectors (0 for none) and the output.
 *
 * @example
 * ```ts
 * const ptrs: AffinePointers = { x, mean: 0, scale: s, offset: 0, out };
 * ```
 */
export interface AffinePointers {
  readonly x: number;
  readonly mean: number;
  readonly scale: number;
  readonly offset: number;
  readonly out: number;
}

/**
 * `out = act((x - mean) * scale + offset)` over `n` elements in rows of `c` channels (`n > 0`).
 *
 * @example
 * ```ts
 * fastChannelAffine(rt, { x, mean: m, scale: s, offset: o, out }, n, c, false, { threads: 2, threshold: 1 << 19 });
 * ```
 */
export function fastChannelAffine(
  rt: Runtime,
  p: AffinePointers,
  n: number,
  c: number,
  relu6: boolean,
  par: Parallelism,
): void {
  const flat = p.mean === 0 && p.scale === 0 && p.offset === 0;
  const row = flat ? Math.min(n, FLAT_ROW) : c;
  const totalRows = Math.ceil(n / row);
  withThreads(rt, par, 'channelAffine', n * ELEMENT_WEIGHT, (threads) => {
    const rows = rowsPerTask(totalRows, threads, TASKS_PER_THREAD);
    const w = rt.heap.i32();
    const d = MEMORY.AFFINE >> 2;
    w[d + AFFINE.X] = p.x;
    w[d + AFFINE.MEAN] = p.mean;
    w[d + AFFINE.SCALE] = p.scale;
    w[d + AFFINE.OFFSET] = p.offset;
    w[d + AFFINE.OUT] = p.out;
    w[d + AFFINE.C] = row;
    w[d + AFFINE.N] = n;
    w[d + AFFINE.ROWS] = rows;
    w[d + AFFINE.RELU6] = relu6 ? 1 : 0;
    rt.run('channelAffineTask', MEMORY.AFFINE, Math.ceil(totalRows / rows), threads);
  });
}
