/**
 * Applies a fuzz case (see `mutations.ts`) to a saved model's two files, `model.json` and the weights.
 */
import type { JsonValue } from '../../src/io/types.js';
import type { Mutation } from './mutations.js';

type Json = JsonValue;
type Obj = { [key: string]: Json };

type Place = { parent: Obj | Json[]; key: string | number; value: Json };

/** Every place in a JSON value (parent, key, value), depth first. */
function places(root: Json): Place[] {
  const out: Place[] = [];
  const stack: Json[] = [root];
  while (stack.length) {
    const v = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    const entries: [string | number, Json][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    for (const [key, value] of entries) {
      out.push({ parent: v, key, value });
      stack.push(value);
    }
  }
  return out;
}

const pick = <T>(list: readonly T[], i: number): T | undefined =>
  list.length ? list[i % list.length] : undefined;

function set(p: Place, v: Json): void {
  if (Array.isArray(p.parent)) p.parent[p.key as number] = v;
  else
    Object.defineProperty(p.parent, p.key, {
      value: v,
      enumerable: true,
      writable: true,
      configurable: true,
    });
}

const DEEP = '\u0000deep:';

/** The JSON text with every deep-nesting marker written out as `depth` nested arrays or objects. */
function writeDeep(text: string): string {
  return text.replace(
    /"\\u0000deep:(array|object):(\d+):((?:[^"\\]|\\.)*)"/g,
    (_m, kind: string, d: string, inner: string) => {
      const value = JSON.parse(`"${inner}"`) as string;
      const n = Number(d);
      return kind === 'array'
        ? `${'['.repeat(n)}${value}${']'.repeat(n)}`
        : `${'{"a":'.repeat(n)}${value}${'}'.repeat(n)}`;
    },
  );
}

/** A model topology nested `depth` times as the only layer of a Sequential. */
function nestModel(top: Obj, depth: number): void {
  let inner: Json = { class_name: top.class_name ?? null, config: top.config ?? null };
  for (let i = 0; i < depth; i++)
    inner = { class_name: 'Sequential', config: { name: `s${i}`, layers: [inner] } };
  top.class_name = 'Sequential';
  top.config = (inner as Obj).config!;
}

function mutateJson(doc: Obj, m: Mutation): void {
  const all = places(doc);
  switch (m.op) {
    case 'delete': {
      const p = pick(all, m.at);
      if (!p) return;
      if (Array.isArray(p.parent)) p.parent.splice(p.key as number, 1);
      else delete p.parent[p.key as string];
      return;
    }
    case 'replace': {
      const p = pick(all, m.at);
      if (p) set(p, structuredClone(m.value));
      return;
    }
    case 'number': {
      const p = pick(
        all.filter((q) => typeof q.value === 'number'),
        m.at,
      );
      if (p) set(p, m.value);
      return;
    }
    case 'className': {
      const p = pick(
        all.filter((q) => q.key === 'class_name'),
        m.at,
      );
      if (p) set(p, m.name);
      return;
    }
    case 'protoKey': {
      const p = pick(
        all.filter((q) => q.value !== null && typeof q.value === 'object' && !Array.isArray(q.value)),
        m.at,
      );
      const target = (p?.value ?? doc) as Obj;
      Object.defineProperty(target, m.key, {
        value: structuredClone(m.value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      return;
    }
    case 'shape': {
      const isShape = (v: Json) =>
        Array.isArray(v) && v.length > 0 && v.every((d) => d === null || typeof d === 'number');
      const p = pick(
        all.filter((q) => isShape(q.value)),
        m.at,
      );
      if (p) set(p, structuredClone(m.shape));
      return;
    }
    case 'swap': {
      const p = pick(all, m.at);
      const q = pick(all, m.with);
      if (!p || !q) return;
      const pv = p.value;
      set(p, q.value);
      set(q, pv);
      return;
    }
    case 'deep': {
      if (m.kind === 'model') {
        const top = doc.modelTopology as Obj;
        if (top && typeof top === 'object')
          nestModel(((top.model_config as Obj) ?? top) as Obj, Math.min(m.depth, 400));
        return;
      }
      // Marked here, written out as text by applyCase (JSON.stringify itself recurses).
      const p = pick(all, m.at);
      if (p) set(p, `${DEEP}${m.kind}:${m.depth}:${JSON.stringify(p.value)}`);
      return;
    }
    case 'manifest':
      mutateManifest(doc, m);
      return;
    default:
      return;
  }
}

function mutateManifest(doc: Obj, m: Extract<Mutation, { op: 'manifest' }>): void {
  const group = (Array.isArray(doc.weightsManifest) ? doc.weightsManifest[0] : null) as Obj | null;
  if (!group || typeof group !== 'object') return;
  const specs = group.weights as Obj[];
  if (!Array.isArray(specs) || specs.length === 0) return;
  const i = m.at % specs.length;
  const spec = specs[i]!;
  if (m.how === 'drop') specs.splice(i, 1);
  else if (m.how === 'duplicate') specs.splice(i, 0, structuredClone(spec));
  else if (m.how === 'reverse') specs.reverse();
  else if (m.how === 'dtype' && typeof spec === 'object') spec.dtype = m.value;
  else if (m.how === 'quantization' && typeof spec === 'object') spec.quantization = m.value;
  else if (m.how === 'path') group.paths = [m.value];
}

function mutateBytes(bytes: Uint8Array, m: Mutation): Uint8Array {
  if (m.op === 'weights') {
    if (m.how === 'empty') return new Uint8Array(0);
    if (m.how === 'truncate') return bytes.slice(0, bytes.length ? m.n % bytes.length : 0);
    if (m.how === 'extend') return Uint8Array.from([...bytes, ...new Uint8Array(1 + (m.n % 64)).fill(0x3f)]);
    const out = bytes.slice();
    if (out.length) out[m.n % out.length]! ^= 1 << (m.n % 8);
    return out;
  }
  return bytes;
}

function mutateText(text: Uint8Array, m: Mutation): Uint8Array {
  if (m.op !== 'text') return text;
  const i = text.length ? m.at % text.length : 0;
  const ch = new TextEncoder().encode(m.ch);
  const join = (...parts: ArrayLike<number>[]) => Uint8Array.from(parts.flatMap((p) => Array.from(p)));
  if (m.how === 'cut') return text.slice(0, i);
  if (m.how === 'insert') return join(text.slice(0, i), ch, text.slice(i));
  if (m.how === 'bom') return join([0xef, 0xbb, 0xbf], text);
  if (m.how === 'badUtf8') return join(text.slice(0, i), [0xc3, 0x28, 0xff], text.slice(i));
  return join(text.slice(0, i), [0], text.slice(i));
}

/** The two files after the case's mutations: `model.json` bytes and weight bytes. */
export function applyCase(
  json: string,
  weights: Uint8Array,
  mutations: readonly Mutation[],
): { json: Uint8Array; weights: Uint8Array } {
  const doc = JSON.parse(json) as Obj;
  for (const m of mutations) mutateJson(doc, m);
  let text: Uint8Array = new TextEncoder().encode(writeDeep(JSON.stringify(doc)));
  let bytes: Uint8Array = weights;
  for (const m of mutations) {
    text = mutateText(text, m);
    bytes = mutateBytes(bytes, m);
  }
  return { json: text, weights: bytes };
}
