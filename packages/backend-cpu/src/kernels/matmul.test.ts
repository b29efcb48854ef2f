import type { DType, Operand } from '@neurona/core';
import { describe, expect, it } from 'vitest';
import { cpu } from '../index.js';

const be = cpu({ fast: false }); // these tests pin down the reference kernels
function up(data: ArrayLike<number>, shape: number[], dtype: DType = 'float32'): Operand {
  const arr = dtype === 'float32' ? Float32Array.from(data) : Int32Array.from(data);
  return { handle: be.upload(arr, { shape, dtype }), shape, dtype };
}
function mm(a: Operand, b: Operand, ta: boolean, tb: boolean, shape: number[], dtype: DType = 'float32') {
  const h = be.kernels.matmul(a, b, ta, tb, { shape, dtype });
  const r = be.readSync(h);
  be.dispose(h);
  return r;
}

/** Deterministic pseudo-random numbers in [-1, 1) (LCG), so failures reproduce. */
function rand(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Independent float64 reference: element (i, j) of batch t, reading each operand by its own layout. */
function naive(
  a: Float32Array,
  b: Float32Array,
  dims: { batchA: number; batchB: number; batch: number; M: number; N: number; K: number },
  ta: boolean,
  tb: boolean,
): { value: Float64Array; scale: Float64Array } {
  const { batchA, batchB, batch, M, N, K } = dims;
  const value = new Float64Array(batch * M * N);
  const scale = new Float64Array(batch * M * N);
  for (let t = 0; t < batch; t++) {
    const ao = (batchA === 1 ? 0 : t) * M * K;
    const bo = (batchB === 1 ? 0 : t) * K * N;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        let abs = 0;
        for (let k = 0; k < K; k++) {
          const av = ta ? a[ao + k * M + i]! : a[ao + i * K + k]!;
          const bv = tb ? b[bo + j * K + k]! : b[bo + k * N + j]!;
          s += av * bv;
          abs += Math.abs(av * bv);
        }
        value[(t * M + i) * N + j] = s;
        scale[(t * M + i) * N + j] = abs;
      }
    }
  }
  return { value, scale };
}

describe('matmul kernel: hand-computed', () => {
  // A = [[1,2,3],[4,5,6]], B = [[7,8],[9,10],[11,12]]
  // C = [[1*7+2*9+3*11, 1*8+2*10+3*12], [4*7+5*9+6*11, 4*8+5*10+6*12]] = [[58, 64], [139, 154]]
  const C = [58, 64, 139, 154];

  it('plain A x B', () => {
    expect(
      Array.from(
        mm(up([1, 2, 3, 4, 5, 6], [1, 2, 3]), up([7, 8, 9, 10, 11, 12], [1, 3, 2]), false, false, [1, 2, 2]),
      ),
    ).toEqual(C);
  });

  it('transposeA: a holds A^T = [[1,4],[2,5],[3,6]]', () => {
    expect(
      Array.from(
        mm(up([1, 4, 2, 5, 3, 6], [1, 3, 2]), up([7, 8, 9, 10, 11, 12], [1, 3, 2]), true, false, [1, 2, 2]),
      ),
    ).toEqual(C);
  });

  it('transposeB: b holds B^T = [[7,9,11],[8,10,12]]', () => {
    expect(
      Array.from(
        mm(up([1, 2, 3, 4, 5, 6], [1, 2, 3]), up([7, 9, 11, 8, 10, 12], [1, 2, 3]), false, true, [1, 2, 2]),
      ),
    ).toEqual(C);
  });

  it('both transposed', () => {
    expect(
      Array.from(
        mm(up([1, 4, 2, 5, 3, 6], [1, 3, 2]), up([7, 9, 11, 8, 10, 12], [1, 2, 3]), true, true, [1, 2, 2]),
      ),
    ).toEqual(C);
  });

  it('batch of a broadcasts against b batch 1, and the other way', () => {
    // a = [I, 2I], b = [[1,2],[3,4]] -> [[[1,2],[3,4]], [[2,4],[6,8]]]
    const a = up([1, 0, 0, 1, 2, 0, 0, 2], [2, 2, 2]);
    const b = up([1, 2, 3, 4], [1, 2, 2]);
    expect(Array.from(mm(a, b, false, false, [2, 2, 2]))).toEqual([1, 2, 3, 4, 2, 4, 6, 8]);
    // b = [I, 2I] against a = [[1,2],[3,4]]: [[1,2],[3,4]] and [[2,4],[6,8]]
    expect(Array.from(mm(b, a, false, false, [2, 2, 2]))).toEqual([1, 2, 3, 4, 2, 4, 6, 8]);
  });

  it('int32 matmul (with 32-bit wrapping)', () => {
    const r = mm(
      up([1, 2, 3, 4, 5, 6], [1, 2, 3], 'int32'),
      up([7, 8, 9, 10, 11, 12], [1, 3, 2], 'int32'),
      false,
      false,
      [1, 2, 2],
      'int32',
    );
    expect(r).toBeInstanceOf(Int32Array);
    expect(Array.from(r)).toEqual(C);
    const t = mm(
      up([1, 4, 2, 5, 3, 6], [1, 3, 2], 'int32'),
      up([7, 9, 11, 8, 10, 12], [1, 2, 3], 'int32'),
      true,
      true,
      [1, 2, 2],
      'int32',
    );
    expect(Array.from(t)).toEqual(C);
    // 65536 * 65536 + 1 * 1 = 2^32 + 1 wraps to 1
    expect(
      Array.from(
        mm(
          up([65536, 1], [1, 1, 2], 'int32'),
          up([65536, 1], [1, 2, 1], 'int32'),
          false,
          false,
          [1, 1, 1],
          'int32',
        ),
      ),
    ).toEqual([1]);
  });

  it('size-0 dimensions: K = 0 gives zeros, M = 0 or batch = 0 gives empty', () => {
    expect(Array.from(mm(up([], [1, 2, 0]), up([], [1, 0, 3]), false, false, [1, 2, 3]))).toEqual([
      0, 0, 0, 0, 0, 0,
    ]);
    expect(mm(up([], [1, 0, 3]), up([1, 2, 3], [1, 3, 1]), false, false, [1, 0, 1]).length).toBe(0);
    expect(mm(up([], [0, 2, 2]), up([1, 2, 3, 4], [1, 2, 2]), false, false, [0, 2, 2]).length).toBe(0);
  });

  it('NaN and Infinity propagate', () => {
    // [NaN, 1] . [1, 1] = NaN; [Inf, 1] . [1, 1] = Inf
    expect(
      Array.from(
        mm(
          up([Number.NaN, 1, Number.POSITIVE_INFINITY, 1], [1, 2, 2]),
          up([1, 1], [1, 2, 1]),
          false,
          false,
          [1, 2, 1],
        ),
      ),
    ).toEqual([Number.NaN, Number.POSITIVE_INFINITY]);
  });

  it('does not mutate its inputs', () => {
    const a = up([1, 2, 3, 4], [1, 2, 2]);
    mm(a, a, true, false, [1, 2, 2]);
    expect(Array.from(be.readSync(a.handle))).toEqual([1, 2, 3, 4]);
  });
});

describe('matmul kernel: random cases against a float64 loop', () => {
  const cases = [
    { batchA: 1, batchB: 1, batch: 1, M: 5, N: 7, K: 3 },
    { batchA: 3, batchB: 1, batch: 3, M: 4, N: 9, K: 13 },
    { batchA: 1, batchB: 2, batch: 2, M: 6, N: 5, K: 1 },
    // crosses every cache block edge: MC = 64, KC = 256, NC = 256, plus ragged 4x4 tiles
    { batchA: 1, batchB: 1, batch: 1, M: 67, N: 261, K: 300 },
  ];
  for (const dims of cases) {
    for (const [ta, tb] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      it(`${JSON.stringify(dims)} ta=${ta} tb=${tb}`, () => {
        const { batchA, batchB, batch, M, N, K } = dims;
        const a = rand(batchA * M * K, 17 + M);
        const b = rand(batchB * K * N, 91 + N);
        const aShape = ta ? [batchA, K, M] : [batchA, M, K];
        const bShape = tb ? [batchB, N, K] : [batchB, K, N];
        const got = mm(up(a, aShape), up(b, bShape), ta, tb, [batch, M, N]);
        const { value, scale } = naive(a, b, dims, ta, tb);
        let worst = 0;
        for (let i = 0; i < got.length; i++) {
          // float32 output: allow a few float32 ulps of the sum of |terms|
          worst = Math.max(worst, Math.abs(got[i]! - value[i]!) / (scale[i]! * 2 ** -23 + 1e-30));
        }
        expect(got.length).toBe(value.length);
        expect(worst).toBeLessThan(4);
      });
    }
  }
});
