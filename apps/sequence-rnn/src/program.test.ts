import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as nr from '@neurona/core';
import { CommanderError } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { createProgram } from './program.js';

/** Run the CLI with `args`; returns what it printed, or throws what it threw. */
async function run(args: string[]): Promise<{ lines: string[]; errors: string }> {
  const lines: string[] = [];
  let errors = '';
  const program = createProgram(
    { log: (l) => lines.push(l) },
    { throwOnError: true, writeErr: (s) => (errors += s) },
  );
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError)
      throw Object.assign(new Error(errors || err.message), { code: err.code });
    throw err;
  }
  return { lines, errors };
}

describe('rnn CLI arguments', () => {
  it.each([
    [
      ['--units', '0'],
      /option '--units <n>' argument '0' is invalid\. expected an integer in \[1, 4096\], got '0'/,
    ],
    [['--cell', 'rnn'], /'--cell <cell>' argument 'rnn' is invalid\. expected one of lstm, gru, simple/],
    [['--task', 'forecast'], /expected one of text, series, got 'forecast'/],
    [['--backend', 'tpu'], /expected one of cpu, wasm, webgpu, got 'tpu'/],
    [
      ['--temperature', '-1'],
      /'--temperature <t>' argument '-1' is invalid\. expected a number in \[0, 100\]/,
    ],
    [['--learning-rate', '0'], /expected a number in \(0, 10\], got '0'/],
    [['--seq-len', '2.5'], /expected an integer in \[1, 100000\], got '2\.5'/],
    [['--epochs', 'many'], /expected an integer in \[0, 100000\], got 'many'/],
    [['--frobnicate'], /unknown option '--frobnicate'/],
    [['sample'], /required option '--model <dir>' not specified/],
    [['sample', '--model', 'x', '--length', '-3'], /'--length <n>' argument '-3' is invalid/],
  ])('rejects %j', async (args, message) => {
    await expect(run(args)).rejects.toThrow(message);
  });

  it('explains problems found while running', async () => {
    await expect(run(['--text', '/nonexistent/book.txt'])).rejects.toThrow(
      /--text: cannot read '\/nonexistent\/book.txt'/,
    );
    await expect(run(['--limit-chars', '2000', '--seq-len', '500'])).rejects.toThrow(
      /--seq-len 500: the held-out text \(last 10%, 200 characters\) is shorter than one window of 501/,
    );
    await expect(run(['--limit-chars', '2000', '--prompt', 'Zürich'])).rejects.toThrow(
      /--prompt: character "Z" does not occur/,
    );
    await expect(run(['sample', '--model', '/nonexistent/model'])).rejects.toThrow(
      /--model: cannot read .*vocab\.json/,
    );
  });
});

describe('rnn train --out, then sample', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnn-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('saves a model that sample reloads, with the same text for the same seed', async () => {
    const tiny = [
      '--limit-chars',
      '3000',
      '--epochs',
      '1',
      '--units',
      '8',
      '--embedding-dim',
      '4',
      '--seq-len',
      '16',
    ];
    const trained = await run(['train', ...tiny, '--cell', 'gru', '--sample-length', '0', '--out', dir]);
    expect(
      trained.lines.some((l) =>
        /^Held-out loss [\d.]+ nats\/char, perplexity [\d.]+ \(unigram baseline/.test(l),
      ),
    ).toBe(true);
    expect(existsSync(join(dir, 'model.json'))).toBe(true);
    expect(existsSync(join(dir, 'vocab.json'))).toBe(true);
    const before = nr.memory().numTensors;
    const sample = async (seed: string) =>
      (
        await run([
          'sample',
          '--model',
          dir,
          '--prompt',
          'Call me',
          '--length',
          '30',
          '--temperature',
          '1',
          '--seed',
          seed,
        ])
      ).lines;
    const a = await sample('3');
    const b = await sample('3');
    const c = await sample('4');
    expect(a).toHaveLength(1);
    expect(a[0]!.startsWith('Call me')).toBe(true);
    expect(Array.from(a[0]!)).toHaveLength(37);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(nr.memory().numTensors).toBe(before);
  });
});
