/**
 * Seeded mutations of a saved model's two files (`model.json` and the weights), described as plain data so
 * fast-check can generate, print and shrink them: deleted and retyped fields, wrong class names, `__proto__`
 * keys, huge / negative / fractional numbers and shapes, deep nesting, bad manifests, truncated or overlong
 * weights, and broken text encodings.
 */
import fc from 'fast-check';
import type { JsonValue } from '../../src/io/types.js';

type Json = JsonValue;
type Obj = { [key: string]: Json };

/** One mutation; `at` picks among the candidate places (modulo their number). */
export type Mutation =
  | { op: 'delete'; at: number }
  | { op: 'replace'; at: number; value: Json }
  | { op: 'number'; at: number; value: number }
  | { op: 'className'; at: number; name: string }
  | { op: 'protoKey'; at: number; key: string; value: Json }
  | { op: 'shape'; at: number; shape: Json }
  | { op: 'swap'; at: number; with: number }
  | { op: 'deep'; at: number; depth: number; kind: 'array' | 'object' | 'model' }
  | {
      op: 'manifest';
      how: 'drop' | 'duplicate' | 'reverse' | 'dtype' | 'quantization' | 'path';
      at: number;
      value: Json;
    }
  | { op: 'weights'; how: 'truncate' | 'extend' | 'flip' | 'empty'; n: number }
  | { op: 'text'; how: 'cut' | 'insert' | 'bom' | 'badUtf8' | 'nul'; at: number; ch: string };

/** A test case: which saved model, and the mutations applied to it in order. */
export interface Case {
  model: number;
  mutations: Mutation[];
}

const odd: Json[] = [
  null,
  '',
  'relu',
  'x',
  -1,
  0,
  1,
  0.5,
  1.5,
  1e9,
  -1e9,
  2 ** 53,
  1e300,
  true,
  false,
  [],
  {},
  [false],
  [null],
  ['a'],
  { a: 1 },
];
const oddNumbers = [
  -1,
  0,
  1,
  2,
  3,
  0.5,
  1.5,
  -0.5,
  7,
  1e6,
  1e9,
  -1e9,
  2 ** 31,
  2 ** 53,
  1e300,
  -1e300,
  5e-324,
];
const classNames = [
  'Dense',
  'Conv2D',
  'LSTM',
  'GRU',
  'Flatten',
  'InputLayer',
  'Sequential',
  'Model',
  'Functional',
  'Foo',
  '',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'Glorot',
  'Adam',
  'Zeros',
  'Orthogonal',
];
const value = fc.oneof(fc.constantFrom(...odd), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>);
const at = fc.nat();

/** The generator of one mutation (weighted towards the field-level ones). */
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('delete' as const), at }) },
  { weight: 8, arbitrary: fc.record({ op: fc.constant('replace' as const), at, value }) },
  {
    weight: 5,
    arbitrary: fc.record({ op: fc.constant('number' as const), at, value: fc.constantFrom(...oddNumbers) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('className' as const), at, name: fc.constantFrom(...classNames) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('protoKey' as const),
      at,
      key: fc.constantFrom('__proto__', 'constructor', 'prototype'),
      value: fc.constantFrom<Json>({ polluted: true }, { toString: 1 }, 'x', null, [1]),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('shape' as const),
      at,
      shape: fc.constantFrom<Json>(
        [],
        [-1],
        [0],
        [1e9, 1e9],
        [2 ** 31, 2 ** 31, 8],
        [1.5],
        [false],
        ['3'],
        [null, null],
        [3, -4],
        [1e300],
        [65536, 65536, 65536],
      ),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('swap' as const), at, with: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('deep' as const),
      at,
      depth: fc.constantFrom(50, 200, 3000, 100_000),
      kind: fc.constantFrom('array' as const, 'object' as const, 'model' as const),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('manifest' as const),
      how: fc.constantFrom(
        'drop' as const,
        'duplicate' as const,
        'reverse' as const,
        'dtype' as const,
        'quantization' as const,
        'path' as const,
      ),
      at,
      value: fc.constantFrom<Json>(
        'int32',
        'bool',
        'float16',
        'uint8',
        'complex64',
        'string',
        { dtype: 'uint8', min: 0, scale: 1 },
        { dtype: 'uint8' },
        { dtype: 'float16' },
        { dtype: 'int4' },
        '../escape.bin',
        '/etc/passwd',
        '',
        'missing.bin',
        'weights.bin',
        null,
        7,
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('weights' as const),
      how: fc.constantFrom('truncate' as const, 'extend' as const, 'flip' as const, 'empty' as const),
      n: fc.nat(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('text' as const),
      how: fc.constantFrom(
        'cut' as const,
        'insert' as const,
        'bom' as const,
        'badUtf8' as const,
        'nul' as const,
      ),
      at,
      ch: fc.constantFrom('{', '}', '[', ']', ',', '"', ':', '\\', 'x', '0', ' '),
    }),
  },
);

/** The generator of a case over `models` saved models: one to three mutations. */
export const caseOf = (models: number): fc.Arbitrary<Case> =>
  fc.record({ model: fc.nat(models - 1), mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }) });

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
