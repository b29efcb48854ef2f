/**
 * The first check of a saved model's JSON parts, before anything reads into them: plain JSON values only,
 * nesting no deeper than {@link MAX_JSON_DEPTH}, and no key that means something to JavaScript objects
 * (`__proto__`, `constructor`, `prototype`). The walk is iterative, so no file can exhaust the stack here,
 * and every later (recursive) reader may rely on the depth bound.
 */
/**
 * How deeply a `model.json` part may nest (objects and arrays). A Keras 3 functional model nested three
 * deep in another reaches about 30; the bound keeps every recursive reader of the topology far from the
 * stack limit.
 */
export const MAX_JSON_DEPTH = 100;

/** Keys refused anywhere in a model file: they would change an object's prototype where one is copied. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A readable name for what a value is (for the "got ..." part of a message). */
export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return Number.isFinite(v) ? `the number ${v}` : `the number ${String(v)}`;
  if (typeof v === 'string')
    return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v)}`;
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    return proto === Object.prototype || proto === null
      ? 'an object'
      : `a ${proto?.constructor?.name ?? 'non-plain'} object`;
  }
  return `a ${typeof v}`;
}

const pathOf = (parent: string, key: string | number): string =>
  typeof key === 'number'
    ? `${parent}[${key}]`
    : /^[A-Za-z_$][\w$]*$/.test(key)
      ? `${parent}.${key}`
      : `${parent}[${JSON.stringify(key)}]`;

/**
 * Throw unless `value` is plain JSON (strings, finite numbers, booleans, null, arrays, plain objects) nested
 * at most {@link MAX_JSON_DEPTH} deep, with no `__proto__` / `constructor` / `prototype` key. The error names
 * the path of the offending field (`path` is the value's own).
 *
 * @example
 * ```ts
 * checkJsonTree(artifacts.modelTopology, 'modelTopology');
 * ```
 */
export function checkJsonTree(value: unknown, path: string): void {
  const stack: [unknown, string, number][] = [[value, path, 0]];
  while (stack.length > 0) {
    const [v, p, depth] = stack.pop()!;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new Error(`loadModel: ${p} must be a finite number, got ${String(v)}`);
      continue;
    }
    if (typeof v !== 'object') throw new Error(`loadModel: ${p} must be a JSON value, got ${kindOf(v)}`);
    if (depth >= MAX_JSON_DEPTH) {
      throw new Error(
        `loadModel: ${p} is nested more than ${MAX_JSON_DEPTH} levels deep (objects and arrays); a model file never needs that`,
      );
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push([v[i], `${p}[${i}]`, depth + 1]);
      continue;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      throw new Error(`loadModel: ${p} must be a plain JSON object, got ${kindOf(v)}`);
    }
    for (const key of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(key)) {
        throw new Error(
          `loadModel: ${pathOf(p, key)}: the key '${key}' is not allowed in a model file (its value is ${kindOf((v as Record<string, unknown>)[key])})`,
        );
      }
      stack.push([(v as Record<string, unknown>)[key], pathOf(p, key), depth + 1]);
    }
  }
}
