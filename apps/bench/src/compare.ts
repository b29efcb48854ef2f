/**
 * Our best backend against the best peer, per row: the CPU/WebAssembly columns against each other with the
 * targets of issues 5 and 18, separately the WebGPU columns against each other with the target of issue 7, and
 * our best CPU/WebAssembly column against PyTorch on the CPU (issue 18).
 */
import type { CellResult } from './cell.js';
import { type ColumnId, columnClass, columnSide } from './columns.js';
import type { Mode } from './workloads.js';

/**
 * A performance target: a minimum ratio of our best median to the best peer's, and possibly a minimum
 * absolute throughput.
 *
 * @example
 * ```ts
 * const t: Target = { ratio: 2, minThroughput: 3000, text: '>= 2x and >= 3,000/s' };
 * ```
 */
export interface Target {
  ratio: number;
  minThroughput?: number;
  text: string;
}

/**
 * The targets for the CPU/WebAssembly columns against the best TensorFlow.js peer: training >= 2x (issue 5:
 * LSTM and GRU >= 5x; the small CNN also >= 3,000 samples/s), inference >= 1.5x (issue 18). The character
 * model (issue 8) has no target: its throughput is only reported.
 *
 * @example
 * ```ts
 * targetFor('gru', 'train'); // { ratio: 5, text: '>= 5x' }
 * ```
 */
export function targetFor(workload: string, mode: Mode): Target | null {
  if (workload === 'char-lstm') return null;
  if (mode === 'infer') return { ratio: 1.5, text: '>= 1.5x' };
  if (workload === 'lstm' || workload === 'gru') return { ratio: 5, text: '>= 5x' };
  if (workload === 'cnn-small') return { ratio: 2, minThroughput: 3000, text: '>= 2x, >= 3,000/s' };
  return { ratio: 2, text: '>= 2x' };
}

/**
 * Whether a cell's time goes mostly to large matrix products (GEMM): the matmul workloads, the large CNN,
 * and the MLP's inference. PyTorch runs those on 512-bit vectors; WebAssembly has 128-bit SIMD, so their bar
 * is a fraction of this machine's WebAssembly peak rather than PyTorch (issue 18).
 *
 * @example
 * ```ts
 * gemmBound('cnn-large', 'train'); // true
 * ```
 */
export function gemmBound(workload: string, mode: Mode): boolean {
  return (
    workload.startsWith('matmul-') || workload === 'cnn-large' || (workload === 'mlp' && mode === 'infer')
  );
}

/**
 * Issue 18's target against PyTorch on the CPU: at least as fast on every cell that is not GEMM-bound
 * (see {@link gemmBound}); none on the GEMM-bound ones.
 *
 * @example
 * ```ts
 * torchTargetFor('lstm', 'infer'); // { ratio: 1, text: '>= 1x' }
 * ```
 */
export function torchTargetFor(workload: string, mode: Mode): Target | null {
  return gemmBound(workload, mode) ? null : { ratio: 1, text: '>= 1x' };
}

/**
 * Issue 7's target for the WebGPU columns, on the same (emulated) adapter: neurona-webgpu at least as fast
 * as tfjs-webgpu on matMul 512 (both modes) and on the small CNN's training step; none elsewhere.
 *
 * @example
 * ```ts
 * gpuTargetFor('cnn-small', 'train'); // { ratio: 1, text: '>= 1x' }
 * ```
 */
export function gpuTargetFor(workload: string, mode: Mode): Target | null {
  if (workload === 'matmul-512' || (workload === 'cnn-small' && mode === 'train'))
    return { ratio: 1, text: '>= 1x' };
  return null;
}

/**
 * One row's comparison.
 *
 * @example
 * ```ts
 * const c: Comparison = { workload: 'mlp', mode: 'train', ours: { column: 'neurona-cpu', median: 900 },
 *   peer: { column: 'tfjs-wasm', median: 4500 }, ratio: 0.2, target, met: false };
 * ```
 */
export interface Comparison {
  workload: string;
  mode: Mode;
  ours: { column: string; median: number } | null;
  peer: { column: string; median: number } | null;
  /** `ours.median / peer.median`, or null when either side has no measurement. */
  ratio: number | null;
  /** The target, or null when the row has none. */
  target: Target | null;
  /** Whether the target is met; null when there is no ratio or no target. */
  met: boolean | null;
}

function best(cells: readonly CellResult[]): { column: string; median: number } | null {
  let top: { column: string; median: number } | null = null;
  for (const c of cells) {
    const m = c.status === 'ok' ? c.throughput?.median : undefined;
    if (m !== undefined && (!top || m > top.median)) top = { column: c.column, median: m };
  }
  return top;
}

/**
 * Compare the best of our columns with the best peer for one row (one workload in one mode), among the
 * columns of one class: `cpu` (the default; issue 5's targets) or `gpu` (neurona-webgpu / tfjs-webgpu;
 * issue 7's target).
 *
 * @example
 * ```ts
 * const c = compareRow('mlp', 'train', results);
 * c.ratio; // e.g. 0.21
 * ```
 */
export function compareRow(
  workload: string,
  mode: Mode,
  results: readonly CellResult[],
  cls: 'cpu' | 'gpu' | 'torch' = 'cpu',
): Comparison {
  const row = results.filter((r) => r.workload === workload && r.mode === mode);
  const of = (c: string): string => columnClass(c as ColumnId);
  // Against PyTorch, our side is the best CPU/WebAssembly column.
  const ours = best(
    row.filter((r) => columnSide(r.column) === 'ours' && of(r.column) === (cls === 'gpu' ? 'gpu' : 'cpu')),
  );
  const peer = best(row.filter((r) => columnSide(r.column) === 'peer' && of(r.column) === cls));
  const ratio = ours && peer ? ours.median / peer.median : null;
  const target =
    cls === 'cpu'
      ? targetFor(workload, mode)
      : cls === 'gpu'
        ? gpuTargetFor(workload, mode)
        : torchTargetFor(workload, mode);
  const met =
    ratio === null || !ours || !target
      ? null
      : ratio >= target.ratio && (target.minThroughput === undefined || ours.median >= target.minThroughput);
  return { workload, mode, ours, peer, ratio, target, met };
}
