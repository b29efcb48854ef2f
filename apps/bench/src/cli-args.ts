import { InvalidArgumentError } from 'commander';

/**
 * A commander argument parser for integers `>= min` (the bench's command-line programs share it).
 *
 * @example
 * ```ts
 * program.option('--reps <n>', 'timed repetitions', integer(1));
 * ```
 */
export function integer(min: number): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`expected an integer >= ${min}, got '${v}'`);
    return n;
  };
}
