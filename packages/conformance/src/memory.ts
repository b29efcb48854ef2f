/**
 * Memory checks: a kernel adds exactly its outputs to the backend's live handles, `dispose` (idempotent)
 * returns to the baseline, `nr.tidy` frees intermediates, gradients and failed ops leak nothing, variables
 * release replaced values, and a tensor of another backend instance is rejected with a clear error.
 *
 * @packageDocumentation
 */
import type { KernelName } from '@neurona/core';
import * as nr from '@neurona/core';
import { expect } from 'vitest';
import type { Suite } from './harness.js';

/** Live backend handles and engine tensors. */
interface Counts {
  readonly handles: number;
  readonly tensors: number;
}

/** Inputs of the probes, created before measuring. */
interface Inputs {
  /** [2, 3] float32 */
  readonly x: nr.Tensor;
  /** [2, 3] bool */
  readonly mask: nr.Tensor;
  /** [1, 4, 4, 2] float32 */
  readonly img: nr.Tensor;
  /** [2, 2, 2, 3] float32 */
  readonly filter: nr.Tensor;
}

/** One op to measure: given the inputs, it returns its outputs (array literals are converted inside the op). */
type Probe = readonly [name: string, kernels: readonly KernelName[], run: (i: Inputs) => nr.Tensor[]];

const PROBES: readonly Probe[] = [
  ['add with a number', ['binary'], ({ x }) => [nr.add(x, 1)]],
  ['matMul', ['matmul'], ({ x }) => [nr.matMul(x, x, false, true)]],
  ['sum keepDims', ['reduce', 'transpose'], ({ x }) => [nr.sum(x, 0, true)]],
  ['transpose', ['transpose'], ({ x }) => [nr.transpose(x)]],
  ['cast', ['cast'], ({ x }) => [nr.cast(x, 'int32')]],
  ['where', ['where'], ({ x, mask }) => [nr.where(mask, x, 0)]],
  ['slice', ['slice'], ({ x }) => [nr.slice(x, [0, 1], [2, 2])]],
  [
    'pad',
    ['pad'],
    ({ x }) => [
      nr.pad(x, [
        [1, 0],
        [0, 1],
      ]),
    ],
  ],
  ['concat', ['concat'], ({ x }) => [nr.concat([x, x], 1)]],
  ['gather', ['gather'], ({ x }) => [nr.gather(x, [1, 0, 1])]],
  ['split in 3', ['slice'], ({ x }) => nr.split(x, 3, 1)],
  ['conv2d', ['conv2d'], ({ img, filter }) => [nr.conv2d(img, filter, 1, 'same')]],
  ['depthwiseConv2d', ['depthwiseConv2d'], ({ img, filter }) => [nr.depthwiseConv2d(img, filter, 2, 'same')]],
  ['maxPool', ['maxPool'], ({ img }) => [nr.maxPool(img, 2, 2, 'valid')]],
  ['avgPool', ['avgPool'], ({ img }) => [nr.avgPool(img, 3, 1, 'same')]],
  ['softmax', ['softmax'], ({ x }) => [nr.softmax(x)]],
  ['logSoftmax', ['logSoftmax'], ({ x }) => [nr.logSoftmax(x)]],
  ['unsortedSegmentSum', ['unsortedSegmentSum'], ({ x }) => [nr.unsortedSegmentSum(x, [1, 1], 3)]],
];

/**
 * Register the `memory` group.
 *
 * @example
 * ```ts
 * registerMemory(suite);
 * ```
 */
export function registerMemory(suite: Suite): void {
  const counts = (): Counts => ({ handles: suite.backend.stats().handles, tensors: nr.memory().numTensors });
  const expectCounts = (got: Counts, want: Counts, what: string): void => {
    if (got.handles !== want.handles || got.tensors !== want.tensors) {
      throw new Error(
        `${what}: backend handles ${got.handles} (expected ${want.handles}), live tensors ${got.tensors} (expected ${want.tensors})`,
      );
    }
  };

  suite.group('memory', (test) => {
    for (const [name, kernels, run] of PROBES) {
      test(`${name}: handles grow by the outputs, then return to baseline`, kernels, () => {
        const inputs: Inputs = {
          x: nr.tensor([
            [1, -2, 3],
            [-4, 5, -6],
          ]),
          mask: nr.tensor([
            [true, false, true],
            [false, true, false],
          ]),
          img: nr.randomNormal([1, 4, 4, 2]),
          filter: nr.randomNormal([2, 2, 2, 3]),
        };
        try {
          const before = counts();
          const outs = run(inputs);
          const n = outs.length;
          expectCounts(
            counts(),
            { handles: before.handles + n, tensors: before.tensors + n },
            `${name} (after the op)`,
          );
          nr.dispose(outs);
          expectCounts(counts(), before, `${name} (after dispose)`);
        } finally {
          nr.dispose(inputs);
        }
      });
    }

    test('reshape shares storage; dispose is idempotent', [], () => {
      const before = counts();
      const x = nr.tensor([1, 2, 3, 4]);
      const y = nr.reshape(x, [2, 2]);
      expectCounts(counts(), { handles: before.handles + 1, tensors: before.tensors + 2 }, 'reshape view');
      x.dispose();
      x.dispose();
      expectCounts(
        counts(),
        { handles: before.handles + 1, tensors: before.tensors + 1 },
        'storage kept alive by the view',
      );
      y.dispose();
      y.dispose();
      expectCounts(counts(), before, 'after disposing both (twice)');
    });

    test('tidy frees intermediates and keeps what it returns', ['unary', 'binary', 'matmul'], () => {
      const x = nr.tensor([
        [1, 2],
        [3, 4],
      ]);
      const before = counts();
      const y = nr.tidy(() => nr.sigmoid(nr.add(nr.matMul(x, x), nr.exp(x))));
      expectCounts(
        counts(),
        { handles: before.handles + 1, tensors: before.tensors + 1 },
        'tidy returning one tensor',
      );
      const kept = nr.tidy(() => {
        const inner = nr.tidy(() => [nr.square(x), nr.neg(x)]);
        nr.keep(nr.abs(inner[0]!));
        return { pair: inner };
      });
      // y, the two tensors of `pair`, and the kept abs
      expectCounts(
        counts(),
        { handles: before.handles + 4, tensors: before.tensors + 4 },
        'tidy returning an object of two',
      );
      nr.dispose([y, kept]);
      const kept2 = counts();
      expectCounts(
        kept2,
        { handles: before.handles + 1, tensors: before.tensors + 1 },
        'the kept tensor survives',
      );
      nr.tidy(() => {
        nr.sum(nr.mul(x, 3));
      });
      expectCounts(counts(), kept2, 'tidy returning nothing');
      expect(() => nr.tidy(() => Promise.resolve(nr.neg(x)) as unknown as nr.Tensor)).toThrow(
        /Promise|synchronous/,
      );
      expectCounts(counts(), kept2, 'tidy rejecting a promise');
      x.dispose();
    });

    test('a failing op leaks nothing', ['matmul', 'binary'], () => {
      const a = nr.ones([2, 3]);
      const before = counts();
      expect(() => nr.matMul(a, [[1, 2, 3]])).toThrow(/matMul/);
      expect(() => nr.add(a, [1, 2])).toThrow(/broadcast/);
      expect(() => nr.tidy(() => nr.matMul(nr.exp(a), nr.ones([2, 2])))).toThrow(/matMul/);
      expectCounts(counts(), before, 'after three failed ops');
      a.dispose();
    });

    test(
      'gradients leave no leaks',
      ['conv2d', 'conv2dGradInput', 'conv2dGradFilter', 'maxPool', 'maxPoolGrad', 'softmax', 'matmul'],
      () => {
        const x = nr.randomNormal([1, 4, 4, 1]);
        const f = nr.randomNormal([2, 2, 1, 2]);
        const w = nr.randomNormal([8, 3]);
        const before = counts();
        const loss = (xt: nr.Tensor, ft: nr.Tensor, wt: nr.Tensor): nr.Tensor =>
          nr.sum(
            nr.softmax(
              nr.matMul(nr.reshape(nr.maxPool(nr.relu(nr.conv2d(xt, ft, 1, 'same')), 2, 2), [1, 8]), wt),
            ),
          );
        const { value, grads } = nr.valueAndGrads(loss)([x, f, w]);
        expectCounts(
          counts(),
          { handles: before.handles + 4, tensors: before.tensors + 4 },
          'valueAndGrads (value + 3 grads)',
        );
        nr.dispose([value, grads]);
        const dw = nr.grad((wt) => loss(x, f, wt))(w);
        expectCounts(
          counts(),
          { handles: before.handles + 1, tensors: before.tensors + 1 },
          'grad (one gradient)',
        );
        dw.dispose();
        const init = nr.mul(w, 1);
        const v = nr.variable(init, true, 'memory/v');
        init.dispose();
        const inV = counts();
        const r = nr.variableGrads(() => loss(x, f, v));
        expectCounts(
          counts(),
          { handles: inV.handles + 2, tensors: inV.tensors + 2 },
          'variableGrads (value + 1 grad)',
        );
        nr.dispose([r.value, r.grads]);
        v.dispose();
        nr.dispose([x, f, w]);
        expectCounts(
          counts(),
          { handles: before.handles - 3, tensors: before.tensors - 3 },
          'after disposing everything',
        );
      },
    );

    test(
      'depthwiseConv2d gradients leave no leaks',
      ['depthwiseConv2d', 'depthwiseConv2dGradInput', 'depthwiseConv2dGradFilter'],
      () => {
        const x = nr.randomNormal([2, 5, 4, 3]);
        const f = nr.randomNormal([3, 3, 3, 2]);
        const before = counts();
        const { value, grads } = nr.valueAndGrads((xt: nr.Tensor, ft: nr.Tensor) =>
          nr.sum(nr.square(nr.depthwiseConv2d(xt, ft, 1, 'same', 2))),
        )([x, f]);
        expectCounts(
          counts(),
          { handles: before.handles + 3, tensors: before.tensors + 3 },
          'valueAndGrads (value + 2 grads)',
        );
        nr.dispose([value, grads, x, f]);
        expectCounts(
          counts(),
          { handles: before.handles - 2, tensors: before.tensors - 2 },
          'after disposing everything',
        );
      },
    );

    test('assign releases the replaced value', ['binary'], () => {
      const before = counts();
      const init = nr.zeros([3]);
      const v = nr.variable(init, true, 'memory/assign');
      init.dispose();
      for (let i = 0; i < 3; i++) nr.tidy(() => v.assign(nr.add(v, 1)));
      expectCounts(
        counts(),
        { handles: before.handles + 1, tensors: before.tensors + 1 },
        'after three assigns',
      );
      v.dispose();
      expectCounts(counts(), before, 'after disposing the variable');
    });

    test(
      'a tensor of another backend instance is rejected with a clear error',
      ['binary', 'conv2d'],
      async () => {
        const other = await suite.createBackend();
        const t = nr.tensor([1, 2, 3]);
        const img = nr.ones([1, 3, 3, 1]);
        let moved: nr.Tensor | null = null;
        try {
          await nr.setBackend(other);
          expect(() => nr.add(t, t), 'add of a foreign tensor').toThrow(/backend.*moveTo/s);
          expect(
            () => nr.tidy(() => nr.conv2d(img, nr.ones([2, 2, 1, 1]))),
            'conv2d of a foreign tensor',
          ).toThrow(/backend.*moveTo/s);
          moved = await nr.moveTo(t);
          expect(moved.backendName).toBe(other.name);
          expect(Array.from(await moved.data())).toEqual([1, 2, 3]);
          expect(other.stats().handles, 'handles of the second backend while one tensor lives there').toBe(1);
        } finally {
          await nr.setBackend(suite.backend);
          moved?.dispose();
          nr.dispose([t, img]);
        }
        expect(other.stats().handles, 'handles of the second backend after disposal').toBe(0);
      },
    );
  });
}
