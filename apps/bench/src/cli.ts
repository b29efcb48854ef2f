#!/usr/bin/env node
/**
 * `npm run bench -- [options]`: Neurona's backends against TensorFlow.js peers, in one run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { BROWSER_COLUMNS, BROWSER_WORKLOADS, type BrowserColumn } from './browser-types.js';
import { type CellSpec, runCell } from './cell.js';
import { integer } from './cli-args.js';
import { COLUMN_DESCRIPTIONS, COLUMN_IDS, GPU_WORKLOADS, selectColumns } from './columns.js';
import type { TimingOptions } from './measure.js';
import { type BenchReport, runBench } from './orchestrate.js';
import { formatReport } from './table.js';
import { MODES, type Mode, selectWorkloads, WORKLOAD_GROUPS, workloads } from './workloads.js';

function seconds(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError(`expected a number of seconds >= 0, got '${v}'`);
  return n;
}

function list(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function modes(v: string): Mode[] {
  return list(v).map((m) => {
    if (!(MODES as readonly string[]).includes(m)) {
      throw new InvalidArgumentError(`unknown mode '${m}'; expected ${MODES.join(' or ')}`);
    }
    return m as Mode;
  });
}

const HELP_AFTER = `
Workloads (--workload, comma-separated; 'all' is the default):
${workloads(false)
  .map((w) => `  ${w.name.padEnd(12)} ${w.description}`)
  .join('\n')}
  'matmul' selects the three matmul sizes. Data are synthetic (seeded uniform floats, random labels).
  --quick shrinks them for a CI smoke run: batch 8, 10 time steps, 16x16 images for cnn-large,
  matmul 32/64/128, char-lstm LSTM(32) on 10 characters; quick numbers are not comparable with a full run.
  char-lstm also prints characters/s (samples/s x the window length: every position is predicted).

Columns (--backend, comma-separated; also 'neurona', 'tfjs', 'torch', 'all' (default)):
${COLUMN_IDS.map((c) => `  ${c.padEnd(16)} ${COLUMN_DESCRIPTIONS[c]}`).join('\n')}
  A Neurona backend whose package cannot be imported (or exports no factory yet) shows 'n/a (not built)'.
  The WebGPU columns (neurona-webgpu, tfjs-webgpu) run only ${GPU_WORKLOADS.join(', ')} unless --webgpu-all:
  without a GPU, Dawn runs on SwiftShader (an emulated GPU), which proves correctness and relative
  kernel quality, not GPU speed. They are compared with each other ('gpu ours/peer', issue 7), never
  with the CPU/WASM peers ('ours/peer', issue 5).
  torch-cpu runs python/bench_torch.py with /usr/bin/python3 (or python3), without OPENBLAS_CORETYPE and
  OPENBLAS_L2_SIZE, on as many threads as Neurona's CPU backend; without PyTorch it shows
  'n/a (python3-torch not installed)' (install: apt-get install python3-torch libopenblas0-pthread). It is
  compared with the best Neurona CPU/WASM column ('ours/torch', issue 18), never counted as a TensorFlow.js peer.

Modes: 'train' times model.fit over whole batches (one Adam step per batch; matmul: C = A·B and both
input gradients); 'infer' times model.predict (matmul: C = A·B), results read back.

Measurements: warm-up repetitions on one batch (the last one calibrates), then enough batches per
repetition to last --min-rep-time, then --reps timed repetitions. Printed: samples/s median (min-max),
achieved GFLOP/s, peak RSS of the process that ran the cell, and best Neurona / best peer with the
issue's target. Each cell runs in its own child process (tfjs keeps one global kernel registry, and the
peak RSS is then the cell's own); cells never run in parallel. A cell whose first batch shows it would
outlast --max-cell-time reports that one batch as an estimate, marked '~' (tfjs-cpu training cnn-large).

FLOPs (multiply-add = 2; activations, pooling, loss and optimizer not counted), per example:
  dense 2·in·out; conv2d 2·Ho·Wo·kh·kw·Cin·Cout; recurrent 2·T·g·(d·u + u·u), g = 1 SimpleRNN, 3 GRU,
  4 LSTM; training = sum of 3x forward minus the first layer's input-gradient product; matmul 2n^3
  (train 6n^3).

Examples:
  npm run bench -- --workload mlp --backend neurona-cpu,tfjs-cpu --json out.json
  npm run bench -- --workload matmul --mode infer
  npm run bench -- --quick --workload mlp,lstm
  npm run bench -- --workload matmul-512,cnn-small --backend neurona-webgpu,tfjs-webgpu
  npm run bench -- --workload char-lstm --backend neurona-cpu,neurona-wasm,tfjs --mode train
  npm run bench -- --workload mobilenetv2 --backend neurona-cpu,neurona-wasm,tfjs-wasm,torch-cpu
  npm run bench -- --browser --quick                 # xor, mlp, cnn-small, lstm in headless Chromium, one page

--browser: one headless Chromium page (/usr/bin/chromium or CHROMIUM_PATH), served cross-origin isolated
(COOP/COEP) from 127.0.0.1, runs every cell one after the other: Neurona cpu (Web Worker threads), wasm and
webgpu, tfjs-cpu, tfjs-wasm (its threaded SIMD binary), tfjs-wasm+patch where tfjs-wasm misses a kernel, and
tfjs-webgl.
--backend takes those column ids (or all); --json writes the browser report.
`;

/**
 * Options as parsed from the command line.
 *
 * @example
 * ```ts
 * const o: CliOptions = { workload: ['mlp'], backend: ['all'], mode: ['train'], quick: false, seed: 1 };
 * ```
 */
export interface CliOptions {
  workload: string[];
  backend: string[];
  mode: Mode[];
  reps?: number;
  warmup?: number;
  minRepTime?: number;
  quick: boolean;
  json?: string;
  seed: number;
  inProcess?: boolean;
  cellTimeout?: number;
  maxCellTime?: number;
  verbose?: boolean;
  /** False with `--no-peak`. */
  peak?: boolean;
  webgpuAll?: boolean;
  print?: string;
  worker?: string;
  browser?: boolean;
}

/**
 * The command-line program (commander), without running it.
 *
 * @example
 * ```ts
 * const opts = program().parse(['--workload', 'mlp'], { from: 'user' }).opts<CliOptions>();
 * ```
 */
export function program(): Command {
  return new Command('bench')
    .description(
      'Benchmark Neurona backends against TensorFlow.js peers (tfjs-cpu, tfjs-wasm, tfjs-webgpu) in one run.',
    )
    .option('-w, --workload <list>', `workloads: all, ${WORKLOAD_GROUPS.join(', ')}, matmul-<n>`, list, [
      'all',
    ])
    .option('-b, --backend <list>', 'columns: all, neurona, tfjs, or column ids (see below)', list, ['all'])
    .option('-m, --mode <list>', 'train, infer, or both', modes, [...MODES])
    .option('--reps <n>', 'timed repetitions, the median is reported (default 5; 3 with --quick)', integer(1))
    .option('--warmup <n>', 'untimed warm-up repetitions (default 2; 1 with --quick)', integer(1))
    .option('--min-rep-time <s>', 'minimum seconds per repetition (default 0.5; 0 with --quick)', seconds)
    .option('--quick', 'small shapes and few repetitions, for a CI smoke run', false)
    .option('--json <file>', 'also write every result, the settings and the machine to this JSON file')
    .option('--seed <n>', 'seed of the synthetic data and of the Neurona weights', integer(0), 1)
    .option('--in-process', 'run every cell in this process (faster to start, less isolated)')
    .option(
      '--max-cell-time <s>',
      'if one batch shows a cell would take longer, report that batch as an estimate (default 900)',
      seconds,
    )
    .option(
      '--cell-timeout <s>',
      'kill a cell that runs longer than this many seconds (default 3600)',
      seconds,
    )
    .option('--verbose', "show the output of each cell's child process")
    .option('--no-peak', 'do not measure the WebAssembly SIMD peak at the start')
    .option(
      '--webgpu-all',
      `run the WebGPU columns on every workload (default: only ${GPU_WORKLOADS.join(', ')}; slow on an emulated GPU)`,
    )
    .option('--print <file>', 'print the tables of a report saved with --json, and run nothing')
    .option(
      '--browser',
      `run in headless Chromium instead (${BROWSER_WORKLOADS.join(', ')} by default; columns ${BROWSER_COLUMNS.join(', ')})`,
    )
    .addOption(new Option('--worker <spec>', 'internal: run one cell and report to the parent').hideHelp())
    .addHelpText('after', HELP_AFTER);
}

/**
 * Turn parsed options into timing settings (applying the `--quick` defaults).
 *
 * @example
 * ```ts
 * timingFrom({ quick: true } as CliOptions); // { reps: 3, warmup: 1, minRepSeconds: 0, ... }
 * ```
 */
export function timingFrom(o: CliOptions): TimingOptions {
  return {
    reps: o.reps ?? (o.quick ? 3 : 5),
    warmup: o.warmup ?? (o.quick ? 1 : 2),
    minRepSeconds: o.minRepTime ?? (o.quick ? 0 : 0.5),
    maxBatchesPerRep: 200,
    maxDataBytes: 64 * 2 ** 20,
    maxCellSeconds: o.maxCellTime ?? 900,
  };
}

async function worker(specText: string): Promise<void> {
  const spec = JSON.parse(specText) as CellSpec;
  const result = await runCell(spec, true);
  if (!process.send) throw new Error('--worker: must be started by the bench with an IPC channel');
  // Exit explicitly: backends may hold handles that keep the event loop alive.
  process.send(result, () => process.exit(0));
}

function browserColumns(names: readonly string[]): BrowserColumn[] {
  if (names.includes('all')) return [...BROWSER_COLUMNS];
  for (const n of names) {
    if (!(BROWSER_COLUMNS as readonly string[]).includes(n))
      throw new Error(
        `--backend: '${n}' is not a browser column; expected all or ${BROWSER_COLUMNS.join(', ')}`,
      );
  }
  return BROWSER_COLUMNS.filter((c) => names.includes(c));
}

async function browserMain(o: CliOptions, argv: readonly string[], cmd: Command): Promise<number> {
  let workloads: string[];
  let columns: BrowserColumn[];
  try {
    workloads = o.workload.includes('all')
      ? [...BROWSER_WORKLOADS]
      : selectWorkloads(o.workload, o.quick).map((w) => w.name);
    columns = browserColumns(o.backend);
  } catch (e) {
    cmd.error(`error: ${(e as Error).message}`);
  }
  // Loaded here: Node-only tools (esbuild, playwright-core) that the other modes do not need.
  const { formatBrowserReport, runBrowserBench } = await import('./browser.js');
  const report = await runBrowserBench({
    workloads,
    modes: o.mode,
    columns,
    quick: o.quick,
    seed: o.seed,
    timing: timingFrom(o),
    cellTimeoutSeconds: o.cellTimeout ?? 3600,
    webgpuAll: o.webgpuAll ?? false,
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });
  const command = `npm run bench -- ${argv.slice(2).join(' ')}`;
  process.stdout.write(`${command}\n${formatBrowserReport(report)}\n`);
  if (o.json) {
    const file = resolve(process.env.INIT_CWD ?? process.cwd(), o.json);
    writeFileSync(file, `${JSON.stringify({ command, ...report }, null, 2)}\n`);
    process.stderr.write(`wrote ${file}\n`);
  }
  return 0;
}

/**
 * Run the CLI with `argv` (as `process.argv`); resolves to the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await main(process.argv);
 * ```
 */
export async function main(argv: readonly string[]): Promise<number> {
  const cmd: Command = program();
  const o = cmd.parse([...argv]).opts<CliOptions>();
  if (o.worker !== undefined) {
    await worker(o.worker);
    return 0;
  }
  if (o.print !== undefined) {
    const file = resolve(process.env.INIT_CWD ?? process.cwd(), o.print);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as BenchReport;
    if (saved.tool !== '@neurona/bench')
      cmd.error(`error: --print: ${file} is not a report written by --json`);
    process.stdout.write(`${formatReport(saved)}\n`);
    return 0;
  }
  if (o.browser) return browserMain(o, argv, cmd);
  let selected: ReturnType<typeof selectWorkloads>;
  let columns: ReturnType<typeof selectColumns>;
  try {
    selected = selectWorkloads(o.workload, o.quick);
    columns = selectColumns(o.backend);
  } catch (e) {
    cmd.error(`error: ${(e as Error).message}`);
  }
  const report = await runBench({
    workloads: selected,
    modes: o.mode,
    columns,
    quick: o.quick,
    seed: o.seed,
    timing: timingFrom(o),
    isolate: !o.inProcess,
    cellTimeoutSeconds: o.cellTimeout ?? 3600,
    webgpuAll: o.webgpuAll ?? false,
    verbose: o.verbose ?? false,
    peak: o.peak ?? true,
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });
  report.command = `npm run bench -- ${argv.slice(2).join(' ')}`;
  process.stdout.write(`${formatReport(report)}\n`);
  if (o.json) {
    // npm runs scripts from the repository root; INIT_CWD is where the user typed the command.
    const file = resolve(process.env.INIT_CWD ?? process.cwd(), o.json);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(`wrote ${file}\n`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
