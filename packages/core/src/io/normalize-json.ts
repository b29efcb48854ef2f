import type { JsonValue } from './types.js';

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** @internal Keys Keras 3 writes that carry nothing the model needs (build/compile bookkeeping, class registry names). */
export const DROPPED = new Set(['module', 'registered_name', 'build_config', 'compile_config']);

/** JSON text of `v` down to `depth` levels (deeper parts as `[...]` / `{...}`, long lists cut): never deep recursion. */
function render(v: JsonValue | undefined, depth: number): string {
  if (v === undefined) return 'nothing';
  if (v === null || typeof v !== 'object')
    return typeof v === 'number' && !Number.isFinite(v) ? String(v) : JSON.stringify(v);
  if (depth === 0) return Array.isArray(v) ? '[...]' : '{...}';
  if (Array.isArray(v)) {
    const items = v.slice(0, 12).map((x) => render(x, depth - 1));
    return `[${items.join(',')}${v.length > 12 ? ',...' : ''}]`;
  }
  const keys = Object.keys(v);
  const items = keys.slice(0, 12).map((k) => `${JSON.stringify(k)}:${render(v[k], depth - 1)}`);
  return `{${items.join(',')}${keys.length > 12 ? ',...' : ''}}`;
}

/** @internal A readable rendering of a JSON value for error messages (cut short, at any nesting depth). */
export function show(v: JsonValue | undefined): string {
  const s = render(v, 4);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** @internal The value as a JSON object, or an error naming `path`. */
export function asObject(v: JsonValue | undefined, path: string, what = 'an object'): JsonObject {
  if (v === null || v === undefined || typeof v !== 'object' || Array.isArray(v)) {
    throw new Error(`loadModel: ${path} must be ${what}, got ${show(v)}`);
  }
  return v;
}

/** @internal Remove Keras 3 registry fields (`module`, `registered_name`, ...) from a value, recursively. */
export function stripKerasMeta(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(stripKerasMeta);
  if (v === null || typeof v !== 'object') return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (!DROPPED.has(k)) out[k] = stripKerasMeta(x);
  return out;
}
