/**
 * Gradient test cases of reductions, shape and movement ops, matMul, conv2d, pooling and softmax.
 * Max / min reductions and max pooling get distinct values (>= 0.1 apart), so no tie moves under the
 * finite-difference step.
 *
 * @packageDocumentation
 */
import * as nr from '@neurona/core';
import { type GradSpec, unaryCase } from './gradient-cases.js';

/**
 * Gradient tests of reductions, shape and movement ops, and matMul.
 *
 * @example
 * ```ts
 * for (const [name] of REDUCTIONS_AND_SHAPES) console.log(name);
 * ```
 */
export const REDUCTIONS_AND_SHAPES: readonly GradSpec[] = [
  [
    'sum',
    ['reduce'],
    (g) => [
      unaryCase('[2,3,2] all', g.floats([2, 3, 2]), (x) => nr.sum(x)),
      unaryCase('[2,3,2] axis 1 keepDims', g.floats([2, 3, 2]), (x) => nr.sum(x, 1, true)),
      unaryCase('[2,3,2] axes [0,2]', g.floats([2, 3, 2]), (x) => nr.sum(x, [0, 2])),
    ],
  ],
  [
    'mean',
    ['reduce'],
    (g) => [
      unaryCase('[2,3] axis 0', g.floats([2, 3]), (x) => nr.mean(x, 0)),
      unaryCase('[2,3] axis -1 keepDims', g.floats([2, 3]), (x) => nr.mean(x, -1, true)),
    ],
  ],
  [
    'max',
    ['reduce'],
    (g) => [
      unaryCase('[3,4] axis 1, distinct', g.distinct([3, 4]), (x) => nr.max(x, 1)),
      unaryCase('[3,4] all, distinct', g.distinct([3, 4]), (x) => nr.max(x)),
    ],
  ],
  [
    'min',
    ['reduce'],
    (g) => [unaryCase('[3,4] axis 0 keepDims, distinct', g.distinct([3, 4]), (x) => nr.min(x, 0, true))],
  ],
  [
    'prod',
    ['reduce'],
    (g) => [
      unaryCase('[2,3] axis 1', g.awayFromZero([2, 3], 0.5, 1.5), (x) => nr.prod(x, 1)),
      unaryCase('[2,3] all', g.awayFromZero([2, 3], 0.5, 1.5), (x) => nr.prod(x)),
    ],
  ],
  [
    'reshape',
    [],
    (g) => [
      unaryCase('[2,3] -> [3,2]', g.floats([2, 3]), (x) => nr.mul(nr.reshape(x, [3, 2]), [[1], [2], [3]])),
    ],
  ],
  [
    'expandDims',
    [],
    (g) => [unaryCase('[2,3] axis 1', g.floats([2, 3]), (x) => nr.mul(nr.expandDims(x, 1), [[[1, 2, 3]]]))],
  ],
  [
    'squeeze',
    [],
    (g) => [unaryCase('[2,1,3]', g.floats([2, 1, 3]), (x) => nr.mul(nr.squeeze(x), [1, 2, 3]))],
  ],
  [
    'flatten',
    [],
    (g) => [unaryCase('[2,3]', g.floats([2, 3]), (x) => nr.mul(nr.flatten(x), [1, 2, 3, 4, 5, 6]))],
  ],
  [
    'transpose',
    ['transpose'],
    (g) => [
      unaryCase('[2,3]', g.floats([2, 3]), (x) => nr.transpose(x)),
      unaryCase('[2,3,4] perm [1,2,0]', g.floats([2, 3, 4]), (x) => nr.transpose(x, [1, 2, 0])),
    ],
  ],
  [
    'slice',
    ['slice', 'pad'],
    (g) => [
      unaryCase('[3,4] begin [1,1] size [2,-1]', g.floats([3, 4]), (x) => nr.slice(x, [1, 1], [2, -1])),
    ],
  ],
  [
    'concat',
    ['concat', 'slice'],
    (g) => [
      {
        label: '[2,1] + [2,3] axis 1',
        inputs: [g.floats([2, 1]), g.floats([2, 3])],
        f: (a, b) => nr.concat([a!, b!], 1),
      },
    ],
  ],
  [
    'stack',
    ['concat', 'slice'],
    (g) => [
      { label: '2 x [3] axis 1', inputs: [g.floats([3]), g.floats([3])], f: (a, b) => nr.stack([a!, b!], 1) },
    ],
  ],
  [
    'split',
    ['slice'],
    (g) => [
      unaryCase('[2,6] in 3 along axis 1', g.floats([2, 6]), (x) => {
        const [a, b, c] = nr.split(x, 3, 1);
        return nr.add(nr.sub(a!, nr.mul(b!, 2)), nr.mul(c!, 3));
      }),
    ],
  ],
  [
    'tile',
    ['gather', 'unsortedSegmentSum'],
    (g) => [unaryCase('[2,3] reps [2,2]', g.floats([2, 3]), (x) => nr.tile(x, [2, 2]))],
  ],
  [
    'pad',
    ['pad', 'slice'],
    (g) => [
      unaryCase('[2,3] [[1,0],[2,1]] value 0.5', g.floats([2, 3]), (x) =>
        nr.pad(
          x,
          [
            [1, 0],
            [2, 1],
          ],
          0.5,
        ),
      ),
    ],
  ],
  [
    'gather',
    ['gather', 'unsortedSegmentSum'],
    (g) => [
      unaryCase('[3,2] rows [2,0,2]', g.floats([3, 2]), (x) => nr.gather(x, [2, 0, 2])),
      unaryCase('[2,3] axis 1, 2-D indices', g.floats([2, 3]), (x) =>
        nr.gather(
          x,
          [
            [1, 1],
            [0, 2],
          ],
          1,
        ),
      ),
    ],
  ],
  [
    'unsortedSegmentSum',
    ['unsortedSegmentSum', 'gather'],
    (g) => [
      unaryCase('[4,2] into 3', g.floats([4, 2]), (x) =>
        nr.unsortedSegmentSum(x, nr.tensor([2, 0, 2, 1], [4], 'int32'), 3),
      ),
    ],
  ],
  [
    'matMul',
    ['matmul'],
    (g) => [
      {
        label: '[2,3] x [3,4]',
        inputs: [g.floats([2, 3]), g.floats([3, 4])],
        f: (a, b) => nr.matMul(a!, b!),
      },
      {
        label: '[3,2]ᵀ x [3,4]',
        inputs: [g.floats([3, 2]), g.floats([3, 4])],
        f: (a, b) => nr.matMul(a!, b!, true, false),
      },
      {
        label: '[2,3] x [4,3]ᵀ',
        inputs: [g.floats([2, 3]), g.floats([4, 3])],
        f: (a, b) => nr.matMul(a!, b!, false, true),
      },
      {
        label: '[3,2]ᵀ x [4,3]ᵀ',
        inputs: [g.floats([3, 2]), g.floats([4, 3])],
        f: (a, b) => nr.matMul(a!, b!, true, true),
      },
      {
        label: 'batched [2,2,3] x [1,3,2]',
        inputs: [g.floats([2, 2, 3]), g.floats([1, 3, 2])],
        f: (a, b) => nr.matMul(a!, b!),
      },
    ],
  ],
];

/**
 * Gradient tests of conv2d, depthwiseConv2d, pooling and softmax.
 *
 * @example
 * ```ts
 * for (const [name] of NN) console.log(name);
 * ```
 */
export const NN: readonly GradSpec[] = [
  [
    'conv2d',
    ['conv2d', 'conv2dGradInput', 'conv2dGradFilter'],
    (g) =>
      (
        [
          ['[1,4,4,2] * [3,3,2,2] stride 1 same', [1, 4, 4, 2], [3, 3, 2, 2], 1, 'same', 1],
          ['[2,5,5,1] * [2,2,1,3] stride 2 valid', [2, 5, 5, 1], [2, 2, 1, 3], 2, 'valid', 1],
          ['[1,5,4,2] * [2,2,2,1] stride 1 same dilation 2', [1, 5, 4, 2], [2, 2, 2, 1], 1, 'same', 2],
          ['[1,5,5,1] * [2,2,1,2] stride 2 same dilation 2', [1, 5, 5, 1], [2, 2, 1, 2], 2, 'same', 2],
          [
            '[1,3,4,1] * [2,3,1,1] stride [2,1] explicit padding',
            [1, 3, 4, 1],
            [2, 3, 1, 1],
            [2, 1],
            [
              [1, 0],
              [0, 2],
            ],
            1,
          ],
        ] as const
      ).map(([label, xs, fs, strides, pad, dil]) => ({
        label,
        inputs: [g.floats([...xs]), g.floats([...fs])],
        f: (x, f) => nr.conv2d(x!, f!, strides, pad, dil),
      })),
  ],
  [
    'depthwiseConv2d',
    ['depthwiseConv2d', 'depthwiseConv2dGradInput', 'depthwiseConv2dGradFilter'],
    (g) =>
      (
        [
          ['[1,4,4,2] * [3,3,2,1] stride 1 same', [1, 4, 4, 2], [3, 3, 2, 1], 1, 'same', 1],
          ['[2,5,5,1] * [2,2,1,3] stride 2 valid', [2, 5, 5, 1], [2, 2, 1, 3], 2, 'valid', 1],
          ['[1,5,4,2] * [2,2,2,2] stride 1 same dilation 2', [1, 5, 4, 2], [2, 2, 2, 2], 1, 'same', 2],
          [
            '[1,3,4,2] * [2,3,2,1] stride [2,1] explicit padding',
            [1, 3, 4, 2],
            [2, 3, 2, 1],
            [2, 1],
            [
              [1, 0],
              [0, 2],
            ],
            1,
          ],
        ] as const
      ).map(([label, xs, fs, strides, pad, dil]) => ({
        label,
        inputs: [g.floats([...xs]), g.floats([...fs])],
        f: (x, f) => nr.depthwiseConv2d(x!, f!, strides, pad, dil),
      })),
  ],
  [
    'maxPool',
    ['maxPool', 'maxPoolGrad'],
    (g) => [
      unaryCase('[1,4,4,2] 2x2 stride 2 valid, distinct', g.distinct([1, 4, 4, 2]), (x) =>
        nr.maxPool(x, 2, 2, 'valid'),
      ),
      unaryCase('[1,3,3,1] 2x2 stride 2 same (asymmetric), distinct', g.distinct([1, 3, 3, 1]), (x) =>
        nr.maxPool(x, 2, 2, 'same'),
      ),
      unaryCase('[2,4,3,1] 3x3 stride 1 same, distinct', g.distinct([2, 4, 3, 1]), (x) =>
        nr.maxPool(x, 3, 1, 'same'),
      ),
    ],
  ],
  [
    'avgPool',
    ['avgPool', 'avgPoolGrad'],
    (g) => [
      unaryCase('[1,4,4,2] 2x2 stride 2 valid', g.floats([1, 4, 4, 2]), (x) => nr.avgPool(x, 2, 2, 'valid')),
      unaryCase('[1,3,3,1] 2x2 stride 2 same (asymmetric)', g.floats([1, 3, 3, 1]), (x) =>
        nr.avgPool(x, 2, 2, 'same'),
      ),
      unaryCase('[2,4,3,1] 3x3 stride 1 same', g.floats([2, 4, 3, 1]), (x) => nr.avgPool(x, 3, 1, 'same')),
    ],
  ],
  [
    'softmax',
    ['softmax'],
    (g) => [
      unaryCase('[2,4]', g.floats([2, 4], -2, 2), (x) => nr.softmax(x)),
      unaryCase('[3,2] axis 0', g.floats([3, 2], -2, 2), (x) => nr.softmax(x, 0)),
    ],
  ],
  [
    'logSoftmax',
    ['logSoftmax'],
    (g) => [
      unaryCase('[2,4]', g.floats([2, 4], -2, 2), (x) => nr.logSoftmax(x)),
      unaryCase('[3,2] axis 0', g.floats([3, 2], -2, 2), (x) => nr.logSoftmax(x, 0)),
    ],
  ],
];
