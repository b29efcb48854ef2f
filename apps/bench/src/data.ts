/**
 * Synthetic data of the right shapes, from a small seeded generator, so that every column trains on the
 * very same numbers.
 */

/**
 * Deterministic uniform floats in `[0, 1)` (mulberry32).
 *
 * @example
 * ```ts
 * const next = uniform(1);
 * next(); // same value on every run
 * ```
 */
export function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` floats uniform in `[-1, 1)`.
 *
 * @example
 * ```ts
 * randomFloats(3, 7).length; // 3
 * ```
 */
export function randomFloats(count: number, seed: number): Float32Array {
  const next = uniform(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = 2 * next() - 1;
  return out;
}

/**
 * `count` class labels in `[0, classes)`.
 *
 * @example
 * ```ts
 * randomLabels(4, 10, 1); // Int32Array of 4 labels below 10
 * ```
 */
export function randomLabels(count: number, classes: number, seed: number): Int32Array {
  const next = uniform(seed ^ 0x5bd1e995);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.floor(next() * classes);
  return out;
}
