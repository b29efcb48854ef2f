/**
 * The generator of the loader fuzz test's cases, as plain data fast-check can generate, print and shrink:
 * deleted and retyped fields, wrong class names, `__proto__` keys, huge / negative / fractional numbers and
 * shapes, deep nesting, bad manifests, truncated or overlong weights, broken text encodings. `mutate.ts`
 * applies them.
 */
import fc from 'fast-check';
import type { JsonValue } from '../../src/io/types.js';

type Json = JsonValue;

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
