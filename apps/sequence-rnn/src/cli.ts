#!/usr/bin/env node
/**
 * Entry point of `npm run rnn -- [options]`: see {@link createProgram} for the commands.
 *
 * @packageDocumentation
 */
import * as nr from '@neurona/core';
import { createProgram } from './program.js';
import { consoleOutput } from './progress.js';

/** Stop a backend's worker threads, if it has any, so the process can exit. */
function shutdownBackend(): void {
  try {
    const backend = nr.getBackend() as nr.Backend & { shutdown?: () => void };
    backend.shutdown?.();
  } catch {
    // No backend was set (for example after --help): nothing to stop.
  }
}

try {
  await createProgram(consoleOutput()).parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`error: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  shutdownBackend();
}
