/**
 * Runs a whole benchmark: every selected cell, one after the other (never two at once: they would share
 * the two cores), each in a child process of its own by default, then gathers the report.
 */
import { execFileSync, fork } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { type CellResult, type CellSpec, emptyResult, runCell } from './cell.js';
import {
  COLUMN_DESCRIPTIONS,
  type ColumnId,
  columnClass,
  columnSide,
  findNeuronaFactory,
  GPU_WORKLOADS,
  gpuRuns,
} from './columns.js';
import { type Comparison, compareRow } from './compare.js';
import { workloadFlops } from './flops.js';
import type { TimingOptions } from './measure.js';
import { measureSimdPeak, type SimdPeak } from './peak.js';
import { torchAvailability } from './run-torch.js';
import { oneLine } from './table.js';
import { batchSizeOf, type Mode, modesOf, tokensPerSample, unitOf, type Workload } from './workloads.js';

/**
 * What to run.
 *
 * @example
 * ```ts
 * const o: BenchOptions = { workloads: selectWorkloads(['mlp'], false), modes: ['train'], columns: ['neurona-cpu'],
 *   quick: false, seed: 1, timing, isolate: true, cellTimeoutSeconds: 1800 };
 * ```
 */
export interface BenchOptions {
  workloads: readonly Workload[];
  modes: readonly Mode[];
  columns: readonly ColumnId[];
  quick: boolean;
  seed: number;
  timing: TimingOptions;
  /** Run each cell in a child process (clean tfjs registry, clean peak RSS); false runs them in-process. */
  isolate: boolean;
  cellTimeoutSeconds: number;
  /** Run the WebGPU columns on every workload, not only on {@link GPU_WORKLOADS}. */
  webgpuAll?: boolean;
  /** Pass the child processes' output through to stderr. */
  verbose?: boolean;
  /** Measure the WebAssembly SIMD peak first (see `peak.ts`), when a Neurona CPU/WASM column runs. */
  peak?: boolean;
  /** Called with one line per finished cell. */
  onProgress?: (line: string) => void;
}

/**
 * Everything a run measured, as written by `--json`.
 *
 * @example
 * ```ts
 * const report: BenchReport = await runBench(options);
 * report.comparisons[0].ratio;
 * ```
 */
export interface BenchReport {
  tool: '@neurona/bench';
  /** When the run started. */
  date: string;
  commit: string;
  /** Whether the working tree had uncommitted changes (null when git is unavailable). */
  dirty: boolean | null;
  /** The folders (two levels deep) holding those changes. */
  changedFolders: string[];
  command: string;
  machine: {
    cpu: string;
    cores: number;
    memoryGiB: number;
    node: string;
    v8: string;
    platform: string;
    loadAverageStart: number[];
    loadAverageEnd: number[];
  };
  settings: { quick: boolean; seed: number; isolate: boolean; webgpuAll?: boolean } & TimingOptions;
  columns: { id: ColumnId; side: 'ours' | 'peer'; description: string }[];
  workloads: {
    name: string;
    description: string;
    unit: string;
    batchSize: number;
    flopsPerSample: { train: number; infer: number };
    /** Characters (tokens) per sample of a character model: its window length. */
    tokensPerSample?: number;
  }[];
  results: CellResult[];
  /** Best Neurona CPU/WebAssembly column against the best CPU/WebAssembly peer (issue 5's targets). */
  comparisons: Comparison[];
  /** neurona-webgpu against tfjs-webgpu (issue 7's target), when a WebGPU column ran. */
  gpuComparisons?: Comparison[];
  /** Best Neurona CPU/WebAssembly column against torch-cpu (issue 18), when the torch column ran. */
  torchComparisons?: Comparison[];
  /** This machine's WebAssembly SIMD peak, measured at the start of the run. */
  peak?: SimdPeak;
}

function git(args: string[]): string | null {
  try {
    // Only the end is trimmed: porcelain lines start with a significant space (' M path').
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trimEnd();
  } catch {
    return null;
  }
}

/** The last `max` characters of what a child process printed. */
class Tail {
  private text = '';
  constructor(private readonly max: number) {}
  add(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-this.max);
  }
  toString(): string {
    return this.text;
  }
}

/**
 * The distinct two-level folders of `git status --porcelain` output.
 *
 * @example
 * ```ts
 * changedFolders(' M apps/bench/src/cli.ts\n?? packages/core/x.ts\n'); // ['apps/bench', 'packages/core']
 * ```
 */
export function changedFolders(porcelain: string): string[] {
  const folders = porcelain
    .split('\n')
    .filter((l) => l.length > 3)
    .map((l) => l.slice(3).split(' -> ').pop()!.split('/').slice(0, 2).join('/'));
  return [...new Set(folders)].sort();
}

function runInChild(spec: CellSpec, timeoutSeconds: number, verbose: boolean): Promise<CellResult> {
  const entry = fileURLToPath(new URL('./cli.js', import.meta.url));
  // The child's output is kept (its tail goes into the result of a failed cell), or shown with --verbose.
  const child = fork(entry, ['--worker', JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const tail = new Tail(4000);
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      tail.add(chunk);
      if (verbose) process.stderr.write(chunk);
    });
  }
  return new Promise((resolve) => {
    let result: CellResult | null = null;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutSeconds * 1000);
    child.on('message', (m) => {
      result = m as CellResult;
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve(emptyResult(spec, 'error', 'error', `cannot start worker: ${e.message}`, true));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const why = timedOut
        ? `timed out after ${timeoutSeconds} s`
        : `worker exited (${signal ?? `code ${code}`}) before reporting`;
      const r = result ?? emptyResult(spec, 'error', timedOut ? 'timeout' : 'error', why, true);
      resolve(r.status === 'ok' || tail.toString() === '' ? r : { ...r, log: tail.toString() });
    });
  });
}

/**
 * One line describing a finished cell, for progress output.
 *
 * @example
 * ```ts
 * progressLine(result, 3, 40); // '[ 3/40] mlp train tfjs-cpu: 812 samples/s (790-830), 0.33 GFLOP/s, 210 MiB'
 * ```
 */
export function progressLine(r: CellResult, index: number, total: number): string {
  const n = String(total).length;
  const head = `[${String(index).padStart(n)}/${total}] ${r.workload} ${r.mode} ${r.column}:`;
  if (r.status !== 'ok' || !r.throughput || !r.gflops)
    return `${head} ${r.message ?? r.status} ${oneLine(r.detail ?? '', 300)}`;
  const t = r.throughput;
  const f = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toPrecision(3));
  return (
    `${head} ${f(t.median)} ${r.unit}/s (${f(t.min)}-${f(t.max)}), ${r.gflops.median.toPrecision(3)} GFLOP/s, ` +
    `${Math.round(r.peakRssMiB ?? 0)} MiB, ${r.batchesPerRep} batch(es)/rep`
  );
}

/**
 * Run every selected cell and gather the report. `tfjs-wasm+patch` runs only where `tfjs-wasm` (when
 * selected) reported a missing kernel; elsewhere it would measure the same kernels again.
 *
 * @example
 * ```ts
 * const report = await runBench(options);
 * console.log(formatReport(report));
 * ```
 */
export async function runBench(o: BenchOptions): Promise<BenchReport> {
  const loadAverageStart = os.loadavg();
  const date = new Date().toISOString();
  // The code measured is the code at the start (a shared working tree may move during a long run).
  const commit = git(['rev-parse', 'HEAD']) ?? 'unknown';
  const status = git(['status', '--porcelain']);
  const unavailable = new Map<ColumnId, { reason: string; detail: string }>();
  for (const c of o.columns) {
    if (c === 'torch-cpu') {
      const t = torchAvailability();
      if (!t.ok) unavailable.set(c, { reason: t.reason, detail: t.detail });
    }
    if (columnSide(c) !== 'ours') continue;
    const f = await findNeuronaFactory(c);
    if (!f.ok) unavailable.set(c, { reason: f.reason, detail: f.detail });
  }
  const specs: CellSpec[] = [];
  for (const w of o.workloads) {
    for (const mode of modesOf(w, o.modes)) {
      for (const column of o.columns) {
        specs.push({ workload: w.name, mode, column, quick: o.quick, seed: o.seed, timing: o.timing });
      }
    }
  }
  const wantPeak =
    (o.peak ?? false) && o.columns.some((c) => columnSide(c) === 'ours' && columnClass(c) === 'cpu');
  const peak = wantPeak ? await measureSimdPeak() : undefined;
  if (peak) {
    o.onProgress?.(
      `WebAssembly ${peak.variant} peak: ${peak.allThreads.toFixed(1)} GFLOP/s on ${peak.threads} threads, ${peak.oneThread.toFixed(1)} on one`,
    );
  }
  const results: CellResult[] = [];
  for (const [i, spec] of specs.entries()) {
    const missing = unavailable.get(spec.column);
    const wasm = results.find(
      (r) => r.column === 'tfjs-wasm' && r.workload === spec.workload && r.mode === spec.mode,
    );
    let r: CellResult;
    if (missing) {
      r = emptyResult(spec, 'unavailable', missing.reason, missing.detail, o.isolate);
    } else if (columnClass(spec.column) === 'gpu' && !o.webgpuAll && !gpuRuns(spec.workload, o.quick)) {
      r = emptyResult(
        spec,
        'not-run',
        'skipped',
        `WebGPU columns run only ${GPU_WORKLOADS.join(', ')} by default: on this machine's emulated GPU ` +
          '(SwiftShader, ~0.2-0.6 GFLOP/s) the other workloads take minutes per cell; --webgpu-all runs them',
        o.isolate,
      );
    } else if (spec.column === 'tfjs-wasm+patch' && wasm && wasm.status !== 'missing-kernel') {
      r = emptyResult(
        spec,
        'not-run',
        '= tfjs-wasm',
        'tfjs-wasm has every kernel this cell needs',
        o.isolate,
      );
    } else {
      r = o.isolate
        ? await runInChild(spec, o.cellTimeoutSeconds, o.verbose ?? false)
        : await runCell(spec, false);
    }
    results.push(r);
    o.onProgress?.(progressLine(r, i + 1, specs.length));
  }
  const cpus = os.cpus();
  return {
    tool: '@neurona/bench',
    date,
    commit,
    dirty: status === null ? null : status.length > 0,
    changedFolders: changedFolders(status ?? ''),
    command: process.argv.slice(2).join(' '),
    machine: {
      cpu: cpus[0]?.model ?? 'unknown',
      cores: cpus.length,
      memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      node: process.version,
      v8: process.versions.v8,
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      loadAverageStart,
      loadAverageEnd: os.loadavg(),
    },
    settings: {
      quick: o.quick,
      seed: o.seed,
      isolate: o.isolate,
      webgpuAll: o.webgpuAll ?? false,
      ...o.timing,
    },
    columns: o.columns.map((id) => ({ id, side: columnSide(id), description: COLUMN_DESCRIPTIONS[id] })),
    workloads: o.workloads.map((w) => ({
      name: w.name,
      description: w.description,
      unit: unitOf(w),
      batchSize: batchSizeOf(w),
      flopsPerSample: { train: workloadFlops(w, 'train'), infer: workloadFlops(w, 'infer') },
      ...(tokensPerSample(w) === null ? {} : { tokensPerSample: tokensPerSample(w)! }),
    })),
    results,
    ...(peak ? { peak } : {}),
    comparisons: o.workloads.flatMap((w) => modesOf(w, o.modes).map((m) => compareRow(w.name, m, results))),
    ...(o.columns.some((c) => columnClass(c) === 'gpu')
      ? {
          gpuComparisons: o.workloads.flatMap((w) =>
            modesOf(w, o.modes).map((m) => compareRow(w.name, m, results, 'gpu')),
          ),
        }
      : {}),
    ...(o.columns.includes('torch-cpu')
      ? {
          torchComparisons: o.workloads.flatMap((w) =>
            modesOf(w, o.modes).map((m) => compareRow(w.name, m, results, 'torch')),
          ),
        }
      : {}),
  };
}
