/**
 * Forward values of the neural-network ops against TensorFlow.js on random shapes from a seeded
 * generator: conv2d over strides, paddings (same / valid / explicit) and dilations, max and average
 * pooling, softmax / logSoftmax, the activation functions, and ops applied to transposed
 * (non-contiguous in memory before the copy) inputs.
 *
 * TensorFlow.js refuses conv2d with both a stride and a dilation above 1; that combination is covered by
 * a hand-computed fixture instead.
 *
 * @packageDocumentation
 */
import type { Padding } from '@neurona/core';
import * as nr from '@neurona/core';
import { beforeAll } from 'vitest';
import { Gen, toNr } from './gen.js';
import type { Suite } from './harness.js';
import { compareWithTf, label, tf, toTf, useTfjsCpu } from './tfjs.js';

/** Random cases per test. */
const CASES = 12;

type TfPad =
  | 'same'
  | 'valid'
  | number
  | [[number, number], [number, number], [number, number], [number, number]];

/** A padding in Neurona's and in TensorFlow.js's notation. */
function randomPadding(g: Gen, maxExplicit: number): [Padding, TfPad] {
  const kind = g.pick(['same', 'same', 'valid', 'valid', 'number', 'explicit'] as const);
  if (kind === 'same' || kind === 'valid') return [kind, kind];
  if (kind === 'number') {
    // tfjs sizes a numeric padding with the filter height and stride height for both axes, so give it
    // the explicit form.
    const p = g.int(0, maxExplicit);
    return [
      p,
      [
        [0, 0],
        [p, p],
        [p, p],
        [0, 0],
      ],
    ];
  }
  const [t, b, l, r] = [
    g.int(0, maxExplicit),
    g.int(0, maxExplicit),
    g.int(0, maxExplicit),
    g.int(0, maxExplicit),
  ];
  return [
    [
      [t, b],
      [l, r],
    ],
    [
      [0, 0],
      [t, b],
      [l, r],
      [0, 0],
    ],
  ];
}

/** Smallest input size along one axis that holds a window of effective size `eff` under padding `p`. */
function minInput(eff: number, p: Padding, axis: 0 | 1): number {
  if (p === 'same') return 1;
  const extra = p === 'valid' ? 0 : typeof p === 'number' ? 2 * p : p[axis][0] + p[axis][1];
  return Math.max(1, eff - extra);
}

/**
 * Register the `oracle-nn` group.
 *
 * @example
 * ```ts
 * registerNnOracle(suite);
 * ```
 */
export function registerNnOracle(suite: Suite): void {
  suite.group('oracle-nn', (test) => {
    beforeAll(() => useTfjsCpu());

    test('conv2d over strides, paddings and dilations', ['conv2d'], async ({ tol }) => {
      const g = new Gen(1101);
      for (let i = 0; i < CASES * 2; i++) {
        const [fh, fw] = [g.int(1, 3), g.int(1, 3)];
        const strides: [number, number] = [g.int(1, 2), g.int(1, 2)];
        const dilated = strides[0] === 1 && strides[1] === 1 && g.chance(0.5);
        const dilations: [number, number] = dilated ? [g.int(1, 2), g.int(1, 2)] : [1, 1];
        const [pad, tfPad] = randomPadding(g, 2);
        const effH = (fh - 1) * dilations[0] + 1;
        const effW = (fw - 1) * dilations[1] + 1;
        const minH = minInput(effH, pad, 0);
        const minW = minInput(effW, pad, 1);
        const h = g.int(minH, Math.max(minH, 7));
        const w = g.int(minW, Math.max(minW, 7));
        const x = g.floats([g.int(1, 2), h, w, g.int(1, 3)]);
        const f = g.floats([fh, fw, x.shape[3]!, g.int(1, 3)]);
        await compareWithTf(
          `${label('conv2d', x.shape, f.shape)} strides [${strides}] padding ${JSON.stringify(pad)} dilations [${dilations}]`,
          () => nr.conv2d(toNr(x), toNr(f), strides, pad, dilations),
          () => tf.conv2d(toTf(x) as tf.Tensor4D, toTf(f) as tf.Tensor4D, strides, tfPad, 'NHWC', dilations),
          tol('oracle'),
        );
      }
    });

    test(
      'depthwiseConv2d over strides, paddings, dilations and multipliers',
      ['depthwiseConv2d'],
      async ({ tol }) => {
        const g = new Gen(1103);
        for (let i = 0; i < CASES * 2; i++) {
          const [fh, fw] = [g.int(1, 3), g.int(1, 3)];
          // tfjs's depthwiseConv2d takes equal strides only, and no stride with a dilation.
          const s = g.int(1, 2);
          const strides: [number, number] = [s, s];
          const dilations: [number, number] = s === 1 && g.chance(0.5) ? [g.int(1, 2), g.int(1, 2)] : [1, 1];
          const [pad, tfPad] = randomPadding(g, 2);
          const minH = minInput((fh - 1) * dilations[0] + 1, pad, 0);
          const minW = minInput((fw - 1) * dilations[1] + 1, pad, 1);
          const x = g.floats([
            g.int(1, 2),
            g.int(minH, Math.max(minH, 7)),
            g.int(minW, Math.max(minW, 7)),
            g.int(1, 4),
          ]);
          const f = g.floats([fh, fw, x.shape[3]!, g.int(1, 3)]);
          await compareWithTf(
            `${label('depthwiseConv2d', x.shape, f.shape)} strides [${strides}] padding ${JSON.stringify(pad)} dilations [${dilations}]`,
            () => nr.depthwiseConv2d(toNr(x), toNr(f), strides, pad, dilations),
            () =>
              tf.depthwiseConv2d(
                toTf(x) as tf.Tensor4D,
                toTf(f) as tf.Tensor4D,
                strides,
                tfPad as 'same' | 'valid' | number,
                'NHWC',
                dilations,
              ),
            tol('oracle'),
          );
        }
      },
    );

    test(
      'maxPool and avgPool over window sizes, strides and paddings',
      ['maxPool', 'avgPool'],
      async ({ tol }) => {
        const g = new Gen(1202);
        for (let i = 0; i < CASES * 2; i++) {
          const filter: [number, number] = [g.int(1, 3), g.int(1, 3)];
          const strides: [number, number] = [g.int(1, 3), g.int(1, 3)];
          const kind = g.pick(['same', 'valid', 'number'] as const);
          // A numeric padding must stay smaller than the window on every side.
          const p = g.int(0, Math.min(filter[0], filter[1]) - 1);
          const pad: 'same' | 'valid' | number = kind === 'number' ? p : kind;
          // tfjs sizes a numeric padding with the filter and stride heights on both axes: pass it explicitly.
          const tfPad: TfPad =
            kind === 'number'
              ? [
                  [0, 0],
                  [p, p],
                  [p, p],
                  [0, 0],
                ]
              : kind;
          const min = (f: number): number =>
            kind === 'valid' ? f : kind === 'number' ? Math.max(1, f - 2 * p) : 1;
          const x = g.floats(
            [g.int(1, 2), g.int(min(filter[0]), 7), g.int(min(filter[1]), 7), g.int(1, 3)],
            -2,
            2,
          );
          const what = `${label('', x.shape)} filter [${filter}] strides [${strides}] padding ${pad}`;
          await compareWithTf(
            `maxPool${what}`,
            () => nr.maxPool(toNr(x), filter, strides, pad),
            () => tf.maxPool(toTf(x) as tf.Tensor4D, filter, strides, tfPad),
            tol('oracle'),
          );
          await compareWithTf(
            `avgPool${what}`,
            () => nr.avgPool(toNr(x), filter, strides, pad),
            () => tf.avgPool(toTf(x) as tf.Tensor4D, filter, strides, tfPad),
            tol('oracle'),
          );
        }
      },
    );

    test(
      'softmax and logSoftmax over the last and other axes',
      ['softmax', 'logSoftmax'],
      async ({ tol }) => {
        const g = new Gen(1303);
        for (let i = 0; i < CASES; i++) {
          const shape = g.shape(1, 3, 1, 6);
          if (i === 0) shape[0] = 0;
          const x = g.floats(shape, -10, 10);
          await compareWithTf(
            label('softmax', shape),
            () => nr.softmax(toNr(x)),
            () => tf.softmax(toTf(x)),
            tol('oracle'),
          );
          await compareWithTf(
            label('logSoftmax', shape),
            () => nr.logSoftmax(toNr(x)),
            () => tf.logSoftmax(toTf(x)),
            tol('oracle'),
          );
          // Axis 0 of a rank-2 input: tfjs only does the last axis, so it works on the transpose.
          if (shape.length === 2) {
            await compareWithTf(
              `${label('softmax', shape)} axis 0`,
              () => nr.softmax(toNr(x), 0),
              () => tf.transpose(tf.softmax(tf.transpose(toTf(x)))),
              tol('oracle'),
            );
          }
        }
      },
    );

    test('activation functions', ['unary', 'binary', 'where'], async ({ tol }) => {
      const g = new Gen(1404);
      const t = tol('oracle');
      const tfGelu = (x: tf.Tensor, approximate: boolean): tf.Tensor => {
        const inner = approximate
          ? tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI)))
          : tf.erf(tf.mul(x, Math.SQRT1_2));
        return tf.mul(tf.mul(x, 0.5), tf.add(inner, 1));
      };
      for (let i = 0; i < CASES; i++) {
        const shape = g.shape(0, 3);
        if (i === 0) shape.push(0);
        const x = g.floats(shape, -8, 8);
        const [lo, hi] = [g.uniform(-3, 0), g.uniform(0, 3)];
        const alpha = g.uniform(0.01, 0.5);
        const beta = g.pick([1, 0.5, 2]);
        const s = x.shape;
        await compareWithTf(
          label('clipByValue', s),
          () => nr.clipByValue(toNr(x), lo, hi),
          () => tf.clipByValue(toTf(x), lo, hi),
          t,
        );
        await compareWithTf(
          label('relu6', s),
          () => nr.relu6(toNr(x)),
          () => tf.relu6(toTf(x)),
          t,
        );
        await compareWithTf(
          label('leakyRelu', s),
          () => nr.leakyRelu(toNr(x), alpha),
          () => tf.leakyRelu(toTf(x), alpha),
          t,
        );
        await compareWithTf(
          label('elu', s),
          () => nr.elu(toNr(x)),
          () => tf.elu(toTf(x)),
          t,
        );
        await compareWithTf(
          label('selu', s),
          () => nr.selu(toNr(x)),
          () => tf.selu(toTf(x)),
          t,
        );
        await compareWithTf(
          label('softplus', s),
          () => nr.softplus(toNr(x)),
          () => tf.softplus(toTf(x)),
          t,
        );
        const softsign = (v: tf.Tensor): tf.Tensor => tf.div(v, tf.add(tf.abs(v), 1));
        await compareWithTf(
          label('softsign', s),
          () => nr.softsign(toNr(x)),
          () => softsign(toTf(x)),
          t,
        );
        const swish = (v: tf.Tensor): tf.Tensor => tf.mul(v, tf.sigmoid(tf.mul(v, beta)));
        await compareWithTf(
          `${label('swish', s)} beta ${beta}`,
          () => nr.swish(toNr(x), beta),
          () => swish(toTf(x)),
          t,
        );
        await compareWithTf(
          label('gelu', s),
          () => nr.gelu(toNr(x)),
          () => tfGelu(toTf(x), false),
          t,
        );
        await compareWithTf(
          label('gelu approximate', s),
          () => nr.gelu(toNr(x), true),
          () => tfGelu(toTf(x), true),
          t,
        );
      }
    });

    test(
      'ops on transposed inputs',
      ['transpose', 'binary', 'matmul', 'reduce', 'conv2d', 'softmax'],
      async ({ tol }) => {
        const g = new Gen(1505);
        const t = tol('oracle');
        for (let i = 0; i < CASES / 2; i++) {
          const a = g.floats([g.int(1, 5), g.int(1, 5)]);
          const [r, c] = a.shape as [number, number];
          const b = g.floats([r]);
          await compareWithTf(
            label('add(aᵀ, b)', a.shape, b.shape),
            () => nr.add(nr.transpose(toNr(a)), toNr(b)),
            () => tf.add(tf.transpose(toTf(a)), toTf(b)),
            t,
          );
          const m = g.floats([r, g.int(1, 4)]);
          await compareWithTf(
            label('matMul(aᵀ, m)', a.shape, m.shape),
            () => nr.matMul(nr.transpose(toNr(a)), toNr(m)),
            () => tf.matMul(tf.transpose(toTf(a)), toTf(m)),
            t,
          );
          await compareWithTf(
            label('sum(aᵀ, 1)', a.shape),
            () => nr.sum(nr.transpose(toNr(a)), 1),
            () => tf.sum(tf.transpose(toTf(a)), 1),
            t,
          );
          await compareWithTf(
            label('softmax(aᵀ)', a.shape),
            () => nr.softmax(nr.transpose(toNr(a))),
            () => tf.softmax(tf.transpose(toTf(a))),
            t,
          );
          const x = g.floats([1, r, c, 2]);
          const f = g.floats([1, 1, 2, 2]);
          const perm = [0, 2, 1, 3];
          await compareWithTf(
            label('conv2d(transpose(x))', x.shape, f.shape),
            () => nr.conv2d(nr.transpose(toNr(x), perm), toNr(f), 1, 'same'),
            () => tf.conv2d(tf.transpose(toTf(x), perm) as tf.Tensor4D, toTf(f) as tf.Tensor4D, 1, 'same'),
            t,
          );
        }
      },
    );
  });
}
