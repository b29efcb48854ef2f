/**
 * Hand-computed forward fixtures for the movement ops: transpose, slice, pad, concat, stack, split, tile,
 * gather, oneHot and unsortedSegmentSum. The expected values are worked out in the comments.
 *
 * @packageDocumentation
 */
import * as nr from '@neurona/core';
import { expectClose, expectShape, expectTensor, readAll, type Suite } from './harness.js';

/**
 * Register the `fixtures-movement` group.
 *
 * @example
 * ```ts
 * registerMovementFixtures(suite);
 * ```
 */
export function registerMovementFixtures(suite: Suite): void {
  suite.group('fixtures-movement', (test) => {
    test('transpose permutes axes', ['transpose'], async ({ tol }) => {
      // x [2,3] = [[0,1,2],[3,4,5]]: xᵀ = [[0,3],[1,4],[2,5]]
      await expectTensor(
        () => nr.transpose(nr.reshape(nr.range(0, 6), [2, 3])),
        [3, 2],
        [0, 3, 1, 4, 2, 5],
        tol('fixture'),
        'transpose',
      );
      // x [2,2,2] = 0..7 with perm [2,0,1]: out[k][i][j] = x[i][j][k]:
      // k=0: x[0][0][0], x[0][1][0], x[1][0][0], x[1][1][0] = 0, 2, 4, 6; k=1: 1, 3, 5, 7
      const want = [0, 2, 4, 6, 1, 3, 5, 7];
      await expectTensor(
        () => nr.transpose(nr.reshape(nr.range(0, 8), [2, 2, 2]), [2, 0, 1]),
        [2, 2, 2],
        want,
        tol('fixture'),
        'transpose 3-D',
      );
    });

    test('slice with explicit and -1 sizes', ['slice'], async ({ tol }) => {
      // x [3,4] = 0..11, rows [0..3],[4..7],[8..11]
      const x = nr.reshape(nr.range(0, 12), [3, 4]);
      // begin [1,1] size [2,2]: rows 1..2, cols 1..2 = [[5, 6], [9, 10]]
      await expectTensor(() => nr.slice(x, [1, 1], [2, 2]), [2, 2], [5, 6, 9, 10], tol('fixture'), 'slice');
      // begin [1,2] size [-1,-1]: rows 1..2, cols 2..3 = [[6, 7], [10, 11]]
      await expectTensor(
        () => nr.slice(x, [1, 2], [-1, -1]),
        [2, 2],
        [6, 7, 10, 11],
        tol('fixture'),
        'slice -1',
      );
      // A zero-size slice: begin [0,4] size [3,0]
      await expectTensor(() => nr.slice(x, [0, 4], [3, 0]), [3, 0], [], tol('fixture'), 'slice size 0');
      x.dispose();
    });

    test('pad with zeros and a constant', ['pad'], async ({ tol }) => {
      // [[1,2],[3,4]] padded by one row above and two columns on the right:
      // [[0,0,0,0], [1,2,0,0], [3,4,0,0]]
      const p: [number, number][] = [
        [1, 0],
        [0, 2],
      ];
      await expectTensor(
        () =>
          nr.pad(
            [
              [1, 2],
              [3, 4],
            ],
            p,
          ),
        [3, 4],
        [0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0],
        tol('fixture'),
        'pad',
      );
      // [5] padded [[2, 1]] with 9: [9, 9, 5, 9]
      await expectTensor(() => nr.pad([5], [[2, 1]], 9), [4], [9, 9, 5, 9], tol('fixture'), 'pad constant');
    });

    test('concat, stack, split and tile', ['concat', 'slice', 'gather'], async ({ tol }) => {
      const t = tol('fixture');
      // axis 0: [[1,2]] above [[3,4],[5,6]] = [[1,2],[3,4],[5,6]]
      await expectTensor(
        () =>
          nr.concat(
            [
              [[1, 2]],
              [
                [3, 4],
                [5, 6],
              ],
            ],
            0,
          ),
        [3, 2],
        [1, 2, 3, 4, 5, 6],
        t,
        'concat axis 0',
      );
      // axis 1: [[1],[2]] beside [[3,4],[5,6]] = [[1,3,4],[2,5,6]]
      await expectTensor(
        () =>
          nr.concat(
            [
              [[1], [2]],
              [
                [3, 4],
                [5, 6],
              ],
            ],
            1,
          ),
        [2, 3],
        [1, 3, 4, 2, 5, 6],
        t,
        'concat axis 1',
      );
      // stack [1,2] and [3,4] along axis 1: [[1,3],[2,4]]
      await expectTensor(
        () =>
          nr.stack(
            [
              [1, 2],
              [3, 4],
            ],
            1,
          ),
        [2, 2],
        [1, 3, 2, 4],
        t,
        'stack axis 1',
      );
      // split [1..6] in 3: [1,2], [3,4], [5,6]; split [[1,2,3],[4,5,6]] into sizes [1,-1] on axis 1: [[1],[4]], [[2,3],[5,6]]
      const three = await readAll(nr.split([1, 2, 3, 4, 5, 6], 3));
      expectClose(
        three.flatMap((a) => [...a]),
        [1, 2, 3, 4, 5, 6],
        t,
        'split in 3',
      );
      const parts = nr.split(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        [1, -1],
        1,
      );
      expectShape(parts[0]!, [2, 1], 'float32', 'split sizes: part 0');
      expectShape(parts[1]!, [2, 2], 'float32', 'split sizes: part 1');
      const [left, right] = await readAll(parts);
      expectClose([...left!, ...right!], [1, 4, 2, 3, 5, 6], t, 'split sizes');
      // tile [[1,2]] by [2,2]: [[1,2,1,2],[1,2,1,2]]
      await expectTensor(() => nr.tile([[1, 2]], [2, 2]), [2, 4], [1, 2, 1, 2, 1, 2, 1, 2], t, 'tile');
    });

    test('gather along an axis and with 2-D indices', ['gather'], async ({ tol }) => {
      const t = tol('fixture');
      const x = [
        [1, 2],
        [3, 4],
        [5, 6],
      ];
      // rows 2, 0, 2: [[5,6],[1,2],[5,6]]
      await expectTensor(() => nr.gather(x, [2, 0, 2]), [3, 2], [5, 6, 1, 2, 5, 6], t, 'gather axis 0');
      // column 1 of every row: [[2],[4],[6]]
      await expectTensor(() => nr.gather(x, [1], 1), [3, 1], [2, 4, 6], t, 'gather axis 1');
      // [10, 20] at [[0,1],[1,0]]: [[10,20],[20,10]]
      await expectTensor(
        () =>
          nr.gather(
            [10, 20],
            [
              [0, 1],
              [1, 0],
            ],
          ),
        [2, 2],
        [10, 20, 20, 10],
        t,
        'gather 2-D indices',
      );
    });

    test('oneHot and unsortedSegmentSum', ['unsortedSegmentSum'], async ({ tol }) => {
      const t = tol('fixture');
      // indices [0, 2, 1], depth 3: rows e0, e2, e1 = [[1,0,0],[0,0,1],[0,1,0]]
      await expectTensor(
        () => nr.oneHot(nr.tensor([0, 2, 1], [3], 'int32'), 3),
        [3, 3],
        [1, 0, 0, 0, 0, 1, 0, 1, 0],
        t,
        'oneHot',
      );
      // on 5 / off -1 with index 1, depth 2: [[-1, 5]]
      await expectTensor(
        () => nr.oneHot(nr.tensor([1], [1], 'int32'), 2, 5, -1),
        [1, 2],
        [-1, 5],
        t,
        'oneHot on/off',
      );
      // rows [1,10],[2,20],[3,30],[4,40] into segments [0,1,0,1]:
      // segment 0 = [1+3, 10+30] = [4, 40]; segment 1 = [2+4, 20+40] = [6, 60]; segment 2 is empty = [0, 0]
      const x = [
        [1, 10],
        [2, 20],
        [3, 30],
        [4, 40],
      ];
      const ids = nr.tensor([0, 1, 0, 1], [4], 'int32');
      await expectTensor(
        () => nr.unsortedSegmentSum(x, ids, 3),
        [3, 2],
        [4, 40, 6, 60, 0, 0],
        t,
        'unsortedSegmentSum',
      );
      ids.dispose();
    });

    test(
      'movement ops, where and reductions keep int32 and bool',
      ['transpose', 'slice', 'pad', 'concat', 'gather', 'where', 'reduce'],
      async ({ tol }) => {
        const t = tol('fixture');
        const i32 = (v: number[], shape: number[]): nr.Tensor => nr.tensor(v, shape, 'int32');
        // transpose [[1,2],[3,4]] -> [[1,3],[2,4]]
        await expectTensor(
          () => nr.transpose(i32([1, 2, 3, 4], [2, 2])),
          [2, 2],
          [1, 3, 2, 4],
          t,
          'transpose int32',
          'int32',
        );
        // slice [true, false, true] from 1 -> [false, true]
        await expectTensor(() => nr.slice([true, false, true], [1]), [2], [0, 1], t, 'slice bool', 'bool');
        // pad [1, 2] by one 7 on each side -> [7, 1, 2, 7]
        await expectTensor(
          () => nr.pad(i32([1, 2], [2]), [[1, 1]], 7),
          [4],
          [7, 1, 2, 7],
          t,
          'pad int32',
          'int32',
        );
        // concat [true] and [false, true] -> [true, false, true]
        await expectTensor(
          () => nr.concat([[true], [false, true]]),
          [3],
          [1, 0, 1],
          t,
          'concat bool',
          'bool',
        );
        // gather [10, 20, 30] at [2, 0] -> [30, 10]; tile [true, false] twice -> [1, 0, 1, 0]
        await expectTensor(
          () => nr.gather(i32([10, 20, 30], [3]), [2, 0]),
          [2],
          [30, 10],
          t,
          'gather int32',
          'int32',
        );
        await expectTensor(() => nr.tile([true, false], [2]), [4], [1, 0, 1, 0], t, 'tile bool', 'bool');
        // where([true, false], [1, 2], [3, 4]) on int32 -> [1, 4]; on bool branches [T, T] / [F, F] -> [T, F]
        await expectTensor(
          () => nr.where([true, false], i32([1, 2], [2]), i32([3, 4], [2])),
          [2],
          [1, 4],
          t,
          'where int32',
          'int32',
        );
        await expectTensor(
          () => nr.where([true, false], [true, true], [false, false]),
          [2],
          [1, 0],
          t,
          'where bool',
          'bool',
        );
        // int32 sums stay int32: [[1,2],[3,4]] along axis 1 -> [3, 7]; max of all -> 4; bool sums count: [T,T,F] -> 2
        await expectTensor(() => nr.sum(i32([1, 2, 3, 4], [2, 2]), 1), [2], [3, 7], t, 'sum int32', 'int32');
        await expectTensor(() => nr.max(i32([1, 2, 3, 4], [2, 2])), [], [4], t, 'max int32', 'int32');
        await expectTensor(() => nr.sum([true, true, false]), [], [2], t, 'sum bool', 'int32');
      },
    );
  });
}
