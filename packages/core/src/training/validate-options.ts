/**
 * Generic argument checks shared by the public entry points (`fit`, `evaluate`, `predict`, `compile`, layer
 * and optimizer factories): each error names the function, the argument, what was expected and the value.
 * Pure functions: they read their arguments and throw, nothing else.
 */
import { Tensor } from '../engine/tensor.js';

/**
 * @internal A short, readable description of any value for an error message: `null`, `'0.2'` (a string),
 * `NaN`, `a function`, `an array of 2`, `a disposed Tensor [2, 3]`, `{ epoch: 3 }`.
 *
 * @example
 * ```ts
 * describeValue('0.2'); // "'0.2' (a string)"
 * ```
 */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return `${JSON.stringify(v).replace(/^"|"$/g, "'")} (a string)`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (typeof v === 'function') return `a function${v.name ? ` (${v.name})` : ''}`;
  if (v instanceof Tensor) {
    return `${v.isDisposed ? 'a disposed ' : 'a '}${v.dtype} Tensor [${v.shape.join(', ')}]`;
  }
  if (Array.isArray(v)) return `an array of ${v.length}${v.length ? ` (first: ${describeValue(v[0])})` : ''}`;
  if (typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 0) return '{} (an empty object)';
    const shown = keys.slice(0, 3).map((k) => `${k}: ${shortValue((v as Record<string, unknown>)[k])}`);
    return `{ ${shown.join(', ')}${keys.length > 3 ? ', ...' : ''} }`;
  }
  return String(v);
}

function shortValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v !== null && typeof v === 'object') return Array.isArray(v) ? '[...]' : '{...}';
  return typeof v === 'function' ? 'function' : String(v);
}

/** Levenshtein distance, for suggestions. */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/**
 * @internal The candidate closest to `name` (ignoring case and `_`), when it is close enough to be a likely typo.
 *
 * @example
 * ```ts
 * didYouMean('epoch', ['epochs', 'batchSize']); // 'epochs'
 * ```
 */
export function didYouMean(name: string, candidates: readonly string[]): string | null {
  const key = name.replace(/_/g, '').toLowerCase();
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(key, c.replace(/_/g, '').toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(key.length / 3)) ? best : null;
}

/**
 * @internal Throw when `options` is not a plain object (or undefined), or has a key outside `known`, suggesting
 * the closest known name: `fit: unknown option 'epoch' (did you mean 'epochs'?)`.
 *
 * @example
 * ```ts
 * checkOptionNames('fit', 'options', { epochs: 3 }, ['epochs', 'batchSize']);
 * ```
 */
export function checkOptionNames(
  where: string,
  what: string,
  options: unknown,
  known: readonly string[],
): void {
  if (options === undefined) return;
  if (
    options === null ||
    typeof options !== 'object' ||
    Array.isArray(options) ||
    options instanceof Tensor
  ) {
    throw new Error(`${where}: ${what} must be an object, got ${describeValue(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const hint = didYouMean(key, known);
    throw new Error(
      `${where}: unknown option '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}; known options: ${known.join(', ')}`,
    );
  }
}

/**
 * @internal Throw unless `v` is undefined or an integer in `[min, max]`.
 *
 * @example
 * ```ts
 * checkInteger('fit', 'epochs', 3, 1);
 * ```
 */
export function checkInteger(where: string, name: string, v: unknown, min: number, max = Infinity): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new Error(`${where}: '${name}' must be an integer ${range}, got ${describeValue(v)}`);
  }
}

/**
 * @internal Throw unless `v` is undefined or a finite number in the range (bounds inclusive or not).
 *
 * @example
 * ```ts
 * checkNumber('fit', 'validationSplit', 0.2, 0, 1, true, false);
 * ```
 */
export function checkNumber(
  where: string,
  name: string,
  v: unknown,
  lo: number,
  hi: number,
  loInclusive = true,
  hiInclusive = true,
): void {
  if (v === undefined) return;
  const ok =
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (loInclusive ? v >= lo : v > lo) &&
    (hiInclusive ? v <= hi : v < hi);
  if (!ok) {
    const range = `${loInclusive ? '[' : '('}${lo}, ${hi === Infinity ? 'Infinity' : hi}${hiInclusive ? ']' : ')'}`;
    throw new Error(`${where}: '${name}' must be a finite number in ${range}, got ${describeValue(v)}`);
  }
}

/**
 * @internal Throw unless `v` is undefined or one of `allowed`.
 *
 * @example
 * ```ts
 * checkOneOf('fit', 'shuffle', true, [true, false]);
 * ```
 */
export function checkOneOf(where: string, name: string, v: unknown, allowed: readonly unknown[]): void {
  if (v === undefined || allowed.includes(v)) return;
  const list = allowed.map((a) => (typeof a === 'string' ? `'${a}'` : String(a))).join(', ');
  const hint =
    typeof v === 'string'
      ? didYouMean(
          v,
          allowed.filter((a) => typeof a === 'string'),
        )
      : null;
  throw new Error(
    `${where}: '${name}' must be one of ${list}, got ${describeValue(v)}${hint ? ` (did you mean '${hint}'?)` : ''}`,
  );
}

/**
 * @internal Throw unless `v` is a live Tensor, naming what it is instead (null, a string, a nested JS array, a
 * disposed tensor).
 *
 * @example
 * ```ts
 * checkTensor('predict', 'x', x);
 * ```
 */
export function checkTensor(where: string, name: string, v: unknown): asserts v is Tensor {
  if (v instanceof Tensor) {
    if (v.isDisposed) {
      throw new Error(
        `${where}: '${name}' is a disposed Tensor (shape [${v.shape.join(', ')}]); it was freed by dispose() or tidy()`,
      );
    }
    return;
  }
  const hint = Array.isArray(v)
    ? ' (a JS array: convert it with nr.tensor(...) first)'
    : typeof v === 'string'
      ? ' (load or convert the data into a Tensor first)'
      : '';
  throw new Error(`${where}: '${name}' must be a Tensor, got ${describeValue(v)}${hint}`);
}
