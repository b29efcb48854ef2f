#!/usr/bin/env node
/**
 * Entry point of `npm run mnist -- [command] [options]`: parses the command line and turns any error into one
 * clear line on stderr and exit code 1.
 *
 * @example
 * ```sh
 * npm run mnist -- --model small --epochs 1
 * npm run mnist -- predict --index 0
 * ```
 *
 * @packageDocumentation
 */
import { createProgram } from './program.js';

try {
  await createProgram().parseAsync(process.argv);
} catch (e) {
  process.stderr.write(`error: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
