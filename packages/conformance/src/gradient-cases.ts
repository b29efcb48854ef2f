/**
 * Gradient test cases of the elementwise ops and activations, and the shared case types and helpers.
 * Inputs stay away from kinks and ties: |x| >= 0.1 where the kink is at 0, positive values for log and
 * sqrt, values >= 0.1 from clip bounds, operands >= 0.1 apart for maximum / minimum.
 *
 * @packageDocumentation
 */
import type { KernelName } from '@neurona/core';
import * as nr from '@neurona/core';
import type { Gen, HostTensor } from './gen.js';

type Fn = (...xs: nr.Tensor[]) => nr.Tensor;

/**
 * One configuration of an op for {@link checkCases}: a label, the inputs (host data) and the function to
 * differentiate.
 *
 * @example
 * ```ts
 * const c: GradCase = { label: "[2]", inputs: [gen.floats([2])], f: (x) => nr.exp(x!) };
 * ```
 */
export interface GradCase {
  readonly label: string;
  readonly inputs: readonly HostTensor[];
  readonly f: Fn;
}

/**
 * A gradient test: op name, the kernels it exercises, and its configurations built from a seeded generator.
 *
 * @example
 * ```ts
 * const spec: GradSpec = ['exp', ['unary'], (g) => [unaryCase('[2]', g.floats([2]), nr.exp)]];
 * ```
 */
export type GradSpec = readonly [name: string, kernels: readonly KernelName[], cases: (g: Gen) => GradCase[]];

/**
 * A float32 host tensor with fixed values.
 *
 * @example
 * ```ts
 * fixed([2], [0.5, -1]);
 * ```
 */
export const fixed = (shape: number[], values: number[]): HostTensor => ({
  shape,
  dtype: 'float32',
  data: Float32Array.from(values),
});

/**
 * `b` = `a` shifted by +-[0.1, 1] elementwise, so `a` and `b` never tie (for maximum / minimum).
 *
 * @example
 * ```ts
 * const b = apart(g, a);
 * ```
 */
export function apart(g: Gen, a: HostTensor): HostTensor {
  const data = Float32Array.from(a.data, (v) => v + (g.chance(0.5) ? -1 : 1) * g.uniform(0.1, 1));
  return { ...a, data };
}

/**
 * A one-input {@link GradCase}.
 *
 * @example
 * ```ts
 * unaryCase('[2,3]', g.floats([2, 3]), nr.tanh);
 * ```
 */
export const unaryCase = (name: string, x: HostTensor, f: (x: nr.Tensor) => nr.Tensor): GradCase => ({
  label: name,
  inputs: [x],
  f: (t) => f(t!),
});

/**
 * Gradient tests of the elementwise ops and activation functions.
 *
 * @example
 * ```ts
 * for (const [name] of ELEMENTWISE) console.log(name);
 * ```
 */
export const ELEMENTWISE: readonly GradSpec[] = [
  [
    'add',
    ['binary'],
    (g) => [{ label: '[2,3] + [3]', inputs: [g.floats([2, 3]), g.floats([3])], f: (a, b) => nr.add(a!, b!) }],
  ],
  [
    'sub',
    ['binary'],
    (g) => [{ label: '[2,1] - [3]', inputs: [g.floats([2, 1]), g.floats([3])], f: (a, b) => nr.sub(a!, b!) }],
  ],
  [
    'mul',
    ['binary'],
    (g) => [
      { label: '[2,3] * [2,1]', inputs: [g.floats([2, 3]), g.floats([2, 1])], f: (a, b) => nr.mul(a!, b!) },
    ],
  ],
  [
    'div',
    ['binary'],
    (g) => [
      {
        label: '[2,3] / [3]',
        inputs: [g.floats([2, 3]), g.awayFromZero([3], 0.5, 2)],
        f: (a, b) => nr.div(a!, b!),
      },
    ],
  ],
  [
    'pow',
    ['binary'],
    (g) => [
      {
        label: '[2,3] ^ [2,3]',
        inputs: [g.floats([2, 3], 0.5, 2), g.floats([2, 3], -2, 2)],
        f: (a, b) => nr.pow(a!, b!),
      },
    ],
  ],
  [
    'maximum',
    ['binary'],
    (g) => {
      const a = g.floats([2, 3], -2, 2);
      return [{ label: '[2,3]', inputs: [a, apart(g, a)], f: (x, y) => nr.maximum(x!, y!) }];
    },
  ],
  [
    'minimum',
    ['binary'],
    (g) => {
      const a = g.floats([2, 3], -2, 2);
      return [{ label: '[2,3]', inputs: [a, apart(g, a)], f: (x, y) => nr.minimum(x!, y!) }];
    },
  ],
  [
    'where',
    ['where'],
    (g) => [
      {
        label: 'cond [3], a [2,3], b [2,3]',
        inputs: [g.floats([2, 3]), g.floats([2, 3])],
        f: (a, b) => nr.where([true, false, true], a!, b!),
      },
      {
        label: 'cond [2,1], a [1,3], b [3] (gradients summed over broadcast axes)',
        inputs: [g.floats([1, 3]), g.floats([3])],
        f: (a, b) => nr.where([[true], [false]], a!, b!),
      },
    ],
  ],
  ['neg', ['unary'], (g) => [unaryCase('[2,3]', g.floats([2, 3]), nr.neg)]],
  ['exp', ['unary'], (g) => [unaryCase('[2,3]', g.floats([2, 3], -2, 2), nr.exp)]],
  ['expm1', ['unary'], (g) => [unaryCase('[2,3]', g.floats([2, 3], -2, 2), nr.expm1)]],
  ['log', ['unary'], (g) => [unaryCase('[2,3]', g.floats([2, 3], 0.5, 3), nr.log)]],
  ['log1p', ['unary'], (g) => [unaryCase('[2,3]', g.floats([2, 3], -0.5, 3), nr.log1p)]],
  ['sqrt', ['unary'], (g) => [unaryCase('[2,3]', g.floats([2, 3], 0.5, 3), nr.sqrt)]],
  ['rsqrt', ['unary'], (g) => [unaryCase('[2,3]', g.floats([2, 3], 0.5, 3), nr.rsqrt)]],
  ['reciprocal', ['unary'], (g) => [unaryCase('[2,3]', g.awayFromZero([2, 3], 0.5, 2), nr.reciprocal)]],
  ['abs', ['unary'], (g) => [unaryCase('[2,3], |x| >= 0.1', g.awayFromZero([2, 3]), nr.abs)]],
  ['square', ['unary'], (g) => [unaryCase('[2,3]', g.floats([2, 3], -2, 2), nr.square)]],
  ['erf', ['unary'], (g) => [unaryCase('[2,3]', g.floats([2, 3], -2, 2), nr.erf)]],
  ['sigmoid', ['unary'], (g) => [unaryCase('[2,3]', g.floats([2, 3], -4, 4), nr.sigmoid)]],
  ['tanh', ['unary'], (g) => [unaryCase('[2,3]', g.floats([2, 3], -2, 2), nr.tanh)]],
  ['relu', ['unary'], (g) => [unaryCase('[2,3], |x| >= 0.1', g.awayFromZero([2, 3], 0.1, 2), nr.relu)]],
  // [-2, -0.1] u [0.1, 5.9] u [6.1, 8]: both kinks (0 and 6) are >= 0.1 away.
  [
    'relu6',
    ['unary', 'binary'],
    () => [unaryCase('[8]', fixed([8], [-2, -0.1, 0.1, 1, 3, 5.9, 6.1, 8]), nr.relu6)],
  ],
  [
    'clipByValue',
    ['binary'],
    () => [
      unaryCase('[6] into [-0.5, 0.5]', fixed([6], [-1, -0.6, -0.4, 0.3, 0.6, 2]), (x) =>
        nr.clipByValue(x, -0.5, 0.5),
      ),
    ],
  ],
  [
    'leakyRelu',
    ['binary', 'where'],
    (g) => [unaryCase('[2,3] alpha 0.2', g.awayFromZero([2, 3], 0.1, 2), nr.leakyRelu)],
  ],
  ['elu', ['unary', 'binary', 'where'], (g) => [unaryCase('[2,3]', g.awayFromZero([2, 3], 0.1, 2), nr.elu)]],
  [
    'selu',
    ['unary', 'binary', 'where'],
    (g) => [unaryCase('[2,3]', g.awayFromZero([2, 3], 0.1, 2), nr.selu)],
  ],
  ['softplus', ['unary', 'binary'], (g) => [unaryCase('[2,3]', g.awayFromZero([2, 3], 0.1, 3), nr.softplus)]],
  ['softsign', ['unary', 'binary'], (g) => [unaryCase('[2,3]', g.awayFromZero([2, 3], 0.1, 3), nr.softsign)]],
  [
    'swish',
    ['unary', 'binary'],
    (g) => [
      unaryCase('[2,3]', g.floats([2, 3], -3, 3), nr.swish),
      unaryCase('[2,3] beta 2', g.floats([2, 3], -3, 3), (x) => nr.swish(x, 2)),
    ],
  ],
  [
    'gelu',
    ['unary', 'binary'],
    (g) => [
      unaryCase('[2,3]', g.floats([2, 3], -3, 3), nr.gelu),
      unaryCase('[2,3] approximate', g.floats([2, 3], -3, 3), (x) => nr.gelu(x, true)),
    ],
  ],
];
