import { InvalidArgumentError } from 'commander';

/**
 * Commander parser for an integer option in `[min, max]`; the error names the expected range.
 *
 * @example
 * ```ts
 * program.option('--units <n>', 'hidden units', intOption(1, 4096));
 * ```
 */
export function intOption(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
      throw new InvalidArgumentError(`expected an integer ${range}, got '${value}'.`);
    }
    return n;
  };
}

/**
 * Commander parser for a finite number in `[min, max]` (`minExclusive` excludes `min`).
 *
 * @example
 * ```ts
 * program.option('--temperature <t>', 'sampling temperature', numberOption(0, 10));
 * ```
 */
export function numberOption(min: number, max: number, minExclusive = false): (value: string) => number {
  return (value) => {
    const n = Number(value);
    const ok = value.trim() !== '' && Number.isFinite(n) && (minExclusive ? n > min : n >= min) && n <= max;
    if (!ok) {
      throw new InvalidArgumentError(
        `expected a number in ${minExclusive ? '(' : '['}${min}, ${max}], got '${value}'.`,
      );
    }
    return n;
  };
}

/**
 * Commander parser accepting one of `choices`.
 *
 * @example
 * ```ts
 * program.option('--cell <cell>', 'recurrent cell', choiceOption(['lstm', 'gru', 'simple']));
 * ```
 */
export function choiceOption<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got '${value}'.`);
    }
    return value as T;
  };
}
