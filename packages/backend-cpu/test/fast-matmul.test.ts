import { describe, expect, it } from 'vitest';
import { backends, compareKernel, int, randomData, rng } from './compare.js';

const pair = backends();

describe('fast matmul against the reference kernel', () => {
  it('runs the WebAssembly kernels here', () => {
    expect(pair.fast[0]!.features.kernels).not.toBe('reference');
    expect(pair.ref.features.kernels).toBe('reference');
  });

  it('random odd shapes, transposes and batch broadcasting', () => {
    const r = rng(1);
    for (let trial = 0; trial < 60; trial++) {
      const M = int(r, 1, 37);
      const N = int(r, 1, 41);
      const K = int(r, 0, 45);
      const batch = int(r, 1, 3);
      const ta = r() < 0.5;
      const tb = r() < 0.5;
      const ba = r() < 0.3 ? 1 : batch;
      const bb = ba === 1 || r() < 0.7 ? batch : 1;
      const aShape = ta ? [ba, K, M] : [ba, M, K];
      const bShape = tb ? [bb, N, K] : [bb, K, N];
      compareKernel(
        pair,
        [
          { data: randomData(r, ba * M * K), shape: aShape },
          { data: randomData(r, bb * K * N), shape: bShape },
        ],
        (be, [a, b]) => be.kernels.matmul(a!, b!, ta, tb, { shape: [batch, M, N], dtype: 'float32' }),
        `matmul a[${aShape}]${ta ? 'T' : ''} b[${bShape}]${tb ? 'T' : ''}`,
      );
    }
  });

  it('several K blocks, many column panels, and the split-K path', () => {
    const r = rng(2);
    const shapes: [number, number, number, boolean, boolean][] = [
      [70, 300, 600, false, false], // K over two blocks, N over many panels
      [129, 65, 513, true, false],
      [5, 13, 2100, false, true], // long and thin: split-K partial sums
      [33, 9, 4100, true, true],
      [1, 1, 3000, false, false],
      [300, 1, 20, false, false],
    ];
    for (const [M, N, K, ta, tb] of shapes) {
      compareKernel(
        pair,
        [
          { data: randomData(r, M * K), shape: ta ? [1, K, M] : [1, M, K] },
          { data: randomData(r, K * N), shape: tb ? [1, N, K] : [1, K, N] },
        ],
        (be, [a, b]) => be.kernels.matmul(a!, b!, ta, tb, { shape: [1, M, N], dtype: 'float32' }),
        `matmul ${M}x${N}x${K}`,
      );
    }
  });

  it('zero-size products', () => {
    const r = rng(3);
    for (const [M, N, K] of [
      [0, 4, 3],
      [4, 0, 3],
      [4, 5, 0],
    ] as const) {
      compareKernel(
        pair,
        [
          { data: randomData(r, M * K), shape: [1, M, K] },
          { data: randomData(r, K * N), shape: [1, K, N] },
        ],
        (be, [a, b]) => be.kernels.matmul(a!, b!, false, false, { shape: [1, M, N], dtype: 'float32' }),
        `matmul ${M}x${N}x${K}`,
      );
    }
  });

  it('int32 products run on the reference kernel', () => {
    const r = rng(4);
    const a = Int32Array.from({ length: 12 }, () => int(r, -9, 9));
    const b = Int32Array.from({ length: 12 }, () => int(r, -9, 9));
    compareKernel(
      pair,
      [
        { data: a, shape: [1, 3, 4], dtype: 'int32' },
        { data: b, shape: [1, 4, 3], dtype: 'int32' },
      ],
      (be, [x, y]) => be.kernels.matmul(x!, y!, false, false, { shape: [1, 3, 3], dtype: 'int32' }),
      'int32 matmul',
    );
  });
});
