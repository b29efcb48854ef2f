#!/usr/bin/env node
/**
 * `npm run repro -- [options]`: the cross-backend reproducibility report (see `repro.ts`).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cpu } from '@neurona/backend-cpu';
import * as nr from '@neurona/core';
import { Command, InvalidArgumentError } from 'commander';
import { integer } from './cli-args.js';
import { type ColumnId, NEURONA_PACKAGES } from './columns.js';
import { formatRepro, REPRO_WORKLOADS, type ReproWorkload, runRepro } from './repro.js';

function oneOf<T extends string>(allowed: readonly T[], what: string): (v: string) => T[] {
  return (v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0)
      .map((s) => {
        if (!(allowed as readonly string[]).includes(s))
          throw new InvalidArgumentError(`unknown ${what} '${s}'; expected ${allowed.join(', ')}`);
        return s as T;
      });
}

const BACKENDS = Object.keys(NEURONA_PACKAGES).map((c) => c.replace('neurona-', ''));

/**
 * Options as parsed from the command line.
 *
 * @example
 * ```ts
 * const o: ReproCliOptions = { workload: ['lstm'], backend: ['cpu', 'wasm'], steps: 100, seed: 1 };
 * ```
 */
export interface ReproCliOptions {
  workload: ReproWorkload[];
  backend: string[];
  steps: number;
  seed: number;
  batchSize?: number;
  timeSteps?: number;
  json?: string;
}

/**
 * The command-line program (commander), without running it.
 *
 * @example
 * ```ts
 * const o = reproProgram().parse(['--steps', '5'], { from: 'user' }).opts<ReproCliOptions>();
 * ```
 */
export function reproProgram(): Command {
  return new Command('repro')
    .description(
      'Train the small CNN and the LSTM from one seed on every Neurona backend that starts here, twice each; ' +
        'print the largest weight difference from the CPU backend and whether two runs are bitwise equal.',
    )
    .option(
      '-w, --workload <list>',
      `workloads: ${REPRO_WORKLOADS.join(', ')}`,
      oneOf(REPRO_WORKLOADS, 'workload'),
      [...REPRO_WORKLOADS],
    )
    .option(
      '-b, --backend <list>',
      `backends (cpu is always first): ${BACKENDS.join(', ')}`,
      oneOf(BACKENDS, 'backend'),
      [...BACKENDS],
    )
    .option('--steps <n>', 'optimizer steps (batches) per run', integer(1), 100)
    .option('--seed <n>', 'seed of the weights and of the synthetic data', integer(0), 1)
    .option(
      '--batch-size <n>',
      'examples per step (default: the bench workload: cnn-small 64, lstm 32)',
      integer(1),
    )
    .option('--time-steps <n>', 'length of the LSTM sequences (default 50)', integer(1))
    .option('--json <file>', 'also write the report to this JSON file')
    .addHelpText(
      'after',
      `
Models and data are the bench's (npm run bench -- --help): cnn-small (28x28x1, two conv 5x5 + maxPool, dense 10)
and lstm (LSTM 64 on 50x8 sequences, dense 10), Adam lr 0.001, sparse categorical cross-entropy, seeded
synthetic data, one epoch of --steps batches without shuffling. Each backend trains twice from the same seed.
WebGPU without a GPU runs on SwiftShader (VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json is set
when that file exists): slow, so the LSTM there takes minutes at the default sizes.

Examples:
  npm run repro
  npm run repro -- --steps 20 --batch-size 8 --time-steps 10 --json repro.json
  npm run repro -- --workload cnn-small --backend cpu,wasm`,
    );
}

/**
 * Run the report with `argv` (as `process.argv`); resolves to the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await reproMain(process.argv);
 * ```
 */
export async function reproMain(argv: readonly string[]): Promise<number> {
  const o = reproProgram()
    .parse([...argv])
    .opts<ReproCliOptions>();
  const backends: ColumnId[] = [
    'neurona-cpu',
    ...o.backend.filter((b) => b !== 'cpu').map((b) => `neurona-${b}` as ColumnId),
  ];
  await nr.setBackend(cpu()); // a home backend between runs
  const report = await runRepro({
    workloads: o.workload,
    backends,
    steps: o.steps,
    seed: o.seed,
    ...(o.batchSize === undefined ? {} : { batchSize: o.batchSize }),
    ...(o.timeSteps === undefined ? {} : { timeSteps: o.timeSteps }),
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });
  const command = `npm run repro -- ${argv.slice(2).join(' ')}`.trim();
  const settings = report.workloads
    .map((w) => `${w.name}: ${w.description} (${w.params} weights)`)
    .join('\n');
  process.stdout.write(
    `${command}\n${report.steps} steps, seed ${report.seed}\n${settings}\n\n${formatRepro(report)}\n`,
  );
  if (o.json) {
    const file = resolve(process.env.INIT_CWD ?? process.cwd(), o.json);
    writeFileSync(file, `${JSON.stringify({ command, ...report }, null, 2)}\n`);
    process.stderr.write(`wrote ${file}\n`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  reproMain(process.argv).then(
    // Exit explicitly: the WebGPU and CPU backends may hold handles (a device, worker threads).
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`repro: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
