import type { BinaryOp, ReduceOp, UnaryOp } from '@neurona/core';
import { describe, it } from 'vitest';
import { backends, compareKernel, int, randomData, rng, size } from './compare.js';

const pair = backends();
const f32 = 'float32' as const;

/** Values that test edge cases of the vectorised math: specials, zeros, tiny, huge, near-overflow. */
const SPECIAL = [
  0,
  -0,
  1,
  -1,
  0.5,
  -0.5,
  1e-7,
  -1e-7,
  1e-30,
  1e-39,
  -1e-39,
  0.24,
  0.26,
  2,
  -2,
  9,
  -9,
  20,
  -20,
  80,
  -80,
  88.5,
  88.8,
  -87,
  -100,
  -104,
  1e6,
  -1e6,
  3e38,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NaN,
  2.5,
  -2.5,
  3.5,
  Math.SQRT1_2,
  Math.SQRT2,
  1.5,
];

function unaryInputs(r: () => number): Float32Array {
  const n = 1000;
  const a = new Float32Array(n + SPECIAL.length);
  for (let i = 0; i < n; i++) a[i] = (r() * 2 - 1) * 10 ** int(r, -3, 2);
  a.set(SPECIAL, n);
  return a;
}

const UNARY: UnaryOp[] = [
  'neg',
  'abs',
  'sign',
  'square',
  'exp',
  'log',
  'sqrt',
  'rsqrt',
  'reciprocal',
  'sigmoid',
  'tanh',
  'relu',
  'step',
  'floor',
  'ceil',
  'round',
  'expm1',
  'log1p',
  'erf',
];

describe('fast elementwise kernels against the reference kernels', () => {
  it('every float32 unary op on random and special values (and lengths not a multiple of 4)', () => {
    const r = rng(30);
    const x = unaryInputs(r);
    for (const op of UNARY) {
      for (const n of [x.length, 1, 3, 6]) {
        const data = x.slice(x.length - n);
        compareKernel(
          pair,
          [{ data, shape: [n] }],
          (be, [a]) => be.kernels.unary(op, a!, { shape: [n], dtype: f32 }),
          `unary ${op} n=${n}`,
        );
      }
    }
  });

  it('binary ops over same-shape, scalar, trailing-row, leading-column and general broadcasts', () => {
    const r = rng(31);
    const ops: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow', 'mod'];
    const compares: BinaryOp[] = ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'];
    const cases: [number[], number[], number[]][] = [
      [
        [3, 5],
        [3, 5],
        [3, 5],
      ],
      [[7], [], [7]],
      [[], [2, 9], [2, 9]],
      [[4, 6], [6], [4, 6]],
      [
        [2, 3, 5],
        [1, 3, 5],
        [2, 3, 5],
      ],
      [[5], [3, 5], [3, 5]],
      [
        [4, 1],
        [4, 7],
        [4, 7],
      ],
      [
        [2, 3, 4],
        [2, 3, 1],
        [2, 3, 4],
      ],
      [
        [3, 1],
        [1, 4],
        [3, 4],
      ], // outer: reference path
      [
        [2, 1, 3],
        [2, 4, 1],
        [2, 4, 3],
      ],
      [[0, 3], [3], [0, 3]],
    ];
    for (const [as, bs, os] of cases) {
      for (const op of [...ops, ...compares]) {
        // Small integers make equal/less ties common.
        const gen = (n: number) =>
          compares.includes(op) ? Float32Array.from({ length: n }, () => int(r, -2, 2)) : randomData(r, n);
        const out = { shape: os, dtype: compares.includes(op) ? ('bool' as const) : f32 };
        compareKernel(
          pair,
          [
            { data: gen(size(as)), shape: as },
            { data: gen(size(bs)), shape: bs },
          ],
          (be, [a, b]) => be.kernels.binary(op, a!, b!, out),
          `binary ${op} [${as}] [${bs}]`,
        );
      }
    }
  });

  it('NaN, infinities and signed zeros through binary ops', () => {
    const v = Float32Array.from([
      Number.NaN,
      1,
      -0,
      0,
      Number.POSITIVE_INFINITY,
      -2,
      Number.NEGATIVE_INFINITY,
      3,
    ]);
    const w = Float32Array.from([
      1,
      Number.NaN,
      0,
      -0,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      0,
      3,
    ]);
    for (const op of [
      'add',
      'sub',
      'mul',
      'div',
      'maximum',
      'minimum',
      'equal',
      'less',
      'greaterEqual',
    ] as const) {
      const dtype = ['equal', 'less', 'greaterEqual'].includes(op) ? ('bool' as const) : f32;
      compareKernel(
        pair,
        [
          { data: v, shape: [8] },
          { data: w, shape: [8] },
        ],
        (be, [a, b]) => be.kernels.binary(op, a!, b!, { shape: [8], dtype }),
        `binary ${op} specials`,
      );
    }
  });

  it('casts between bool, int32 and float32', () => {
    const r = rng(32);
    const b = Uint8Array.from({ length: 37 }, () => int(r, 0, 1));
    const i = Int32Array.from({ length: 37 }, () => int(r, -1000, 1000));
    const f = Float32Array.from([
      ...randomData(r, 30),
      0,
      -0,
      Number.NaN,
      1e10,
      -3.7,
      2.5,
      Number.NEGATIVE_INFINITY,
    ]);
    const cases = [
      [b, 'bool', 'float32'],
      [i, 'int32', 'float32'],
      [f, 'float32', 'bool'],
      [f, 'float32', 'int32'],
      [i, 'int32', 'bool'],
    ] as const;
    for (const [data, from, to] of cases) {
      compareKernel(
        pair,
        [{ data, shape: [37], dtype: from }],
        (be, [x]) => be.kernels.cast(x!, { shape: [37], dtype: to }),
        `cast ${from} -> ${to}`,
      );
    }
  });

  it('row reductions, including NaN rows and empty rows', () => {
    const r = rng(33);
    for (const op of ['sum', 'max', 'min', 'prod', 'argmax', 'argmin'] as ReduceOp[]) {
      for (const [rows, inner] of [
        [5, 37],
        [1, 4099],
        [7, 1],
        [3, 0],
      ] as const) {
        const data = randomData(r, rows * inner);
        if (inner > 3) data[inner + 2] = Number.NaN;
        const dtype = op.startsWith('arg') ? ('int32' as const) : f32;
        compareKernel(
          pair,
          [{ data, shape: [rows, inner] }],
          (be, [x]) => be.kernels.reduce(op, x!, { shape: [rows], dtype }),
          `reduce ${op} [${rows}, ${inner}]`,
        );
      }
    }
  });

  it('softmax and log-softmax over rows, with -Infinity, +Infinity and NaN rows', () => {
    const r = rng(34);
    for (const n of [1, 3, 4, 10, 37]) {
      const rows = 6;
      const data = randomData(r, rows * n).map((v) => v * 20);
      data.fill(Number.NEGATIVE_INFINITY, n, 2 * n);
      data[2 * n] = Number.POSITIVE_INFINITY;
      data[3 * n] = Number.NaN;
      data[4 * n] = Number.NEGATIVE_INFINITY;
      for (const kind of ['softmax', 'logSoftmax'] as const) {
        compareKernel(
          pair,
          [{ data, shape: [rows, n] }],
          (be, [x]) => be.kernels[kind](x!, { shape: [rows, n], dtype: f32 }),
          `${kind} [${rows}, ${n}]`,
        );
      }
    }
  });

  it('transposes of float32, int32 and bool tensors over random permutations', () => {
    const r = rng(35);
    for (let trial = 0; trial < 40; trial++) {
      const rank = int(r, 1, 5);
      const shape = Array.from({ length: rank }, () => int(r, 1, 6));
      const perm = shape.map((_, i) => i);
      for (let i = rank - 1; i > 0; i--) {
        const j = int(r, 0, i);
        [perm[i], perm[j]] = [perm[j]!, perm[i]!];
      }
      const out = perm.map((p) => shape[p]!);
      const n = size(shape);
      const dtype = (['float32', 'int32', 'bool'] as const)[trial % 3]!;
      const data =
        dtype === 'float32'
          ? randomData(r, n)
          : dtype === 'int32'
            ? Int32Array.from({ length: n }, () => int(r, -99, 99))
            : Uint8Array.from({ length: n }, () => int(r, 0, 1));
      compareKernel(
        pair,
        [{ data, shape, dtype }],
        (be, [x]) => be.kernels.transpose(x!, perm, { shape: out, dtype }),
        `transpose [${shape}] by [${perm}] (${dtype})`,
      );
    }
    // A large 2-D transpose (the 4x4 register-block path) and the bias-gradient pattern of a conv layer.
    compareKernel(
      pair,
      [{ data: randomData(r, 4 * 6 * 6 * 8), shape: [4, 6, 6, 8] }],
      (be, [x]) => be.kernels.transpose(x!, [3, 0, 1, 2], { shape: [8, 4, 6, 6], dtype: f32 }),
      'transpose NHWC -> CNHW',
    );
  });
});
