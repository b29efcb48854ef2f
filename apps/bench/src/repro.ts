/**
 * The cross-backend reproducibility report (`npm run repro`, issue 17 part 5): train the same model from the
 * same seed on every Neurona backend that starts here, twice each, and compare the final weights with the CPU
 * backend's (largest absolute difference) and with the backend's own second run (bitwise equality).
 */
import * as nr from '@neurona/core';
import { type ColumnId, errorText, findNeuronaFactory, type NeuronaFactory } from './columns.js';
import { neuronaModel } from './run-neurona.js';
import { syntheticBatch } from './sessions.js';
import { findWorkload, type ModelWorkload } from './workloads.js';

/**
 * The workloads the report trains: the bench's small CNN and its LSTM classifier.
 *
 * @example
 * ```ts
 * REPRO_WORKLOADS; // ['cnn-small', 'lstm']
 * ```
 */
export const REPRO_WORKLOADS = ['cnn-small', 'lstm'] as const;

/**
 * One of {@link REPRO_WORKLOADS}.
 *
 * @example
 * ```ts
 * const w: ReproWorkload = 'lstm';
 * ```
 */
export type ReproWorkload = (typeof REPRO_WORKLOADS)[number];

/**
 * What to train and where.
 *
 * @example
 * ```ts
 * const o: ReproOptions = { workloads: ['cnn-small'], backends: ['neurona-cpu', 'neurona-wasm'], steps: 100, seed: 1 };
 * ```
 */
export interface ReproOptions {
  workloads: readonly ReproWorkload[];
  /** Neurona columns to try; the first must be `neurona-cpu` (the reference). */
  backends: readonly ColumnId[];
  /** Optimizer steps (batches) per run. */
  steps: number;
  seed: number;
  /** Examples per step (default: the bench workload's, 64 for cnn-small, 32 for lstm). */
  batchSize?: number;
  /** Time steps of the LSTM's sequences (default: the bench workload's, 50). */
  timeSteps?: number;
  /** Called with one line per finished run. */
  onProgress?: (line: string) => void;
  /** Where a column's backend comes from (default {@link findNeuronaFactory}; tests pass their own). */
  resolve?: (column: ColumnId) => Promise<NeuronaFactory>;
}

/**
 * One row of the report: a workload on a backend.
 *
 * @example
 * ```ts
 * if (row.status === 'ok') console.log(row.maxAbsDiff, row.bitwiseRepeatable);
 * ```
 */
export interface ReproRow {
  workload: ReproWorkload;
  backend: ColumnId;
  /** `unavailable`: the backend does not start here; `error`: training failed. */
  status: 'ok' | 'unavailable' | 'error';
  /** Why the row has no figures. */
  detail?: string;
  /** Largest `|w - w_cpu|` over every weight after training (0 for the CPU row itself). */
  maxAbsDiff?: number;
  /** {@link ReproRow.maxAbsDiff} divided by the largest `|w_cpu|`. */
  maxRelDiff?: number;
  /** Whether a second run on the same backend gave bit-for-bit the same weights. */
  bitwiseRepeatable?: boolean;
  /** The training loss of the last step of the first run. */
  finalLoss?: number;
}

/**
 * The whole report, as `--json` writes it.
 *
 * @example
 * ```ts
 * const report: ReproReport = await runRepro(options);
 * ```
 */
export interface ReproReport {
  steps: number;
  seed: number;
  /** The model each workload trained, with its batch size. */
  workloads: { name: ReproWorkload; description: string; batchSize: number; params: number }[];
  rows: ReproRow[];
}

/**
 * The bench workload `name` with the report's batch size and sequence length applied.
 *
 * @example
 * ```ts
 * reproWorkload('lstm', { batchSize: 4, timeSteps: 5 }).inputShape; // [5, 8]
 * ```
 */
export function reproWorkload(
  name: ReproWorkload,
  o: Pick<ReproOptions, 'batchSize' | 'timeSteps'>,
): ModelWorkload {
  const w = findWorkload(name, false);
  if (w.kind !== 'model') throw new Error(`repro: '${name}' is not a model workload`);
  const inputShape = name === 'lstm' && o.timeSteps !== undefined ? [o.timeSteps, 8] : w.inputShape;
  const batchSize = o.batchSize ?? w.batchSize;
  const description = w.description
    .replace(/\d+x8 sequences/, `${inputShape[0]}x8 sequences`)
    .replace(/batch \d+/, `batch ${batchSize}`);
  return { ...w, batchSize, inputShape, description };
}

/**
 * Train `w` for `steps` Adam steps from `seed` on the current backend (`nr.setBackend` first): the model's
 * weights are seeded, the data are the bench's seeded synthetic batches, one epoch without shuffling. Returns
 * every weight's values after training, and the last step's loss; frees every tensor it made.
 *
 * @example
 * ```ts
 * await nr.setBackend(cpu());
 * const { weights, finalLoss } = await trainWeights(reproWorkload('cnn-small', {}), 100, 1);
 * ```
 */
export async function trainWeights(
  w: ModelWorkload,
  steps: number,
  seed: number,
): Promise<{ weights: Float32Array[]; finalLoss: number }> {
  nr.seed(seed);
  const model = neuronaModel(w);
  const n = steps * w.batchSize;
  const data = syntheticBatch(w, n, seed);
  const x = nr.tensor(data.x, [n, ...w.inputShape]);
  const y = nr.tensor(data.labels, data.labelShape, 'int32');
  try {
    let finalLoss = Number.NaN;
    const lastLoss: nr.Callback = {
      onBatchEnd: (_batch, logs) => {
        finalLoss = Number(logs?.loss);
      },
    };
    await model.fit(x, y, {
      epochs: 1,
      batchSize: w.batchSize,
      shuffle: false,
      verbose: 0,
      callbacks: [lastLoss],
    });
    const weights: Float32Array[] = [];
    for (const v of model.weights) weights.push(Float32Array.from(await v.data()));
    return { weights, finalLoss };
  } finally {
    nr.dispose([x, y]);
    model.dispose();
  }
}

function checkSameLayout(a: readonly Float32Array[], b: readonly Float32Array[], what: string): void {
  if (a.length !== b.length || a.some((w, i) => w.length !== b[i]!.length)) {
    throw new Error(
      `${what}: weight lists differ in layout (${a.map((w) => w.length).join(',')} vs ${b.map((w) => w.length).join(',')})`,
    );
  }
}

/**
 * The largest `|a - b|` over two lists of weights of the same layout (NaN if either side has a NaN).
 *
 * @example
 * ```ts
 * maxAbsDiff([new Float32Array([1, 2])], [new Float32Array([1, 2.5])]); // 0.5
 * ```
 */
export function maxAbsDiff(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  checkSameLayout(a, b, 'maxAbsDiff');
  let max = 0;
  for (const [i, wa] of a.entries()) {
    const wb = b[i]!;
    for (let j = 0; j < wa.length; j++) {
      const d = Math.abs(wa[j]! - wb[j]!);
      if (Number.isNaN(d)) return Number.NaN;
      if (d > max) max = d;
    }
  }
  return max;
}

/**
 * Whether two lists of weights hold the same bits (so `-0` differs from `0`, and a NaN equals the same NaN).
 *
 * @example
 * ```ts
 * bitwiseEqual([new Float32Array([0])], [new Float32Array([-0])]); // false
 * ```
 */
export function bitwiseEqual(a: readonly Float32Array[], b: readonly Float32Array[]): boolean {
  checkSameLayout(a, b, 'bitwiseEqual');
  return a.every((wa, i) => {
    const ua = new Uint32Array(wa.buffer, wa.byteOffset, wa.length);
    const wb = b[i]!;
    const ub = new Uint32Array(wb.buffer, wb.byteOffset, wb.length);
    return ua.every((v, j) => v === ub[j]);
  });
}

function largestMagnitude(ws: readonly Float32Array[]): number {
  let max = 0;
  for (const w of ws) for (const v of w) max = Math.max(max, Math.abs(v));
  return max;
}

function currentBackend(): nr.Backend | null {
  try {
    return nr.getBackend();
  } catch {
    return null; // none set yet
  }
}

/** Run `f` on a fresh backend from `create`, then put the previous backend (if any) back. */
async function onBackend<T>(create: () => Promise<nr.Backend>, f: () => Promise<T>): Promise<T> {
  const previous = currentBackend();
  const backend: nr.Backend & { destroy?: () => void } = await create();
  await nr.setBackend(backend);
  try {
    return await f();
  } finally {
    if (previous) {
      await nr.setBackend(previous);
      backend.destroy?.(); // WebGPU: free the device this run made
    }
  }
}

/**
 * Train every workload twice on every backend and compare. A backend that cannot be imported or created is
 * one `unavailable` row per workload; a failing run is an `error` row, and the report goes on.
 *
 * @example
 * ```ts
 * const report = await runRepro({ workloads: ['cnn-small', 'lstm'], backends: ['neurona-cpu', 'neurona-wasm'],
 *   steps: 100, seed: 1 });
 * console.log(formatRepro(report));
 * ```
 */
export async function runRepro(o: ReproOptions): Promise<ReproReport> {
  if (o.backends[0] !== 'neurona-cpu') {
    throw new Error(
      `runRepro: backends must start with 'neurona-cpu' (the reference), got ${o.backends.join(',')}`,
    );
  }
  if (!Number.isInteger(o.steps) || o.steps < 1)
    throw new Error(`runRepro: steps must be an integer >= 1, got ${o.steps}`);
  const rows: ReproRow[] = [];
  const workloads: ReproReport['workloads'] = [];
  const factories = new Map<ColumnId, NeuronaFactory>();
  for (const b of o.backends) factories.set(b, await (o.resolve ?? findNeuronaFactory)(b));
  for (const name of o.workloads) {
    const w = reproWorkload(name, o);
    let params = 0;
    let reference: Float32Array[] | null = null;
    for (const backend of o.backends) {
      const f = factories.get(backend)!;
      if (!f.ok) {
        rows.push({ workload: name, backend, status: 'unavailable', detail: `${f.reason}: ${f.detail}` });
        continue;
      }
      let created = true;
      try {
        const create = async (): Promise<nr.Backend> => {
          try {
            return await f.create();
          } catch (e) {
            created = false;
            throw e;
          }
        };
        const first = await onBackend(create, () => trainWeights(w, o.steps, o.seed));
        const second = await onBackend(create, () => trainWeights(w, o.steps, o.seed));
        params = first.weights.reduce((s, a) => s + a.length, 0);
        reference ??= first.weights;
        const diff = maxAbsDiff(first.weights, reference);
        const row: ReproRow = {
          workload: name,
          backend,
          status: 'ok',
          maxAbsDiff: diff,
          maxRelDiff: diff / largestMagnitude(reference),
          bitwiseRepeatable: bitwiseEqual(first.weights, second.weights),
          finalLoss: first.finalLoss,
        };
        rows.push(row);
        o.onProgress?.(
          `${name} on ${backend}: max |w - w_cpu| ${diff.toExponential(2)}, ` +
            `repeatable ${row.bitwiseRepeatable ? 'yes' : 'no'}`,
        );
      } catch (e) {
        const status = created ? 'error' : 'unavailable';
        rows.push({ workload: name, backend, status, detail: errorText(e) });
        o.onProgress?.(`${name} on ${backend}: ${status}: ${errorText(e)}`);
      }
      if (backend === 'neurona-cpu' && reference === null) break; // nothing to compare with
    }
    workloads.push({ name, description: w.description, batchSize: w.batchSize, params });
  }
  return { steps: o.steps, seed: o.seed, workloads, rows };
}

/**
 * The report as a Markdown table: per workload and backend, the largest weight difference from the CPU
 * backend (absolute and relative to the largest CPU weight), whether two runs are bitwise equal, the last loss.
 *
 * @example
 * ```ts
 * console.log(formatRepro(report)); // | workload | backend | max abs diff vs cpu | ... |
 * ```
 */
export function formatRepro(report: ReproReport): string {
  const lines = [
    '| workload | backend | max \\|w - w_cpu\\| | relative | two runs bitwise equal | last loss |',
    '|:--|:--|--:|--:|:--|--:|',
  ];
  for (const r of report.rows) {
    if (r.status !== 'ok') {
      lines.push(`| ${r.workload} | ${r.backend} | ${r.status} | | | |`);
      continue;
    }
    const exp = (v: number): string => (v === 0 ? '0' : v.toExponential(2));
    lines.push(
      `| ${r.workload} | ${r.backend} | ${exp(r.maxAbsDiff!)} | ${exp(r.maxRelDiff!)} | ` +
        `${r.bitwiseRepeatable ? 'yes' : 'no'} | ${r.finalLoss!.toFixed(4)} |`,
    );
  }
  const notes = report.rows
    .filter((r) => r.status !== 'ok')
    .map((r) => `- ${r.workload} on ${r.backend}: ${r.detail ?? r.status}`);
  return [lines.join('\n'), ...(notes.length > 0 ? ['', ...notes] : [])].join('\n');
}
