import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A univariate time series read from a CSV file.
 *
 * @example
 * ```ts
 * const s: Series = { name: 'CO2', labels: ['1958-03-01'], values: Float64Array.from([315.7]) };
 * ```
 */
export interface Series {
  /** Name of the value column. */
  name: string;
  /** The first column of each row (usually the date), for reporting. */
  labels: string[];
  values: Float64Array;
}

/**
 * Default series: monthly mean atmospheric CO2 at Mauna Loa, copied into the app's `data/` folder (see
 * data/README.md for its source and licence).
 *
 * @example
 * ```ts
 * const path = defaultSeriesPath();
 * ```
 */
export function defaultSeriesPath(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'co2-concentration.csv');
}

/**
 * Split one CSV line on commas, honouring double-quoted fields (`""` is a quote inside one); fields are
 * trimmed.
 *
 * @example
 * ```ts
 * splitCsvLine('"a, b",2'); // ['a, b', '2']
 * ```
 */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(cur);
      cur = '';
    } else cur += c;
  }
  fields.push(cur);
  return fields.map((f) => f.trim());
}

/**
 * Parse a CSV text with a header row into the series of column `column` (default: the second column),
 * labelled by the first column. Blank lines are skipped; a non-numeric value is an error naming its line.
 *
 * @example
 * ```ts
 * parseCsvSeries('Date,CO2\n1958-03-01,315.7\n1958-04-01,317.45\n').values; // [315.7, 317.45]
 * ```
 */
export function parseCsvSeries(text: string, column?: string, source = 'CSV'): Series {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '');
  if (header.length < 2)
    throw new Error(`${source}: expected a header with at least two columns, got '${lines[0] ?? ''}'`);
  const col = column === undefined ? 1 : header.indexOf(column);
  if (col < 0) throw new Error(`${source}: no column '${column}' (columns: ${header.join(', ')})`);
  const labels: string[] = [];
  const values: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue;
    const f = splitCsvLine(lines[i]!);
    const v = Number(f[col]);
    if (f[col] === undefined || f[col] === '' || !Number.isFinite(v)) {
      throw new Error(
        `${source}: line ${i + 1}: column '${header[col]}' is not a number ('${f[col] ?? ''}')`,
      );
    }
    labels.push(f[0]!);
    values.push(v);
  }
  if (values.length === 0) throw new Error(`${source}: no data rows`);
  return { name: header[col]!, labels, values: Float64Array.from(values) };
}

/**
 * Read a series from a CSV file (default {@link defaultSeriesPath}).
 *
 * @example
 * ```ts
 * const co2 = loadSeries(); // monthly CO2 at Mauna Loa
 * ```
 */
export function loadSeries(file?: string, column?: string): Series {
  const path = file ?? defaultSeriesPath();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const hint =
      file === undefined
        ? ' (the CO2 series is copied from npm vega-datasets: data/co2-concentration.csv; see apps/sequence-rnn/data/README.md)'
        : '';
    throw new Error(`--series-file: cannot read '${path}': ${(err as Error).message}${hint}`);
  }
  return parseCsvSeries(text, column, path);
}
