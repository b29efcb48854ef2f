/**
 * One cell of the table: one workload, in one mode, on one column. {@link runCell} runs it in the current
 * process; the orchestrator runs each cell in a child process of its own (see `orchestrate.ts`).
 */
import * as nr from '@neurona/core';
import { type ColumnId, columnSide, errorText, findNeuronaFactory } from './columns.js';
import { workloadFlops } from './flops.js';
import { measure, type Session, type TimingOptions, type Timings } from './measure.js';
import { neuronaSession } from './run-neurona.js';
import { runTorchTimings, torchAvailability } from './run-torch.js';
import { mapSummary, type Summary, summarize } from './stats.js';
import { batchSizeOf, findWorkload, type Mode, unitOf } from './workloads.js';

/**
 * Everything a (child) process needs to run one cell; serialisable as JSON.
 *
 * @example
 * ```ts
 * const spec: CellSpec = { workload: 'mlp', mode: 'train', column: 'tfjs-cpu', quick: true, seed: 1, timing };
 * ```
 */
export interface CellSpec {
  workload: string;
  mode: Mode;
  column: ColumnId;
  quick: boolean;
  seed: number;
  timing: TimingOptions;
}

/**
 * `ok`: measured; `unavailable`: the backend cannot be loaded here; `missing-kernel`: the framework lacks
 * a kernel the workload needs; `error`: anything else went wrong; `not-run`: deliberately skipped.
 *
 * @example
 * ```ts
 * const s: CellStatus = 'missing-kernel';
 * ```
 */
export type CellStatus = 'ok' | 'unavailable' | 'missing-kernel' | 'error' | 'not-run';

/**
 * The outcome of one cell, as written to the JSON report.
 *
 * @example
 * ```ts
 * if (r.status === 'ok') console.log(r.throughput!.median, r.gflops!.median, r.peakRssMiB);
 * ```
 */
export interface CellResult {
  workload: string;
  mode: Mode;
  column: ColumnId;
  status: CellStatus;
  /** Why the cell is not `ok` (short, for the table), and the full text. */
  message?: string;
  detail?: string;
  /** What one "sample" is: a model example, or one matrix product. */
  unit: 'samples' | 'products';
  batchSize: number;
  flopsPerSample: number;
  batchesPerRep?: number;
  samplesPerRep?: number;
  repSeconds?: number[];
  /** True when the time budget cut the cell to its first (warm-up) batch: a rough estimate. */
  estimate?: boolean;
  /** Samples (or products) per second over the repetitions. */
  throughput?: Summary;
  /** Achieved GFLOP/s, from {@link workloadFlops}. */
  gflops?: Summary;
  /** Peak resident set size of the process that ran the cell, in MiB. */
  peakRssMiB?: number;
  /** True when the cell had its process to itself (then the peak RSS is the cell's own). */
  isolated: boolean;
  /** The tail of what the cell's child process printed, kept for cells that are not `ok`. */
  log?: string;
  /** Backend facts: versions, SIMD, threads, patched kernels and how often they ran. */
  facts?: Record<string, string | number | boolean>;
}

/**
 * The kernel a tfjs error says is missing, or null; tfjs throws
 * `Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'`.
 *
 * @example
 * ```ts
 * missingKernel("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'"); // 'Conv2DBackpropFilter'
 * ```
 */
export function missingKernel(message: string): string | null {
  return /Kernel '(\w+)' not registered for backend/.exec(message)?.[1] ?? null;
}

/**
 * A result with no measurement (for unavailable, failed or skipped cells).
 *
 * @example
 * ```ts
 * emptyResult(spec, 'not-run', 'same as tfjs-wasm', '', true);
 * ```
 */
export function emptyResult(
  spec: CellSpec,
  status: Exclude<CellStatus, 'ok'>,
  message: string,
  detail: string,
  isolated: boolean,
): CellResult {
  return { ...baseResult(spec, isolated), status, message, detail };
}

/** The result of a measured cell: throughput and GFLOP/s summarised over the repetitions. */
function measuredResult(
  spec: CellSpec,
  isolated: boolean,
  t: Timings,
  peakRssMiB: number,
  facts: Record<string, string | number | boolean>,
): CellResult {
  const w = findWorkload(spec.workload, spec.quick);
  const samplesPerRep = t.batchesPerRep * batchSizeOf(w);
  const throughput = summarize(t.repSeconds.map((s) => samplesPerRep / s));
  const flopsPerSample = workloadFlops(w, spec.mode);
  return {
    ...baseResult(spec, isolated),
    status: 'ok',
    batchesPerRep: t.batchesPerRep,
    samplesPerRep,
    repSeconds: t.repSeconds,
    estimate: t.estimate,
    throughput,
    gflops: mapSummary(throughput, (v) => (v * flopsPerSample) / 1e9),
    peakRssMiB,
    facts,
  };
}

/** A `torch-cpu` cell: timed by the Python child, or unavailable when PyTorch is not installed. */
function torchCell(spec: CellSpec, isolated: boolean): CellResult {
  const t = torchAvailability();
  if (!t.ok) return emptyResult(spec, 'unavailable', t.reason, t.detail, isolated);
  try {
    const r = runTorchTimings(spec);
    return measuredResult(spec, true, r, r.peakRssMiB, r.facts);
  } catch (e) {
    return emptyResult(spec, 'error', 'error', errorText(e), true);
  }
}

function baseResult(spec: CellSpec, isolated: boolean): Omit<CellResult, 'status'> {
  const w = findWorkload(spec.workload, spec.quick);
  return {
    workload: spec.workload,
    mode: spec.mode,
    column: spec.column,
    unit: unitOf(w),
    batchSize: batchSizeOf(w),
    flopsPerSample: workloadFlops(w, spec.mode),
    isolated,
  };
}

interface Prepared {
  session: Session;
  release: () => void;
  facts: () => Record<string, string | number | boolean>;
}

async function prepareCell(spec: CellSpec): Promise<Prepared | { unavailable: string; detail: string }> {
  const w = findWorkload(spec.workload, spec.quick);
  if (columnSide(spec.column) === 'peer') {
    const { tfjsSession } = await import('./run-tfjs.js');
    const peer = await tfjsSession(spec.column as 'tfjs-cpu', w, spec.mode, spec.seed);
    return { session: peer.session, release: () => peer.release(), facts: () => peer.facts() };
  }
  const factory = await findNeuronaFactory(spec.column);
  if (!factory.ok) return { unavailable: factory.reason, detail: factory.detail };
  let backend: nr.Backend;
  try {
    backend = await factory.create();
  } catch (e) {
    return { unavailable: 'n/a (no device)', detail: errorText(e) };
  }
  await nr.setBackend(backend);
  const session = neuronaSession(w, spec.mode, spec.seed);
  return { session, release: () => session.dispose(), facts: () => ({ backend: backend.name }) };
}

/**
 * Run one cell in this process: load the column's backend, build the workload, warm up, time the
 * repetitions and summarise them. Never throws for a failing backend: the failure is the result.
 *
 * @example
 * ```ts
 * const r = await runCell({ workload: 'mlp', mode: 'infer', column: 'neurona-cpu', quick: true, seed: 1, timing }, false);
 * ```
 */
export async function runCell(spec: CellSpec, isolated: boolean): Promise<CellResult> {
  const w = findWorkload(spec.workload, spec.quick);
  const rss = (): number => process.resourceUsage().maxRSS / 1024;
  if (spec.column === 'torch-cpu') return torchCell(spec, isolated);
  let prepared: Prepared | null = null;
  try {
    const p = await prepareCell(spec);
    if ('unavailable' in p) return emptyResult(spec, 'unavailable', p.unavailable, p.detail, isolated);
    prepared = p;
    const perExample = w.kind === 'model' ? w.inputShape.reduce((a, b) => a * b, 1) : 0;
    const bytesPerBatch = 4 * batchSizeOf(w) * (perExample + 1);
    const t = await measure(p.session, bytesPerBatch, spec.timing);
    return measuredResult(spec, isolated, t, rss(), p.facts());
  } catch (e) {
    const text = errorText(e);
    const kernel = missingKernel(text);
    const result = kernel
      ? emptyResult(spec, 'missing-kernel', `no kernel ${kernel}`, text, isolated)
      : emptyResult(spec, 'error', 'error', text, isolated);
    return { ...result, peakRssMiB: rss(), facts: prepared?.facts() };
  } finally {
    prepared?.release();
  }
}
