/**
 * Movement ops against TensorFlow.js on random shapes from a seeded generator: slice (including size 0
 * and -1), pad, concat (with empty parts), stack, split, tile, gather (0-, 1- and 2-D indices), oneHot
 * and unsortedSegmentSum.
 *
 * @packageDocumentation
 */
import * as nr from '@neurona/core';
import { beforeAll } from 'vitest';
import { Gen, toNr } from './gen.js';
import { expectClose, expectShape, type Suite } from './harness.js';
import { compareWithTf, label, tf, toTf, useTfjsCpu } from './tfjs.js';

/** Random cases per test. */
const CASES = 6;

/**
 * Register the `oracle-movement` group.
 *
 * @example
 * ```ts
 * registerMovementOracle(suite);
 * ```
 */
export function registerMovementOracle(suite: Suite): void {
  suite.group('oracle-movement', (test) => {
    beforeAll(() => useTfjsCpu());

    test('slice, pad, concat, stack, split and tile', ['slice', 'pad', 'concat', 'gather'], async () => {
      const g = new Gen(808);
      for (let i = 0; i < CASES; i++) {
        const shape = g.shape(1, 4, 1, 5);
        const x = g.floats(shape);
        const begin = shape.map((d) => g.int(0, d));
        const size = shape.map((d, k) => (g.chance(0.2) ? -1 : g.int(0, d - begin[k]!)));
        await compareWithTf(
          `${label('slice', shape)} begin [${begin}] size [${size}]`,
          () => nr.slice(toNr(x), begin, size),
          () => tf.slice(toTf(x), begin, size),
          0,
        );
        const pads = shape.map(() => [g.int(0, 2), g.int(0, 2)] as [number, number]);
        const value = g.pick([0, 0, 1.5]);
        await compareWithTf(
          `${label('pad', shape)} ${JSON.stringify(pads)}`,
          () => nr.pad(toNr(x), pads, value),
          () => tf.pad(toTf(x), pads, value),
          0,
        );
        const axis = g.int(0, shape.length - 1);
        const parts = [
          x,
          ...Array.from({ length: g.int(1, 2) }, () =>
            g.floats(shape.map((d, k) => (k === axis ? g.int(0, 3) : d))),
          ),
        ];
        await compareWithTf(
          `concat ${parts.map((p) => `[${p.shape}]`).join(' ')} axis ${axis}`,
          () => nr.concat(parts.map(toNr), axis),
          () => tf.concat(parts.map(toTf), axis),
          0,
        );
        const same = [x, g.floats(shape), g.floats(shape)];
        const sAxis = g.int(0, shape.length);
        await compareWithTf(
          `${label('stack', shape)} axis ${sAxis}`,
          () => nr.stack(same.map(toNr), sAxis),
          () => tf.stack(same.map(toTf), sAxis),
          0,
        );
        const reps = shape.map(() => g.int(1, 3));
        await compareWithTf(
          `${label('tile', shape)} reps [${reps}]`,
          () => nr.tile(toNr(x), reps),
          () => tf.tile(toTf(x), reps),
          0,
        );
        const dim = shape[axis]!;
        const cut = g.int(0, dim);
        const sizes = [cut, dim - cut];
        const ours = nr.tidy(() => nr.split(toNr(x), sizes, axis));
        const theirs = tf.tidy(() => tf.split(toTf(x), sizes, axis));
        try {
          for (let p = 0; p < 2; p++) {
            const what = `${label('split', shape)} sizes [${sizes}] axis ${axis} part ${p}`;
            expectShape(ours[p]!, theirs[p]!.shape, 'float32', what);
            expectClose(await ours[p]!.data(), await theirs[p]!.data(), 0, what, theirs[p]!.shape);
          }
        } finally {
          nr.dispose(ours);
          tf.dispose(theirs);
        }
      }
    });

    test('gather, oneHot and unsortedSegmentSum', ['gather', 'unsortedSegmentSum'], async ({ tol }) => {
      const g = new Gen(909);
      for (let i = 0; i < CASES; i++) {
        const shape = g.shape(1, 3, 1, 4);
        const axis = g.int(0, shape.length - 1);
        const x = g.floats(shape);
        const idx = g.ints(g.shape(0, 2, i === 0 ? 0 : 1, 4), 0, shape[axis]! - 1);
        await compareWithTf(
          `${label('gather', shape, idx.shape)} axis ${axis}`,
          () => nr.gather(toNr(x), toNr(idx), axis),
          () => tf.gather(toTf(x), toTf(idx), axis),
          0,
        );
        const depth = g.int(2, 5); // tfjs needs depth >= 2
        const hot = g.ints(g.shape(1, 2), 0, depth - 1);
        await compareWithTf(
          `${label('oneHot', hot.shape)} depth ${depth}`,
          () => nr.oneHot(toNr(hot), depth, 2, -1),
          () => tf.oneHot(toTf(hot) as tf.Tensor1D, depth, 2, -1, 'float32'),
          0,
        );
        const rows = g.int(1, 6);
        const data = g.floats([rows, ...g.shape(0, 2)]);
        const segments = g.int(1, 4);
        const ids = g.ints([rows], 0, segments - 1);
        await compareWithTf(
          `${label('unsortedSegmentSum', data.shape)} segments ${segments}`,
          () => nr.unsortedSegmentSum(toNr(data), toNr(ids), segments),
          () => tf.unsortedSegmentSum(toTf(data), toTf(ids) as tf.Tensor1D, segments),
          tol('oracle'),
        );
      }
    });
  });
}
