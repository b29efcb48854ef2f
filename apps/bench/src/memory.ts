/**
 * The memory report of issue 18 part 5: `fit` on MNIST with the default model of `apps/mnist-cnn` (`npm run
 * mnist`: LeNet, 6 epochs, batch 32, 5,000 validation images) must stay under 1.5x the data set's float32 size
 * plus 200 MiB of peak resident memory. The app runs unchanged in a child process with `rss-probe.js` preloaded.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RssProbeReport } from './rss-probe.js';

const MiB = 2 ** 20;

/** MNIST's splits: 60,000 training and 10,000 test images of 28x28. */
export const MNIST = { train: 60_000, test: 10_000, pixels: 784 } as const;

/**
 * The memory budget for `n` examples held as float32 (784 pixels and one label each): 1.5x their size plus
 * 200 MiB, in bytes.
 *
 * @example
 * ```ts
 * memoryBudget(70_000); // { datasetBytes: 219800000, limitBytes: 539415200 }
 * ```
 */
export function memoryBudget(examples: number): { datasetBytes: number; limitBytes: number } {
  const datasetBytes = examples * (MNIST.pixels + 1) * 4;
  return { datasetBytes, limitBytes: 1.5 * datasetBytes + 200 * MiB };
}

/**
 * How to run the app: its `train` options (the app's defaults when left out).
 *
 * @example
 * ```ts
 * const o: MemoryOptions = { epochs: 1, limit: 2000, testLimit: 500 };
 * ```
 */
export interface MemoryOptions {
  epochs?: number;
  /** Train on the first `limit` training images (all 60,000 when left out). */
  limit?: number;
  /** Test on the first `testLimit` test images (all 10,000 when left out). */
  testLimit?: number;
  /** `cpu` (the default), `wasm` or `webgpu`. */
  backend?: string;
  /** Seconds before the run is killed (default 3600). */
  timeoutSeconds?: number;
}

/**
 * What one run measured, in MiB, against the budget.
 *
 * @example
 * ```ts
 * const r: MemoryReport = runMnistMemory({});
 * r.withinLimit; // true or false
 * ```
 */
export interface MemoryReport extends RssProbeReport {
  /** The app's command line (after `node --import rss-probe.js`). */
  command: string;
  /** Images the app loaded (training plus test split): what the budget is computed from. */
  examples: number;
  datasetMiB: number;
  limitMiB: number;
  withinLimit: boolean;
  /** The app's last output lines (accuracy, wall time). */
  tail: string[];
}

/**
 * The `mnist-cnn train` arguments for `o`, writing the model into `out`.
 *
 * @example
 * ```ts
 * trainArgs({ epochs: 1, limit: 500 }, '/tmp/m'); // ['train', '--no-progress', '--out', '/tmp/m', '--epochs', '1', '--limit', '500']
 * ```
 */
export function trainArgs(o: MemoryOptions, out: string): string[] {
  const args = ['train', '--no-progress', '--out', out];
  if (o.epochs !== undefined) args.push('--epochs', String(o.epochs));
  if (o.limit !== undefined) args.push('--limit', String(o.limit));
  if (o.testLimit !== undefined) args.push('--test-limit', String(o.testLimit));
  if (o.backend !== undefined) args.push('--backend', o.backend);
  return args;
}

/**
 * Train the app's default model in a child process with the probe preloaded, and compare its peak RSS with
 * the budget. The app must be built (`tsc -b apps/mnist-cnn`); its saved model goes to a temporary folder.
 *
 * @example
 * ```ts
 * const r = runMnistMemory({ epochs: 1, limit: 1000, testLimit: 200 });
 * console.log(formatMemory(r));
 * ```
 */
export function runMnistMemory(o: MemoryOptions): MemoryReport {
  const app = fileURLToPath(new URL('../../mnist-cnn/dist/cli.js', import.meta.url));
  if (!existsSync(app))
    throw new Error(`runMnistMemory: ${app} is missing; build it with tsc -b apps/mnist-cnn`);
  // From src/ (tests) and dist/ alike: the probe runs as built JavaScript.
  const probe = fileURLToPath(new URL('../dist/rss-probe.js', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'neurona-memory-'));
  const report = join(dir, 'probe.json');
  const args = trainArgs(o, join(dir, 'model'));
  try {
    const r = spawnSync(process.execPath, ['--import', probe, app, ...args], {
      encoding: 'utf8',
      env: { ...process.env, NEURONA_RSS_PROBE_OUT: report },
      timeout: (o.timeoutSeconds ?? 3600) * 1000,
      maxBuffer: 64 << 20,
    });
    const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n');
    if (r.status !== 0 || !existsSync(report)) {
      const why = r.error ? r.error.message : (r.signal ?? `exit ${r.status}`);
      throw new Error(
        `runMnistMemory: mnist-cnn ${args.join(' ')} failed (${why}): ${output.slice(-5).join(' | ')}`,
      );
    }
    const probed = JSON.parse(readFileSync(report, 'utf8')) as RssProbeReport;
    const examples =
      Math.min(o.limit ?? MNIST.train, MNIST.train) + Math.min(o.testLimit ?? MNIST.test, MNIST.test);
    const budget = memoryBudget(examples);
    return {
      ...probed,
      command: `mnist-cnn ${args.filter((a, i) => a !== '--out' && args[i - 1] !== '--out').join(' ')}`,
      examples,
      datasetMiB: budget.datasetBytes / MiB,
      limitMiB: budget.limitBytes / MiB,
      withinLimit: probed.peakRssMiB * MiB <= budget.limitBytes,
      tail: output.filter((l) => /^(Data:|Model:|Test accuracy|Wall time)/.test(l)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The report as text: the budget, the peak RSS and its parts, the verdict.
 *
 * @example
 * ```ts
 * formatMemory(report); // '| data set (float32) | 209.6 MiB | ...'
 * ```
 */
export function formatMemory(r: MemoryReport): string {
  const mib = (v: number): string => `${v.toFixed(1)} MiB`;
  return [
    `Memory of fit on MNIST, default model (${r.command})`,
    '',
    '| quantity | value |',
    '|:--|--:|',
    `| data set (float32: ${r.examples.toLocaleString('en-US')} images x (784 pixels + 1 label) x 4 B) | ${mib(r.datasetMiB)} |`,
    `| limit (1.5x data set + 200 MiB) | ${mib(r.limitMiB)} |`,
    `| peak RSS of the process | ${mib(r.peakRssMiB)} |`,
    `| RSS of Node before the app ran | ${mib(r.startRssMiB)} |`,
    `| peak V8 heap used (sampled) | ${mib(r.peakHeapUsedMiB)} |`,
    `| peak ArrayBuffer memory (V8 external, sampled: the app's arrays) | ${mib(r.peakExternalMiB)} |`,
    `| peak bytes of live Neurona tensors (sampled) | ${mib(r.peakTensorMiB)} |`,
    `| peak RSS / limit | ${((100 * r.peakRssMiB) / r.limitMiB).toFixed(0)}%: ${r.withinLimit ? 'within the limit' : 'OVER the limit'} |`,
    '',
    ...r.tail,
  ].join('\n');
}
