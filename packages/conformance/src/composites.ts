/**
 * The composite defaults of the fused kernels, run on this backend's primitives: the same backend is
 * presented to core without its fused kernels, so conv2d, depthwiseConv2d, pooling, softmax and segment sums take the
 * composite path (what a backend that lacks them would run). Forward values are compared with
 * TensorFlow.js and gradients with finite differences.
 *
 * These tests check core's composites on this backend's primitive kernels; they do not count towards the
 * matrix, which reports the backend's own (native or not) kernels.
 *
 * @packageDocumentation
 */
import type { Backend, KernelName } from '@neurona/core';
import * as nr from '@neurona/core';
import { afterAll, beforeAll } from 'vitest';
import { Gen, toNr } from './gen.js';
import { checkCases } from './gradients.js';
import { expectTensor, type Suite } from './harness.js';
import { KERNEL_KINDS } from './matrix.js';
import { compareWithTf, label, tf, toTf, useTfjsCpu } from './tfjs.js';

/**
 * A view of `backend` whose kernel table has only the required kernels (every fused kernel reads as
 * missing); storage and everything else are the backend's own.
 *
 * @example
 * ```ts
 * await nr.setBackend(withoutFused(cpu())); // conv2d now runs core's composite
 * ```
 */
export function withoutFused(backend: Backend): Backend {
  const fused = (prop: PropertyKey): boolean =>
    typeof prop === 'string' && KERNEL_KINDS[prop as KernelName] === 'fused';
  const kernels = new Proxy(backend.kernels, {
    get: (target, prop) => (fused(prop) ? undefined : Reflect.get(target, prop, target)),
    has: (target, prop) => !fused(prop) && Reflect.has(target, prop),
  });
  return new Proxy(backend, {
    get: (target, prop) => {
      if (prop === 'kernels') return kernels;
      if (prop === 'name') return `${target.name} (composites)`;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * Register the `composites` group.
 *
 * @example
 * ```ts
 * registerComposites(suite);
 * ```
 */
export function registerComposites(suite: Suite): void {
  suite.group('composites', (test) => {
    beforeAll(async () => {
      await useTfjsCpu();
      await nr.setBackend(withoutFused(suite.backend));
    });
    afterAll(async () => {
      await nr.setBackend(suite.backend);
    });
    const none: KernelName[] = [];

    test('conv2d', none, async ({ tol }) => {
      // Fixture (see fixtures-nn): 3x3 image, 2x2 filter, stride 2, same, dilation 2 -> [20, 15, 10, 5]
      const img = (): nr.Tensor => nr.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
      const f = (): nr.Tensor => nr.tensor4d([1, 2, 3, 4], [2, 2, 1, 1]);
      await expectTensor(
        () => nr.conv2d(img(), f(), 2, 'same', 2),
        [1, 2, 2, 1],
        [20, 15, 10, 5],
        tol('fixture'),
        'conv2d composite',
      );
      const g = new Gen(5001);
      const configs: [number | [number, number], 'same' | 'valid', number][] = [
        [1, 'same', 1],
        [2, 'valid', 1],
        [1, 'same', 2],
        [[2, 1], 'same', 1],
      ];
      for (const [strides, pad, dil] of configs) {
        const x = g.floats([2, 5, 6, 2]);
        const w = g.floats([3, 2, 2, 3]);
        await compareWithTf(
          `${label('conv2d composite', x.shape, w.shape)} strides ${strides} ${pad} dilations ${dil}`,
          () => nr.conv2d(toNr(x), toNr(w), strides, pad, dil),
          () => tf.conv2d(toTf(x) as tf.Tensor4D, toTf(w) as tf.Tensor4D, strides, pad, 'NHWC', dil),
          tol('oracle'),
        );
        await checkCases(
          'conv2d composite',
          [
            {
              label: `strides ${strides} ${pad} dilations ${dil}`,
              inputs: [g.floats([1, 4, 3, 2]), g.floats([2, 2, 2, 2])],
              f: (a, b) => nr.conv2d(a!, b!, strides, pad, dil),
            },
          ],
          tol('gradient'),
        );
      }
    });

    test('depthwiseConv2d', none, async ({ tol }) => {
      const g = new Gen(5005);
      const configs: [number | [number, number], 'same' | 'valid', number | [number, number]][] = [
        [1, 'same', 1],
        [2, 'valid', 1],
        [1, 'same', [2, 1]],
        [[2, 1], 'same', 1],
      ];
      for (const [strides, pad, dil] of configs) {
        const x = g.floats([2, 5, 6, 3]);
        const w = g.floats([3, 2, 3, 2]);
        await compareWithTf(
          `${label('depthwiseConv2d composite', x.shape, w.shape)} strides ${strides} ${pad} dilations ${dil}`,
          () => nr.depthwiseConv2d(toNr(x), toNr(w), strides, pad, dil),
          () => tf.depthwiseConv2d(toTf(x) as tf.Tensor4D, toTf(w) as tf.Tensor4D, strides, pad, 'NHWC', dil),
          tol('oracle'),
        );
        await checkCases(
          'depthwiseConv2d composite',
          [
            {
              label: `strides ${strides} ${pad} dilations ${dil}`,
              inputs: [g.floats([1, 4, 3, 2]), g.floats([2, 2, 2, 2])],
              f: (a, b) => nr.depthwiseConv2d(a!, b!, strides, pad, dil),
            },
          ],
          tol('gradient'),
        );
      }
    });

    test('maxPool and avgPool', none, async ({ tol }) => {
      const g = new Gen(5002);
      const configs: [number | [number, number], number | [number, number], 'same' | 'valid'][] = [
        [2, 2, 'valid'],
        [2, 2, 'same'],
        [3, 1, 'same'],
        [[3, 2], [1, 2], 'valid'],
      ];
      for (const [size, strides, pad] of configs) {
        const x = g.distinct([2, 5, 4, 2], 0.1);
        const what = `${label('', x.shape)} filter ${size} strides ${strides} ${pad}`;
        await compareWithTf(
          `maxPool composite${what}`,
          () => nr.maxPool(toNr(x), size, strides, pad),
          () => tf.maxPool(toTf(x) as tf.Tensor4D, size, strides, pad),
          tol('oracle'),
        );
        await compareWithTf(
          `avgPool composite${what}`,
          () => nr.avgPool(toNr(x), size, strides, pad),
          () => tf.avgPool(toTf(x) as tf.Tensor4D, size, strides, pad),
          tol('oracle'),
        );
        const small = g.distinct([1, 4, 4, 1], 0.1);
        await checkCases(
          'pool composites',
          [
            { label: `maxPool${what}`, inputs: [small], f: (a) => nr.maxPool(a!, size, strides, pad) },
            { label: `avgPool${what}`, inputs: [small], f: (a) => nr.avgPool(a!, size, strides, pad) },
          ],
          tol('gradient'),
        );
      }
    });

    test('softmax, logSoftmax and unsortedSegmentSum', none, async ({ tol }) => {
      const g = new Gen(5003);
      const x = g.floats([3, 5], -10, 10);
      await compareWithTf(
        'softmax composite [3,5]',
        () => nr.softmax(toNr(x)),
        () => tf.softmax(toTf(x)),
        tol('oracle'),
      );
      await compareWithTf(
        'logSoftmax composite [3,5]',
        () => nr.logSoftmax(toNr(x)),
        () => tf.logSoftmax(toTf(x)),
        tol('oracle'),
      );
      const rows = g.floats([5, 2]);
      const ids = g.ints([5], 0, 2);
      await compareWithTf(
        'unsortedSegmentSum composite [5,2]',
        () => nr.unsortedSegmentSum(toNr(rows), toNr(ids), 3),
        () => tf.unsortedSegmentSum(toTf(rows), toTf(ids) as tf.Tensor1D, 3),
        tol('oracle'),
      );
      await checkCases(
        'softmax composites',
        [
          { label: 'softmax [2,4]', inputs: [g.floats([2, 4], -2, 2)], f: (a) => nr.softmax(a!) },
          { label: 'logSoftmax [2,4]', inputs: [g.floats([2, 4], -2, 2)], f: (a) => nr.logSoftmax(a!) },
          {
            label: 'gather [3,2] rows [2,0,2]',
            inputs: [g.floats([3, 2])],
            f: (a) => nr.gather(a!, [2, 0, 2]),
          },
        ],
        tol('gradient'),
      );
    });
  });
}
