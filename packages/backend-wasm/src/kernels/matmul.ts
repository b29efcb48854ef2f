/**
 * Batched matrix product. float32 runs tfjs-wasm's `BatchMatMul`, which uses XNNPACK only for untransposed
 * operands with a batch of 1 and otherwise falls back to a scalar loop (10-20x slower). So transposed
 * operands are transposed first, and a batch of `a` against a single `b` becomes one tall product
 * (`[batch * M, K] x [K, N]`). int32, which tfjs-wasm does not support, runs here on the heap with
 * wrapping int32 arithmetic (as on the CPU backend).
 *
 * @packageDocumentation
 */
import type { TensorInfo } from '@neurona/core';
import { type Runner, sizeOf, type TfInfo } from '../runner.js';

/**
 * `[batch, M, K] x [batch, K, N] -> [batch, M, N]` with optional transposes; a batch of 1 broadcasts.
 *
 * @example
 * ```ts
 * const c = matmul(tw, a, b, false, true, { shape: [1, 2, 4], dtype: 'float32' });
 * ```
 */
export function matmul(
  tw: Runner,
  a: TfInfo,
  b: TfInfo,
  transposeA: boolean,
  transposeB: boolean,
  out: TensorInfo,
): TfInfo {
  const k = transposeA ? a.shape[1]! : a.shape[2]!;
  if (sizeOf(out.shape) === 0) return tw.empty(out.shape, out.dtype);
  if (k === 0) return tw.fill(out.shape, out.dtype, 0);
  if (a.dtype !== 'float32') return intMatmul(tw, a, b, transposeA, transposeB, out);
  const at = transposeA ? tw.run('Transpose', { x: a }, { perm: [0, 2, 1] }) : a;
  // A transposed `b` is usually a weight matrix used again and again (every step of an RNN): keep it.
  const bt = transposeB
    ? tw.derived(b, 'transpose', () => tw.run('Transpose', { x: b }, { perm: [0, 2, 1] }))
    : b;
  try {
    const [batch, m, n] = out.shape as [number, number, number];
    // One XNNPACK product when `b` is shared: the batches of `a` are just more rows.
    if (bt.shape[0] === 1) return product(tw, tw.view(at, [1, at.shape[0]! * m, k]), bt);
    // Otherwise one product per batch entry, on copies of the blocks (XNNPACK takes whole tensors).
    const y = tw.empty(out.shape, 'float32');
    for (let i = 0; i < batch; i++) {
      const ai = at.shape[0] === 1 ? at : block(tw, at, i, [1, m, k]);
      const bi = block(tw, bt, i, [1, k, n]);
      const yi = product(tw, ai, bi);
      tw.heap(y).set(tw.heap(yi), i * m * n);
      tw.free(bi, yi);
      if (ai !== at) tw.free(ai);
    }
    return y;
  } finally {
    if (at !== a) tw.free(at);
  }
}

/**
 * `a [1, M, K] x b [1, K, N]` on XNNPACK (tfjs-wasm's `BatchMatMul` fast path), `b` as the weights.
 *
 * @example
 * ```ts
 * const y = product(tw, tw.view(x, [1, rows, k]), w);
 * ```
 */
export const product = (tw: Runner, a: TfInfo, b: TfInfo): TfInfo =>
  tw.run('BatchMatMul', { a, b: tw.asWeights(b) }, { transposeA: false, transposeB: false });

/** Batch entry `i` of `x` as a fresh tensor of `shape` (`[1, rows, cols]`). */
function block(tw: Runner, x: TfInfo, i: number, shape: number[]): TfInfo {
  const size = sizeOf(shape);
  const y = tw.empty(shape, 'float32');
  tw.heap(y).set(tw.heap(x).subarray(i * size, (i + 1) * size));
  return y;
}

function intMatmul(tw: Runner, a: TfInfo, b: TfInfo, ta: boolean, tb: boolean, out: TensorInfo): TfInfo {
  const [batch, m, n] = out.shape as [number, number, number];
  const k = ta ? a.shape[1]! : a.shape[2]!;
  const y = tw.empty(out.shape, 'int32');
  const o = tw.heap(y);
  const av = tw.heap(a);
  const bv = tw.heap(b);
  const aBatch = a.shape[0] === 1 ? 0 : m * k;
  const bBatch = b.shape[0] === 1 ? 0 : k * n;
  // Element strides of a[i, p] and b[p, j] in the stored layouts.
  const [ai, ap] = ta ? [1, m] : [k, 1];
  const [bp, bj] = tb ? [1, k] : [n, 1];
  for (let t = 0; t < batch; t++) {
    const a0 = t * aBatch;
    const b0 = t * bBatch;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++)
          acc = (acc + Math.imul(av[a0 + i * ai + p * ap]!, bv[b0 + p * bp + j * bj]!)) | 0;
        o[(t * m + i) * n + j] = acc;
      }
    }
  }
  return y;
}
