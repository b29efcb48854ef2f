import { Command, InvalidArgumentError, Option } from 'commander';
import { BACKEND_NAMES, type BackendName } from './backend.js';
import { type DatasetName, FASHION_DIR } from './data.js';
import { type EvaluateOptions, evaluate, type PredictOptions, predict } from './inference.js';
import { DEFAULT_LEARNING_RATE, MODEL_DESCRIPTIONS, MODEL_NAMES, type ModelName } from './models.js';
import { type TrainOptions, train } from './train.js';

/**
 * Defaults of `train`: LeNet-5 for 6 epochs gave the best measured test accuracy (99.30%) among the settings
 * tried within ten minutes on this project's 2-core machine (about 1.5 minutes with the CPU backend's fast
 * path, 9 on its reference kernels); see the README for the measured figures.
 *
 * @example
 * ```ts
 * DEFAULTS.model; // 'lenet'
 * ```
 */
export const DEFAULTS = {
  model: 'lenet' as ModelName,
  epochs: 6,
  batchSize: 32,
  seed: 42,
  validationSize: 5000,
  out: './mnist-model',
  backend: 'cpu' as BackendName,
  dataset: 'mnist' as DatasetName,
};

/**
 * The functions the commands call; tests replace them to check argument parsing alone.
 *
 * @example
 * ```ts
 * const actions: Actions = { train: async (o) => console.log(o), evaluate: async () => {}, predict: async () => {} };
 * ```
 */
export interface Actions {
  train(o: TrainOptions): Promise<unknown>;
  evaluate(o: EvaluateOptions): Promise<unknown>;
  predict(o: PredictOptions): Promise<unknown>;
}

/**
 * How {@link createProgram} talks to the outside: output streams, and whether to throw instead of exiting.
 *
 * @example
 * ```ts
 * const io: ProgramIO = { writeOut: () => {}, writeErr: (s) => errors.push(s), exitOverride: true };
 * ```
 */
export interface ProgramIO {
  writeOut?: (s: string) => void;
  writeErr?: (s: string) => void;
  /** Throw a `CommanderError` instead of calling `process.exit` (for tests). */
  exitOverride?: boolean;
}

const integer =
  (flag: string, min: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`${flag} must be an integer >= ${min}, got '${value}'.`);
    }
    return n;
  };

const positiveNumber =
  (flag: string) =>
  (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
      throw new InvalidArgumentError(`${flag} must be a number > 0, got '${value}'.`);
    }
    return n;
  };

function withCommon(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--backend <name>', 'compute backend (wasm and webgpu need their packages built)')
        .choices(BACKEND_NAMES)
        .default(DEFAULTS.backend),
    )
    .addOption(
      new Option(
        '--dataset <name>',
        `mnist (bundled) or fashion (Fashion-MNIST from ${FASHION_DIR})`,
      ).choices(['mnist', 'fashion']),
    )
    .option(
      '--data <dir>',
      'folder with the 4 IDX files (plain or .gz); default for mnist: env MNIST_DIR, else the bundled files',
    );
}

/**
 * The `mnist-cnn` command line: `train` (the default), `evaluate` and `predict`, with `--help` on each.
 *
 * @example
 * ```ts
 * await createProgram().parseAsync(process.argv);
 * ```
 */
export function createProgram(actions: Actions = { train, evaluate, predict }, io: ProgramIO = {}): Command {
  const program = new Command('mnist-cnn');
  program.configureOutput({
    ...(io.writeOut ? { writeOut: io.writeOut } : {}),
    ...(io.writeErr ? { writeErr: io.writeErr } : {}),
  });
  if (io.exitOverride) program.exitOverride();
  program
    .description(
      'Train, evaluate and run a convolutional network on MNIST handwritten digits with Neurona.\n' +
        'With no command, trains the default model and reports its test accuracy.',
    )
    .showHelpAfterError('(run with --help for usage)');

  withCommon(program.command('train', { isDefault: true }))
    .description('train a CNN, report validation per epoch and test results, save the model and curves')
    .addOption(
      new Option(
        '--model <name>',
        `architecture: ${MODEL_NAMES.map((m) => `${m} = ${MODEL_DESCRIPTIONS[m]}`).join('; ')}`,
      )
        .choices(MODEL_NAMES)
        .default(DEFAULTS.model),
    )
    .option('--epochs <n>', 'passes over the training data', integer('--epochs', 1), DEFAULTS.epochs)
    .option('--batch-size <n>', 'examples per update', integer('--batch-size', 1), DEFAULTS.batchSize)
    .option(
      '--lr <rate>',
      `initial Adam learning rate, decayed along a cosine to 5% (default: ${MODEL_NAMES.map((m) => `${m} ${DEFAULT_LEARNING_RATE[m]}`).join(', ')})`,
      positiveNumber('--lr'),
    )
    .option('--limit <n>', 'train on the first N training examples only', integer('--limit', 1))
    .option('--test-limit <n>', 'test on the first N test images only', integer('--test-limit', 1))
    .option(
      '--validation-size <n>',
      'examples held out from the end of the training set for validation (at most a tenth)',
      integer('--validation-size', 0),
      DEFAULTS.validationSize,
    )
    .option('--seed <n>', 'seed for weights, shuffling and dropout', integer('--seed', 0), DEFAULTS.seed)
    .option('--out <dir>', 'folder for the model, training-curves.svg and mnist-cnn.json', DEFAULTS.out)
    .option('--no-progress', 'no progress bar (one line per epoch instead)')
    .allowExcessArguments(true)
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      if (cmd.args.length > 0) {
        cmd.error(
          `error: unknown command '${cmd.args[0]}' (commands: train, evaluate, predict; see --help)`,
          {
            code: 'mnist.unknownCommand',
          },
        );
      }
      await actions.train({
        backend: opts.backend as BackendName,
        model: opts.model as ModelName,
        epochs: opts.epochs as number,
        batchSize: opts.batchSize as number,
        learningRate: opts.lr as number | undefined,
        limit: opts.limit as number | undefined,
        testLimit: opts.testLimit as number | undefined,
        validationSize: opts.validationSize as number,
        seed: opts.seed as number,
        out: opts.out as string,
        dataset: (opts.dataset as DatasetName | undefined) ?? DEFAULTS.dataset,
        data: opts.data as string | undefined,
        verbose: opts.progress === false ? 2 : 1,
      });
    });

  withCommon(program.command('evaluate'))
    .description('load a saved model and report test accuracy, per-class table and confusion matrix')
    .option('--model-dir <dir>', 'folder of the saved model', DEFAULTS.out)
    .option('--limit <n>', 'evaluate on the first N test images only', integer('--limit', 1))
    .action(async (opts: Record<string, unknown>) => {
      await actions.evaluate({
        backend: opts.backend as BackendName,
        modelDir: opts.modelDir as string,
        dataset: opts.dataset as DatasetName | undefined,
        data: opts.data as string | undefined,
        limit: opts.limit as number | undefined,
      });
    });

  withCommon(program.command('predict'))
    .description('classify one image with a saved model and show it as ASCII art beside the probabilities')
    .option('--model-dir <dir>', 'folder of the saved model', DEFAULTS.out)
    .option(
      '--image <file.png>',
      'a PNG of any size: grayscaled, resized to 28x28, inverted if light background',
    )
    .option('--index <n>', 'the N-th test image (0-based)', integer('--index', 0))
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      if ((opts.image === undefined) === (opts.index === undefined)) {
        cmd.error('error: predict needs exactly one of --image <file.png> or --index <n>', {
          code: 'mnist.predictInput',
        });
      }
      await actions.predict({
        backend: opts.backend as BackendName,
        modelDir: opts.modelDir as string,
        dataset: opts.dataset as DatasetName | undefined,
        data: opts.data as string | undefined,
        image: opts.image as string | undefined,
        index: opts.index as number | undefined,
      });
    });

  return program;
}
