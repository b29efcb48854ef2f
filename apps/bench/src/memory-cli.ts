#!/usr/bin/env node
/**
 * `npm run bench:memory -- [options]`: peak memory of `fit` on MNIST with the default model (see `memory.ts`).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { integer } from './cli-args.js';
import { formatMemory, type MemoryOptions, runMnistMemory } from './memory.js';

/**
 * The command-line program (commander), without running it.
 *
 * @example
 * ```ts
 * const o = memoryProgram().parse(['--epochs', '1'], { from: 'user' }).opts();
 * ```
 */
export function memoryProgram(): Command {
  return new Command('bench:memory')
    .description(
      'Peak resident memory of `npm run mnist` (fit on MNIST with the default model: LeNet, 6 epochs, batch 32) ' +
        'against 1.5x the data set float32 size + 200 MiB (issue 18 part 5).',
    )
    .option('--epochs <n>', "passes over the training data (default: the app's, 6)", integer(1))
    .option('--limit <n>', 'train on the first N training images (default all 60,000)', integer(1))
    .option('--test-limit <n>', 'test on the first N test images (default all 10,000)', integer(1))
    .option('--backend <name>', 'cpu (default), wasm or webgpu')
    .option('--json <file>', 'also write the report to this JSON file')
    .addHelpText(
      'after',
      `
The app runs unchanged (node apps/mnist-cnn/dist/cli.js train) in a child process with rss-probe.js preloaded;
the peak RSS is the kernel's maxRSS of that process (worker threads and WebAssembly memory included). The data
set is every image the app loads (training and test splits), as float32 with one float32 label each.

Examples:
  npm run bench:memory                      # the issue's figure: the app's defaults, all of MNIST
  npm run bench:memory -- --epochs 1 --limit 2000 --test-limit 500`,
    );
}

/**
 * Run the report with `argv` (as `process.argv`); resolves to the exit code (1 when over the limit).
 *
 * @example
 * ```ts
 * process.exitCode = await memoryMain(process.argv);
 * ```
 */
export async function memoryMain(argv: readonly string[]): Promise<number> {
  const o = memoryProgram()
    .parse([...argv])
    .opts<MemoryOptions & { json?: string }>();
  const report = runMnistMemory(o);
  process.stdout.write(`${formatMemory(report)}\n`);
  if (o.json) {
    const file = resolve(process.env.INIT_CWD ?? process.cwd(), o.json);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(`wrote ${file}\n`);
  }
  return report.withinLimit ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  memoryMain(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`bench:memory: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
