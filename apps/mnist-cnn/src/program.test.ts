import type { Backend } from '@neurona/core';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { createBackend } from './backend.js';
import type { EvaluateOptions, PredictOptions } from './inference.js';
import { type Actions, createProgram, DEFAULTS } from './program.js';
import type { TrainOptions } from './train.js';

/** Parse `args` with recording actions; resolves to what ran and what was written to stderr. */
async function run(args: string[]): Promise<{
  calls: [string, TrainOptions | EvaluateOptions | PredictOptions][];
  err: string;
  error: CommanderError | null;
}> {
  const calls: [string, TrainOptions | EvaluateOptions | PredictOptions][] = [];
  const actions: Actions = {
    train: async (o) => calls.push(['train', o]),
    evaluate: async (o) => calls.push(['evaluate', o]),
    predict: async (o) => calls.push(['predict', o]),
  };
  let err = '';
  const program = createProgram(actions, {
    writeOut: () => {},
    writeErr: (s) => {
      err += s;
    },
    exitOverride: true,
  });
  try {
    await program.parseAsync(args, { from: 'user' });
    return { calls, err, error: null };
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    return { calls, err, error: e };
  }
}

describe('mnist-cnn command line', () => {
  it('trains with the documented defaults when given no command', async () => {
    const { calls, error } = await run([]);
    expect(error).toBeNull();
    expect(calls).toEqual([
      [
        'train',
        {
          backend: 'cpu',
          model: DEFAULTS.model,
          epochs: DEFAULTS.epochs,
          batchSize: DEFAULTS.batchSize,
          learningRate: undefined,
          limit: undefined,
          testLimit: undefined,
          validationSize: 5000,
          seed: DEFAULTS.seed,
          out: './mnist-model',
          dataset: 'mnist',
          data: undefined,
          verbose: 1,
        },
      ],
    ]);
  });

  it('passes train options given without the command name to train', async () => {
    const { calls } = await run([
      '--epochs',
      '2',
      '--model',
      'small',
      '--limit',
      '1000',
      '--batch-size',
      '64',
    ]);
    const o = calls[0]![1] as TrainOptions;
    expect(calls[0]![0]).toBe('train');
    expect([o.epochs, o.model, o.limit, o.batchSize]).toEqual([2, 'small', 1000, 64]);
  });

  it.each([
    [
      ['--epochs', '0'],
      "option '--epochs <n>' argument '0' is invalid. --epochs must be an integer >= 1, got '0'.",
    ],
    [['--epochs', '2.5'], "--epochs must be an integer >= 1, got '2.5'."],
    [['--batch-size', 'many'], "--batch-size must be an integer >= 1, got 'many'."],
    [['--limit', '-3'], "--limit must be an integer >= 1, got '-3'."],
    [['--lr', '0'], "--lr must be a number > 0, got '0'."],
    [
      ['--backend', 'tpu'],
      "option '--backend <name>' argument 'tpu' is invalid. Allowed choices are cpu, wasm, webgpu.",
    ],
    [['--model', 'huge'], "argument 'huge' is invalid. Allowed choices are small, lenet, large."],
    [['--dataset', 'cifar'], "argument 'cifar' is invalid. Allowed choices are mnist, fashion."],
    [['--epoch', '3'], "unknown option '--epoch'"],
    [['trian'], "unknown command 'trian' (commands: train, evaluate, predict; see --help)"],
    [['evaluate', '--limit', 'x'], "--limit must be an integer >= 1, got 'x'."],
    [['predict'], 'predict needs exactly one of --image <file.png> or --index <n>'],
    [
      ['predict', '--index', '3', '--image', 'a.png'],
      'predict needs exactly one of --image <file.png> or --index <n>',
    ],
    [['predict', '--index', '-1'], "--index must be an integer >= 0, got '-1'."],
  ])('rejects %j with a clear message and runs nothing', async (args, message) => {
    const { calls, err, error } = await run(args);
    expect(error).not.toBeNull();
    expect(error!.exitCode).toBe(1);
    expect(err).toContain(message);
    expect(calls).toEqual([]);
  });

  it('parses evaluate and predict options', async () => {
    const ev = await run(['evaluate', '--model-dir', 'm', '--backend', 'wasm', '--limit', '100']);
    expect(ev.calls).toEqual([
      ['evaluate', { backend: 'wasm', modelDir: 'm', dataset: undefined, data: undefined, limit: 100 }],
    ]);
    const pr = await run(['predict', '--index', '7', '--dataset', 'fashion', '--data', '/d']);
    expect(pr.calls).toEqual([
      [
        'predict',
        {
          backend: 'cpu',
          modelDir: './mnist-model',
          dataset: 'fashion',
          data: '/d',
          image: undefined,
          index: 7,
        },
      ],
    ]);
  });
});

describe('createBackend', () => {
  const notFound = async (): Promise<Record<string, unknown>> => {
    throw Object.assign(new Error("Cannot find module '/x/dist/index.js'"), { code: 'ERR_MODULE_NOT_FOUND' });
  };

  it('explains a backend package that is missing or not built', async () => {
    await expect(createBackend('wasm', notFound)).rejects.toThrow(
      '--backend wasm: @neurona/backend-wasm is not available or not built yet. Build it with `npx tsc -b packages/backend-wasm`',
    );
  });

  it('explains a package without its factory yet', async () => {
    await expect(createBackend('webgpu', async () => ({}))).rejects.toThrow(
      '--backend webgpu: @neurona/backend-webgpu does not export a webgpu() factory yet',
    );
  });

  it('awaits an async factory, and reports one that fails', async () => {
    const fake = { name: 'fake' } as unknown as Backend;
    await expect(createBackend('wasm', async () => ({ wasm: async () => fake }))).resolves.toBe(fake);
    await expect(
      createBackend('webgpu', async () => ({
        webgpu: async () => {
          throw new Error('no adapter');
        },
      })),
    ).rejects.toThrow('--backend webgpu: webgpu() failed to start: no adapter');
  });

  it('creates the CPU backend without importing anything', async () => {
    expect((await createBackend('cpu', notFound)).name).toBe('cpu');
  });
});
