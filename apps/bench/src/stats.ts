/**
 * Summary of repeated measurements.
 *
 * @example
 * ```ts
 * const s: Summary = { median: 2, min: 1, max: 5 };
 * ```
 */
export interface Summary {
  median: number;
  min: number;
  max: number;
}

/**
 * Median (mean of the two middle values for an even count), minimum and maximum of finite numbers.
 *
 * @example
 * ```ts
 * summarize([5, 1, 3, 2]); // { median: 2.5, min: 1, max: 5 }
 * ```
 */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('summarize: expected at least one value, got none');
  const bad = values.find((v) => !Number.isFinite(v));
  if (bad !== undefined) throw new Error(`summarize: expected finite numbers, got ${bad}`);
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/**
 * Apply a function to every field of a summary; for a decreasing `f` (such as `t => samples / t`), min
 * and max swap so that `min <= median <= max` still holds.
 *
 * @example
 * ```ts
 * mapSummary({ median: 2, min: 1, max: 4 }, (t) => 8 / t); // { median: 4, min: 2, max: 8 }
 * ```
 */
export function mapSummary(s: Summary, f: (v: number) => number): Summary {
  const a = f(s.min);
  const b = f(s.max);
  return { median: f(s.median), min: Math.min(a, b), max: Math.max(a, b) };
}
