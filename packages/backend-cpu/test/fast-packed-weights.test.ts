/**
 * A weight used again and again keeps its packed GEMM panels (inference), and never serves stale panels:
 * an in-place optimizer step or disposing the weight drops them. The reference backend is the oracle.
 */
import * as nr from '@neurona/core';
import { describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from '../src/fast/runtime.js';
import { type CpuBackend, cpu, createCpuBackend } from '../src/index.js';
import { expectMatch, operand, randomData, rng, take } from './compare.js';

const ref = cpu({ fast: false });
const f32 = (shape: readonly number[]) => ({ shape, dtype: 'float32' as const });

/** A fast backend over a runtime the test can see (`threads` 2 splits every job). */
function fast(threads: number): { be: CpuBackend; rt: Runtime } {
  const rt = createRuntime(true);
  if (rt === null) throw new Error('the WebAssembly kernels do not load here');
  return { be: createCpuBackend({ threads, parallelThreshold: 0 }, rt), rt };
}

/** Upload the same data to the reference backend, run `kernel` there, read and dispose. */
function oracle(
  inputs: readonly { data: Float32Array; shape: readonly number[] }[],
  kernel: (be: CpuBackend, ops: nr.Operand[]) => nr.Handle,
): Float32Array {
  const ops = inputs.map((i) => operand(ref, i.data, i.shape));
  const out = take(ref, kernel(ref, ops)) as Float32Array;
  for (const o of ops) ref.dispose(o.handle);
  return out;
}

/** Bytes of packed panels of a K x N right-hand matrix (columns rounded up to panels of 8). */
const panelBytes = (K: number, N: number): number => Math.ceil(N / 8) * 8 * K * 4;

describe.each([1, 2])('packed weight panels (%i thread(s))', (threads) => {
  it('keeps them from the second product with the same weight, with the same results', () => {
    const { be, rt } = fast(threads);
    const r = rng(40 + threads);
    const [M, K, N] = [19, 300, 45]; // K over two blocks, a partial last panel
    const aData = randomData(r, M * K);
    const wData = randomData(r, K * N);
    const a = operand(be, aData, [1, M, K]);
    const w = operand(be, wData, [1, K, N]);
    const want = oracle(
      [
        { data: aData, shape: [1, M, K] },
        { data: wData, shape: [1, K, N] },
      ],
      (b, [x, y]) => b.kernels.matmul(x!, y!, false, false, f32([1, M, N])),
    );
    const before = rt.heap.stats().inUse;
    const inUse: number[] = [];
    for (let call = 0; call < 3; call++) {
      expectMatch(take(be, be.kernels.matmul(a, w, false, false, f32([1, M, N]))), want, `call ${call}`);
      inUse.push(rt.heap.stats().inUse - before);
    }
    expect(inUse[0]).toBe(0); // the first product packs and frees
    expect(inUse[1]).toBeGreaterThanOrEqual(panelBytes(K, N)); // the second keeps its panels
    expect(inUse[2]).toBe(inUse[1]); // the third reuses them
    be.dispose(w.handle);
    expect(rt.heap.stats().inUse).toBeLessThan(before); // the weight and its panels are freed together
    be.dispose(a.handle);
    rt.stopWorkers();
  });

  it('drops them on an in-place optimizer step: the next product sees the new weight', () => {
    const { be, rt } = fast(threads);
    const r = rng(50 + threads);
    const [M, K, N] = [8, 70, 24];
    const aData = randomData(r, M * K);
    const wData = randomData(r, K * N);
    const gData = randomData(r, K * N);
    const bias = randomData(r, N);
    const a = operand(be, aData, [1, M, K]);
    const w = operand(be, wData, [1, K, N]);
    const g = operand(be, gData, [1, K, N]);
    const b = operand(be, bias, [N]);
    const product = (x: CpuBackend, [p, q, c]: nr.Operand[]) =>
      x.kernels.matmulBiasActivation(p!, q!, c!, 'relu', false, false, f32([1, M, N]));
    const inputs = (weights: Float32Array) => [
      { data: aData, shape: [1, M, K] },
      { data: weights, shape: [1, K, N] },
      { data: bias, shape: [N] },
    ];
    const want = oracle(inputs(wData), product);
    for (let call = 0; call < 3; call++) expectMatch(take(be, product(be, [a, w, b])), want, `call ${call}`);
    be.kernels.optimizerUpdate({ kind: 'sgd', lr: 0.5, momentum: 0, nesterov: false }, [w], [g], [[]]);
    const updated = be.readSync(w.handle) as Float32Array;
    expect(Array.from(updated.subarray(0, 3))).toEqual(
      Array.from(wData.subarray(0, 3), (v, i) => Math.fround(v - Math.fround(gData[i]! * 0.5))),
    );
    const wantAfter = oracle(inputs(updated), product);
    for (let call = 0; call < 3; call++) {
      expectMatch(take(be, product(be, [a, w, b])), wantAfter, `after the step, call ${call}`);
    }
    for (const o of [a, w, g, b]) be.dispose(o.handle);
    rt.stopWorkers();
  });

  it('keeps one packing per weight: its transpose and a convolution filter stay right', () => {
    const { be, rt } = fast(threads);
    const r = rng(60 + threads);
    const [M, K] = [6, 33];
    const aData = randomData(r, M * K);
    const wData = randomData(r, K * K);
    const a = operand(be, aData, [1, M, K]);
    const w = operand(be, wData, [1, K, K]);
    const mats = [
      { data: aData, shape: [1, M, K] },
      { data: wData, shape: [1, K, K] },
    ];
    const plain = oracle(mats, (x, [p, q]) => x.kernels.matmul(p!, q!, false, false, f32([1, M, K])));
    const transposed = oracle(mats, (x, [p, q]) => x.kernels.matmul(p!, q!, false, true, f32([1, M, K])));
    // Alternating uses of one weight with two layouts: every result right whichever packing is kept.
    for (const tb of [false, false, true, true, false, true, false]) {
      const got = take(be, be.kernels.matmul(a, w, false, tb, f32([1, M, K])));
      expectMatch(got, tb ? transposed : plain, `transposeB ${tb}`);
    }
    const info = nr.conv2dInfo([2, 9, 8, 3], [3, 3, 3, 5], [1, 1], 'same', [1, 1]);
    const xData = randomData(r, 2 * 9 * 8 * 3);
    const fData = randomData(r, 3 * 3 * 3 * 5);
    const x = operand(be, xData, [2, 9, 8, 3]);
    const f = operand(be, fData, [3, 3, 3, 5]);
    const conv = (y: CpuBackend, [p, q]: nr.Operand[]) => y.kernels.conv2d(p!, q!, info, f32([2, 9, 8, 5]));
    const wantConv = oracle(
      [
        { data: xData, shape: [2, 9, 8, 3] },
        { data: fData, shape: [3, 3, 3, 5] },
      ],
      conv,
    );
    for (let call = 0; call < 3; call++)
      expectMatch(take(be, conv(be, [x, f])), wantConv, `conv call ${call}`);
    for (const o of [a, w, x, f]) be.dispose(o.handle);
    rt.stopWorkers();
  });
});
