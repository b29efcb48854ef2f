import * as nr from '@neurona/core';
import { Command } from 'commander';
import { BACKENDS, type BackendName, useBackend } from './backend.js';
import { CELLS, type Cell } from './char-model.js';
import { loadCharModel } from './model-files.js';
import { choiceOption, intOption, numberOption } from './options.js';
import type { Output } from './progress.js';
import { generate } from './sampling.js';
import { trainSeries } from './series.js';
import { loadSeries } from './series-data.js';
import { loadText } from './text-source.js';
import { trainText } from './text-train.js';

/** Options of `train` as commander parses them (task-dependent defaults are filled in later). */
interface TrainFlags {
  task: 'text' | 'series';
  backend: BackendName;
  cell: Cell;
  units?: number;
  layers: number;
  embeddingDim: number;
  seqLen?: number;
  batchSize?: number;
  epochs?: number;
  learningRate?: number;
  limitChars?: number;
  seed: number;
  temperature: number;
  prompt: string;
  sampleLength: number;
  out?: string;
  text?: string;
  seriesFile?: string;
  seriesColumn?: string;
}

interface SampleFlags {
  model: string;
  prompt: string;
  length: number;
  temperature: number;
  seed: number;
  backend: BackendName;
}

/**
 * Defaults of the text task: chosen so that `npm run rnn` on the CPU backend of a 2-core machine beats the
 * unigram baseline clearly within 10 minutes, even with the machine shared (figures in the app's README).
 *
 * @example
 * ```ts
 * TEXT_DEFAULTS.units; // 128
 * ```
 */
export const TEXT_DEFAULTS = {
  units: 128,
  seqLen: 64,
  batchSize: 16,
  epochs: 2,
  learningRate: 0.01,
  limitChars: 400_000,
} as const;

/**
 * Defaults of the series task.
 *
 * @example
 * ```ts
 * SERIES_DEFAULTS.seqLen; // 24 months of changes per forecast
 * ```
 */
export const SERIES_DEFAULTS = {
  units: 32,
  seqLen: 24,
  batchSize: 32,
  epochs: 40,
  learningRate: 0.01,
} as const;

async function runTrain(f: TrainFlags, out: Output): Promise<void> {
  await useBackend(f.backend);
  if (f.task === 'series') {
    const series = loadSeries(f.seriesFile, f.seriesColumn);
    await trainSeries(
      {
        series,
        window: f.seqLen ?? SERIES_DEFAULTS.seqLen,
        cell: f.cell,
        units: f.units ?? SERIES_DEFAULTS.units,
        epochs: f.epochs ?? SERIES_DEFAULTS.epochs,
        batchSize: f.batchSize ?? SERIES_DEFAULTS.batchSize,
        learningRate: f.learningRate ?? SERIES_DEFAULTS.learningRate,
        seed: f.seed,
        verbose: out.redraw ? 1 : 0,
      },
      out,
    );
    return;
  }
  const { text, source } = loadText(f.text, f.limitChars ?? (f.text ? undefined : TEXT_DEFAULTS.limitChars));
  out.log(`Backend ${nr.getBackend().name}; text: ${source}`);
  const result = await trainText(
    {
      text,
      cell: f.cell,
      units: f.units ?? TEXT_DEFAULTS.units,
      layers: f.layers,
      embeddingDim: f.embeddingDim,
      seqLen: f.seqLen ?? TEXT_DEFAULTS.seqLen,
      batchSize: f.batchSize ?? TEXT_DEFAULTS.batchSize,
      epochs: f.epochs ?? TEXT_DEFAULTS.epochs,
      learningRate: f.learningRate ?? TEXT_DEFAULTS.learningRate,
      seed: f.seed,
      temperature: f.temperature,
      prompt: f.prompt,
      sampleLength: f.sampleLength,
      out: f.out,
    },
    out,
  );
  result.model.dispose();
}

async function runSample(f: SampleFlags, out: Output): Promise<void> {
  await useBackend(f.backend);
  const { model, vocab, seqLen } = await loadCharModel(f.model);
  try {
    for (const ch of Array.from(f.prompt)) {
      if (!vocab.has(ch))
        throw new Error(`--prompt: character ${JSON.stringify(ch)} is not in the model's vocabulary`);
    }
    nr.seed(f.seed);
    const [text] = await generate(model, vocab, {
      prompt: f.prompt,
      length: f.length,
      temperatures: [f.temperature],
      context: seqLen,
    });
    out.log(f.prompt + text!);
  } finally {
    model.dispose();
  }
}

/**
 * Options of {@link createProgram}.
 *
 * @example
 * ```ts
 * const o: ProgramOptions = { throwOnError: true, writeErr: (s) => errors.push(s) };
 * ```
 */
export interface ProgramOptions {
  /** Throw a `CommanderError` on bad arguments instead of exiting the process (for tests). */
  throwOnError?: boolean;
  /** Where commander writes usage errors (default stderr). */
  writeErr?: (text: string) => void;
}

/**
 * The `rnn` command line: `train` (the default command) and `sample`. Bad arguments are reported by
 * commander (exit code 1, or a thrown `CommanderError` with `throwOnError`); failures while running
 * reject the promise of `parseAsync`.
 *
 * @example
 * ```ts
 * await createProgram(consoleOutput()).parseAsync(['--epochs', '1', '--limit-chars', '50000'], { from: 'user' });
 * ```
 */
export function createProgram(out: Output, options: ProgramOptions = {}): Command {
  const program = new Command('rnn')
    .description('Character-level language model (and time-series forecaster) on any Neurona backend.')
    .showHelpAfterError('(add --help for usage)');
  // Set before adding the commands, which copy these settings.
  if (options.throwOnError) program.exitOverride();
  if (options.writeErr) program.configureOutput({ writeErr: options.writeErr });

  program
    .command('train', { isDefault: true })
    .description('train a model (default command); --task text (default) or series')
    .option(
      '--task <task>',
      'text: character model; series: forecast a time series',
      choiceOption(['text', 'series'] as const),
      'text',
    )
    .option('--backend <name>', `compute backend (${BACKENDS.join(', ')})`, choiceOption(BACKENDS), 'cpu')
    .option('--cell <cell>', `recurrent cell (${CELLS.join(', ')})`, choiceOption(CELLS), 'lstm')
    .option(
      '--units <n>',
      `units per recurrent layer (default ${TEXT_DEFAULTS.units}; series ${SERIES_DEFAULTS.units})`,
      intOption(1, 4096),
    )
    .option('--layers <n>', 'stacked recurrent layers (text)', intOption(1, 8), 1)
    .option('--embedding-dim <n>', 'character embedding size (text)', intOption(1, 1024), 32)
    .option(
      '--seq-len <n>',
      `window length (default ${TEXT_DEFAULTS.seqLen}; series ${SERIES_DEFAULTS.seqLen})`,
      intOption(1, 100_000),
    )
    .option(
      '--batch-size <n>',
      `windows per update (default ${TEXT_DEFAULTS.batchSize}; series ${SERIES_DEFAULTS.batchSize})`,
      intOption(1, 65_536),
    )
    .option(
      '--epochs <n>',
      `passes over the data (default ${TEXT_DEFAULTS.epochs}; series ${SERIES_DEFAULTS.epochs})`,
      intOption(0, 100_000),
    )
    .option(
      '--learning-rate <lr>',
      `Adam learning rate (default ${TEXT_DEFAULTS.learningRate}; series ${SERIES_DEFAULTS.learningRate})`,
      numberOption(0, 10, true),
    )
    .option(
      '--limit-chars <n>',
      `use only the first n characters of the text (default ${TEXT_DEFAULTS.limitChars} of Moby-Dick; all of a --text file)`,
      intOption(2),
    )
    .option('--seed <n>', 'seed of weights, batch order and sampling', intOption(0, 0xffffffff), 1)
    .option(
      '--temperature <t>',
      'temperature of the per-epoch samples (also shown at 1)',
      numberOption(0, 100),
      0.5,
    )
    .option('--prompt <text>', 'text the per-epoch samples continue', 'Call me')
    .option('--sample-length <n>', 'characters per epoch sample', intOption(0, 100_000), 100)
    .option('--out <dir>', 'save the model (model.json and its weights file) and vocab.json here')
    .option('--text <file>', 'train on this UTF-8 text file instead of Moby-Dick')
    .option('--series-file <file>', 'CSV with a header row (series task; default: monthly CO2 at Mauna Loa)')
    .option('--series-column <name>', 'value column of the CSV (default: the second column)')
    .action(async (flags: TrainFlags) => runTrain(flags, out));

  program
    .command('sample')
    .description('generate text from a model saved with train --out')
    .requiredOption('--model <dir>', 'directory written by train --out')
    .option('--prompt <text>', 'text to continue', 'Call me')
    .option('--length <n>', 'characters to generate', intOption(0, 1_000_000), 300)
    .option('--temperature <t>', 'sampling temperature (0: greedy)', numberOption(0, 100), 0.7)
    .option('--seed <n>', 'seed of the sampler (same seed, same text)', intOption(0, 0xffffffff), 1)
    .option('--backend <name>', `compute backend (${BACKENDS.join(', ')})`, choiceOption(BACKENDS), 'cpu')
    .action(async (flags: SampleFlags) => runSample(flags, out));

  return program;
}
