import type { DType, TypedArray } from '@neurona/core';
import { describe, it } from 'vitest';
import { backends, compareKernel, int, randomData, rng, size } from './compare.js';

const pair = backends();
const DTYPES: DType[] = ['float32', 'int32', 'bool'];

function data(r: () => number, n: number, dtype: DType): TypedArray {
  if (dtype === 'float32') return randomData(r, n);
  if (dtype === 'int32') return Int32Array.from({ length: n }, () => int(r, -99, 99));
  return Uint8Array.from({ length: n }, () => int(r, 0, 1));
}

function randomShape(r: () => number, rank: number, max = 5): number[] {
  return Array.from({ length: rank }, () => int(r, 1, max));
}

describe('fast movement kernels against the reference kernels', () => {
  it('slice: random blocks of random shapes, every dtype', () => {
    const r = rng(50);
    for (let trial = 0; trial < 60; trial++) {
      const dtype = DTYPES[trial % 3]!;
      const shape = randomShape(r, int(r, 1, 5));
      const begin = shape.map((d) => int(r, 0, d - 1));
      const out = shape.map((d, i) => int(r, trial % 7 === 0 ? 0 : 1, d - begin[i]!));
      compareKernel(
        pair,
        [{ data: data(r, size(shape), dtype), shape, dtype }],
        (be, [x]) => be.kernels.slice(x!, begin, { shape: out, dtype }),
        `slice [${shape}] at [${begin}] size [${out}] (${dtype})`,
      );
    }
  });

  it('concat: two to four inputs along every axis, every dtype', () => {
    const r = rng(51);
    for (let trial = 0; trial < 40; trial++) {
      const dtype = DTYPES[trial % 3]!;
      const rank = int(r, 1, 4);
      const axis = int(r, 0, rank - 1);
      const base = randomShape(r, rank);
      const shapes = Array.from({ length: int(r, 2, 4) }, () =>
        base.map((d, i) => (i === axis ? int(r, trial % 5 === 0 ? 0 : 1, 4) : d)),
      );
      const out = base.map((d, i) => (i === axis ? shapes.reduce((s, sh) => s + sh[axis]!, 0) : d));
      compareKernel(
        pair,
        shapes.map((shape) => ({ data: data(r, size(shape), dtype), shape, dtype })),
        (be, xs) => be.kernels.concat(xs, axis, { shape: out, dtype }),
        `concat ${JSON.stringify(shapes)} on axis ${axis} (${dtype})`,
      );
    }
  });

  it('gather: any axis, repeated indices, index tensors of rank 0 to 2', () => {
    const r = rng(52);
    for (let trial = 0; trial < 40; trial++) {
      const dtype = DTYPES[trial % 3]!;
      const shape = randomShape(r, int(r, 1, 4));
      const axis = int(r, 0, shape.length - 1);
      const idxShape = randomShape(r, int(r, 0, 2), 4);
      const indices = Int32Array.from({ length: size(idxShape) }, () => int(r, 0, shape[axis]! - 1));
      const out = [...shape.slice(0, axis), ...idxShape, ...shape.slice(axis + 1)];
      compareKernel(
        pair,
        [
          { data: data(r, size(shape), dtype), shape, dtype },
          { data: indices, shape: idxShape, dtype: 'int32' },
        ],
        (be, [x, i]) => be.kernels.gather(x!, i!, axis, { shape: out, dtype }),
        `gather [${shape}] on axis ${axis} at [${idxShape}] (${dtype})`,
      );
    }
  });

  it('pad: random paddings of every dtype, with zero and non-zero values', () => {
    const r = rng(53);
    for (let trial = 0; trial < 40; trial++) {
      const dtype = DTYPES[trial % 3]!;
      const shape = randomShape(r, int(r, 1, 4)).map((d) => (trial % 9 === 0 ? 0 : d));
      const paddings = shape.map(() => [int(r, 0, 2), int(r, 0, 2)] as [number, number]);
      const out = shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
      const value = trial % 2 === 0 ? 0 : dtype === 'bool' ? 1 : -2.5;
      compareKernel(
        pair,
        [{ data: data(r, size(shape), dtype), shape, dtype }],
        (be, [x]) => be.kernels.pad(x!, paddings, value, { shape: out, dtype }),
        `pad [${shape}] by ${JSON.stringify(paddings)} with ${value} (${dtype})`,
      );
    }
  });

  it('unsortedSegmentSum: many rows per segment, ids out of range ignored', () => {
    const r = rng(54);
    for (const [rows, inner, segments] of [
      [10, 3, 4],
      [300, 7, 5],
      [2, 1, 3],
      [0, 4, 2],
    ] as const) {
      const ids = Int32Array.from({ length: rows }, () => int(r, -1, segments));
      compareKernel(
        pair,
        [
          { data: randomData(r, rows * inner), shape: [rows, inner] },
          { data: ids, shape: [rows], dtype: 'int32' },
        ],
        (be, [x, i]) =>
          be.kernels.unsortedSegmentSum(x!, i!, segments, { shape: [segments, inner], dtype: 'float32' }),
        `unsortedSegmentSum [${rows}, ${inner}] into ${segments}`,
      );
    }
  });
});
