/**
 * Forward values against TensorFlow.js (tfjs-core + tfjs-backend-cpu) on random shapes from a seeded
 * generator: elementwise ops with broadcasting and size-0 dimensions, where, cast, reductions,
 * transposes and matMul with every transpose flag. Movement ops are in `oracle-movement.ts`; convolution,
 * pooling, softmax and activations in `oracle-nn.ts`.
 *
 * `step` is not compared here: tfjs gives step(0) = 0 (x > 0) where Neurona's contract gives 1 (x >= 0);
 * the fixtures cover it.
 *
 * @packageDocumentation
 */
import * as nr from '@neurona/core';
import { beforeAll } from 'vitest';
import { Gen, type HostTensor, toNr } from './gen.js';
import type { Suite } from './harness.js';
import { compareWithTf, label, tf, toTf, useTfjsCpu } from './tfjs.js';

/** Random cases per op; each test derives its generator from its own seed. */
const CASES = 6;

type NrUnary = (x: nr.Tensor) => nr.Tensor;
type NrBinary = (a: nr.Tensor, b: nr.Tensor) => nr.Tensor;
type TfUnary = (x: tf.Tensor) => tf.Tensor;
type TfBinary = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** Unary ops with their tfjs twin and an input domain where both are defined (step: fixtures only). */
const UNARY: readonly [string, NrUnary, TfUnary, (g: Gen, s: number[]) => HostTensor][] = [
  ['neg', nr.neg, tf.neg, (g, s) => g.floats(s, -3, 3)],
  ['abs', nr.abs, tf.abs, (g, s) => g.floats(s, -3, 3)],
  ['sign', nr.sign, tf.sign, (g, s) => g.floats(s, -3, 3)],
  ['square', nr.square, tf.square, (g, s) => g.floats(s, -3, 3)],
  ['exp', nr.exp, tf.exp, (g, s) => g.floats(s, -5, 5)],
  ['expm1', nr.expm1, tf.expm1, (g, s) => g.floats(s, -2, 2)],
  ['log', nr.log, tf.log, (g, s) => g.floats(s, 0.01, 10)],
  ['log1p', nr.log1p, tf.log1p, (g, s) => g.floats(s, -0.9, 5)],
  ['sqrt', nr.sqrt, tf.sqrt, (g, s) => g.floats(s, 0, 10)],
  ['rsqrt', nr.rsqrt, tf.rsqrt, (g, s) => g.floats(s, 0.05, 10)],
  ['reciprocal', nr.reciprocal, tf.reciprocal, (g, s) => g.awayFromZero(s, 0.05, 5)],
  ['sigmoid', nr.sigmoid, tf.sigmoid, (g, s) => g.floats(s, -8, 8)],
  ['tanh', nr.tanh, tf.tanh, (g, s) => g.floats(s, -5, 5)],
  ['relu', nr.relu, tf.relu, (g, s) => g.floats(s, -3, 3)],
  ['erf', nr.erf, tf.erf, (g, s) => g.floats(s, -3, 3)],
  ['floor', nr.floor, tf.floor, (g, s) => g.floats(s, -5, 5)],
  ['ceil', nr.ceil, tf.ceil, (g, s) => g.floats(s, -5, 5)],
  ['round', nr.round, tf.round, (g, s) => g.floats(s, -5, 5)],
];

/** Arithmetic binary ops with their tfjs twin and a domain for the second operand. */
const ARITHMETIC: readonly [string, NrBinary, TfBinary, 'any' | 'nonzero' | 'exponent'][] = [
  ['add', nr.add, tf.add, 'any'],
  ['sub', nr.sub, tf.sub, 'any'],
  ['mul', nr.mul, tf.mul, 'any'],
  ['div', nr.div, tf.div, 'nonzero'],
  ['pow', nr.pow, tf.pow, 'exponent'],
  ['maximum', nr.maximum, tf.maximum, 'any'],
  ['minimum', nr.minimum, tf.minimum, 'any'],
  ['mod', nr.mod, tf.mod, 'nonzero'],
];

const COMPARISON: readonly [string, NrBinary, TfBinary][] = [
  ['equal', nr.equal, tf.equal],
  ['notEqual', nr.notEqual, tf.notEqual],
  ['less', nr.less, tf.less],
  ['lessEqual', nr.lessEqual, tf.lessEqual],
  ['greater', nr.greater, tf.greater],
  ['greaterEqual', nr.greaterEqual, tf.greaterEqual],
];

/** A shape with some chance of a size-0 dimension. */
function shapeMaybeEmpty(g: Gen, i: number): number[] {
  const s = g.shape(0, 4, 1, 4);
  if (i === 0 && s.length > 0) s[g.int(0, s.length - 1)] = 0;
  return s;
}

/**
 * Register the `oracle` group.
 *
 * @example
 * ```ts
 * registerOracle(suite);
 * ```
 */
export function registerOracle(suite: Suite): void {
  suite.group('oracle', (test) => {
    beforeAll(() => useTfjsCpu());

    test('unary ops on random shapes', ['unary'], async ({ tol }) => {
      const g = new Gen(101);
      for (const [name, nrOp, tfOp, domain] of UNARY) {
        for (let i = 0; i < CASES; i++) {
          const x = domain(g, shapeMaybeEmpty(g, i));
          await compareWithTf(
            label(name, x.shape),
            () => nrOp(toNr(x)),
            () => tfOp(toTf(x)),
            tol('oracle'),
          );
        }
      }
      // int32 keeps its dtype through neg, abs, sign and square
      for (const [name, nrOp, tfOp] of UNARY.slice(0, 4)) {
        const x = g.ints(g.shape(1, 3), -9, 9);
        await compareWithTf(
          label(`${name} int32`, x.shape),
          () => nrOp(toNr(x)),
          () => tfOp(toTf(x)),
          0,
        );
      }
      const b = g.bools([3, 4]);
      await compareWithTf(
        'logicalNot [3,4]',
        () => nr.logicalNot(toNr(b)),
        () => tf.logicalNot(toTf(b)),
        0,
      );
    });

    test('binary ops with broadcasting', ['binary'], async ({ tol }) => {
      const g = new Gen(202);
      for (const [name, nrOp, tfOp, domain] of ARITHMETIC) {
        for (let i = 0; i < CASES; i++) {
          const out = shapeMaybeEmpty(g, i);
          const [sa, sb] = g.chance(0.5) ? [out, g.broadcastPartner(out)] : [g.broadcastPartner(out), out];
          const a = name === 'pow' ? g.floats(sa, 0.1, 3) : g.floats(sa, -4, 4);
          const b =
            domain === 'nonzero'
              ? g.awayFromZero(sb, 0.25, 4)
              : domain === 'exponent'
                ? g.floats(sb, -2, 2)
                : g.floats(sb, -4, 4);
          const what = label(name, sa, sb);
          await compareWithTf(
            what,
            () => nrOp(toNr(a), toNr(b)),
            () => tfOp(toTf(a), toTf(b)),
            tol('oracle'),
          );
        }
      }
      // int32 arithmetic (division is floor division in both) and comparisons/logical ops
      for (const [name, nrOp, tfOp] of ARITHMETIC.filter(([n]) => n !== 'pow' && n !== 'mod')) {
        const out = g.shape(1, 3);
        const a = g.ints(out, -20, 20);
        const b =
          name === 'div' ? g.ints(g.broadcastPartner(out), 1, 6) : g.ints(g.broadcastPartner(out), -20, 20);
        await compareWithTf(
          label(`${name} int32`, a.shape, b.shape),
          () => nrOp(toNr(a), toNr(b)),
          () => tfOp(toTf(a), toTf(b)),
          0,
        );
      }
      for (const [name, nrOp, tfOp] of COMPARISON) {
        const out = g.shape(1, 3);
        // small integers stored as float32, so that ties (equal, lessEqual) really happen
        const a = g.ints(out, -2, 2);
        const b = g.ints(g.broadcastPartner(out), -2, 2);
        const af = { ...a, dtype: 'float32' as const, data: Float32Array.from(a.data) };
        const bf = { ...b, dtype: 'float32' as const, data: Float32Array.from(b.data) };
        await compareWithTf(
          label(name, a.shape, b.shape),
          () => nrOp(toNr(af), toNr(bf)),
          () => tfOp(toTf(af), toTf(bf)),
          0,
        );
      }
      for (const [name, nrOp, tfOp] of [
        ['logicalAnd', nr.logicalAnd, tf.logicalAnd],
        ['logicalOr', nr.logicalOr, tf.logicalOr],
      ] as const) {
        const out = g.shape(1, 3);
        const a = g.bools(out);
        const b = g.bools(g.broadcastPartner(out));
        await compareWithTf(
          label(name, a.shape, b.shape),
          () => nrOp(toNr(a), toNr(b)),
          () => tfOp(toTf(a), toTf(b)),
          0,
        );
      }
    });

    test('where with three-way broadcasting', ['where'], async ({ tol }) => {
      const g = new Gen(303);
      for (let i = 0; i < CASES; i++) {
        const out = shapeMaybeEmpty(g, i);
        const c = g.bools(g.broadcastPartner(out));
        const a = g.floats(g.chance(0.5) ? out : g.broadcastPartner(out));
        const b = g.floats(g.broadcastPartner(out));
        // tfjs where wants operands of the result's shape: broadcast all three there first.
        const shape = nr.broadcastShapes(c.shape, nr.broadcastShapes(a.shape, b.shape, 'where'), 'where');
        await compareWithTf(
          label('where', c.shape, a.shape, b.shape),
          () => nr.where(toNr(c), toNr(a), toNr(b)),
          () =>
            tf.where(
              tf.broadcastTo(toTf(c), shape),
              tf.broadcastTo(toTf(a), shape),
              tf.broadcastTo(toTf(b), shape),
            ),
          tol('oracle'),
        );
      }
    });

    test('cast between float32, int32 and bool', ['cast'], async () => {
      const g = new Gen(404);
      for (let i = 0; i < CASES; i++) {
        const x = g.floats(shapeMaybeEmpty(g, i), -5, 5);
        await compareWithTf(
          label('cast int32', x.shape),
          () => nr.cast(toNr(x), 'int32'),
          () => tf.cast(toTf(x), 'int32'),
          0,
        );
        const z = g.ints(x.shape, -1, 1);
        await compareWithTf(
          label('cast int->bool', z.shape),
          () => nr.cast(toNr(z), 'bool'),
          () => tf.cast(toTf(z), 'bool'),
          0,
        );
        const b = g.bools(x.shape);
        await compareWithTf(
          label('cast bool->float', b.shape),
          () => nr.cast(toNr(b), 'float32'),
          () => tf.cast(toTf(b), 'float32'),
          0,
        );
      }
    });

    test('reductions over random axes, with and without keepDims', ['reduce'], async ({ tol }) => {
      const g = new Gen(505);
      type Red = (x: nr.Tensor, axis: number[], keep: boolean) => nr.Tensor;
      type TfRed = (x: tf.Tensor, axis: number[], keep: boolean) => tf.Tensor;
      const ops: [string, Red, TfRed, [number, number]][] = [
        ['sum', nr.sum, tf.sum, [-2, 2]],
        ['mean', nr.mean, tf.mean, [-2, 2]],
        ['max', nr.max, tf.max, [-2, 2]],
        ['min', nr.min, tf.min, [-2, 2]],
        ['prod', nr.prod, tf.prod, [0.6, 1.4]],
      ];
      for (const [name, ours, theirs, [lo, hi]] of ops) {
        for (let i = 0; i < CASES; i++) {
          const shape = g.shape(1, 4, 1, 5);
          const axes = g.permutation(shape.length).slice(0, g.int(1, shape.length)).sort();
          // A size-0 dimension only on a kept axis (tfjs gives NaN for max/min over nothing; fixtures cover that).
          const kept = shape.map((_, k) => k).filter((k) => !axes.includes(k));
          if (i === 0 && kept.length > 0) shape[g.pick(kept)] = 0;
          const keep = g.chance(0.5);
          const x = g.floats(shape, lo, hi);
          const what = `${label(name, shape)} axes [${axes}] keepDims ${keep}`;
          await compareWithTf(
            what,
            () => ours(toNr(x), axes, keep),
            () => theirs(toTf(x), axes, keep),
            tol('oracle'),
          );
        }
      }
      for (const [name, ours, theirs] of [
        ['argMax', nr.argMax, tf.argMax],
        ['argMin', nr.argMin, tf.argMin],
      ] as const) {
        for (let i = 0; i < CASES; i++) {
          const shape = g.shape(1, 4, 1, 5);
          const axis = g.int(-shape.length, shape.length - 1);
          const x = g.floats(shape);
          await compareWithTf(
            `${label(name, shape)} axis ${axis}`,
            () => ours(toNr(x), axis),
            () => theirs(toTf(x), axis),
            0,
          );
        }
      }
    });

    test('transpose with random permutations', ['transpose'], async () => {
      const g = new Gen(606);
      for (let i = 0; i < CASES * 2; i++) {
        const shape = shapeMaybeEmpty(g, i % CASES)
          .concat(g.shape(1, 2, 1, 3))
          .slice(0, 5);
        const perm = g.permutation(shape.length);
        const x = g.floats(shape);
        await compareWithTf(
          `${label('transpose', shape)} perm [${perm}]`,
          () => nr.transpose(toNr(x), perm),
          () => tf.transpose(toTf(x), perm),
          0,
        );
      }
    });

    test('matMul with transposes and batches', ['matmul'], async ({ tol }) => {
      const g = new Gen(707);
      for (let i = 0; i < CASES * 3; i++) {
        const [m, k, n] = [g.int(i === 0 ? 0 : 1, 6), g.int(i === 1 ? 0 : 1, 9), g.int(1, 6)];
        const ta = g.chance(0.5);
        const tb = g.chance(0.5);
        const batch = g.pick([[], [], [3], [2, 2]]);
        const bcast = batch.length > 0 && g.chance(0.3);
        const sa = [...(bcast && g.chance(0.5) ? batch.map(() => 1) : batch), ...(ta ? [k, m] : [m, k])];
        const sb = [...(bcast ? batch.map(() => 1) : batch), ...(tb ? [n, k] : [k, n])];
        const a = g.floats(sa);
        const b = g.floats(sb);
        await compareWithTf(
          `${label('matMul', sa, sb)} transposeA ${ta} transposeB ${tb}`,
          () => nr.matMul(toNr(a), toNr(b), ta, tb),
          () => tf.matMul(toTf(a), toTf(b), ta, tb),
          tol('oracle'),
        );
      }
    });

    test(
      'matMul, transpose and conv2d beyond cache blocks and tiles',
      ['matmul', 'transpose', 'conv2d'],
      async ({ tol }) => {
        // Sizes past typical blocking (64-row, 256-deep, 256-wide GEMM panels; 32x32 transpose tiles;
        // conv2d im2col chunks of 2^20 elements) with ragged edges, so edge tiles and block seams are exercised.
        const g = new Gen(808);
        for (const [m, k, n, ta, tb] of [
          [70, 300, 9, false, false],
          [5, 260, 259, true, false],
          [67, 17, 258, false, true],
          [65, 257, 66, true, true],
        ] as const) {
          const a = g.floats(ta ? [k, m] : [m, k]);
          const b = g.floats(tb ? [n, k] : [k, n]);
          await compareWithTf(
            `${label('matMul', a.shape, b.shape)} transposeA ${ta} transposeB ${tb}`,
            () => nr.matMul(toNr(a), toNr(b), ta, tb),
            () => tf.matMul(toTf(a), toTf(b), ta, tb),
            tol('oracle'),
          );
        }
        const x = g.floats([3, 33, 70]);
        await compareWithTf(
          'transpose [3,33,70] perm [2,0,1]',
          () => nr.transpose(toNr(x), [2, 0, 1]),
          () => tf.transpose(toTf(x), [2, 0, 1]),
          0,
        );
        const img = g.floats([5, 30, 29, 32]);
        const f = g.floats([3, 3, 32, 5]);
        await compareWithTf(
          label('conv2d', img.shape, f.shape),
          () => nr.conv2d(toNr(img), toNr(f), 1, 'same'),
          () => tf.conv2d(toTf(img) as tf.Tensor4D, toTf(f) as tf.Tensor4D, 1, 'same'),
          tol('oracle'),
        );
      },
    );
  });
}
