/**
 * Batched matrix product on the tiled GEMM of {@link runGemm}.
 *
 * @packageDocumentation
 */
import type { Handle, Operand, TensorInfo } from '@neurona/core';
import { Params } from '../wgsl.js';
import { type KernelContext, output } from './context.js';
import { type Epilogue, epilogueParts } from './epilogue.js';
import { runGemm } from './gemm.js';

/**
 * `[batch, M, K] x [batch, K, N] -> [batch, M, N]` (with `transposeA`, `a` is `[batch, K, M]`; with
 * `transposeB`, `b` is `[batch, N, K]`); an operand with batch 1 is broadcast. With an `epilogue`, each
 * value gets the bias of its column and the activation as it is stored (`matmulBiasActivation`).
 *
 * @example
 * ```ts
 * const y = matmul(ctx, a, b, false, false, { shape: [1, 2, 2], dtype: 'float32' });
 * ```
 */
export function matmul(
  ctx: KernelContext,
  a: Operand,
  b: Operand,
  transposeA: boolean,
  transposeB: boolean,
  out: TensorInfo,
  epilogue?: Epilogue,
): Handle {
  const { handle, buffer } = output(ctx, out);
  if (!buffer) return handle;
  const [batch, m, n] = out.shape as [number, number, number];
  const k = transposeA ? a.shape[1]! : a.shape[2]!;
  // Element (row, k) of A and (k, col) of B through strides, so one shader serves every transpose.
  const params = new Params()
    .u32('aBatch', a.shape[0] === 1 ? 0 : m * k)
    .u32('aRow', transposeA ? 1 : k)
    .u32('aCol', transposeA ? m : 1)
    .u32('bBatch', b.shape[0] === 1 ? 0 : k * n)
    .u32('bRow', transposeB ? 1 : n)
    .u32('bCol', transposeB ? k : 1);
  const epi = epilogueParts(ctx, epilogue);
  runGemm(ctx, {
    key: `matmul${epi.key}`,
    batch,
    m,
    n,
    k,
    loaders: `
fn rowA(b: u32, row: u32) -> vec4<i32> { return vec4<i32>(i32(b * p.aBatch + row * p.aRow), 0, 0, 0); }
fn kA(k: u32) -> vec4<i32> { return vec4<i32>(i32(k * p.aCol), 0, 0, 0); }
fn loadA(r: vec4<i32>, q: vec4<i32>) -> f32 { return lhs[r.x + q.x]; }
fn colB(b: u32, col: u32) -> vec4<i32> { return vec4<i32>(i32(b * p.bBatch + col * p.bCol), 0, 0, 0); }
fn kB(k: u32) -> vec4<i32> { return vec4<i32>(i32(k * p.bRow), 0, 0, 0); }
fn loadB(q: vec4<i32>, c: vec4<i32>) -> f32 { return rhs[q.x + c.x]; }
fn store(b: u32, s: u32, row: u32, col: u32, v: f32) { ys[(b * p.M + row) * p.N + col] = ${epi.value('v', 'col')}; }`,
    params,
    inputs: [ctx.store.buffer(a), ctx.store.buffer(b), ...epi.inputs],
    bindings: [{ name: 'lhs', type: 'f32' }, { name: 'rhs', type: 'f32' }, ...epi.bindings],
    output: buffer,
  });
  return handle;
}
