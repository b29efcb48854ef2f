/**
 * The bias + activation epilogue of the fused product kernels (`matmulBiasActivation`,
 * `conv2dBiasActivation`): applied to each value as the GEMM stores it, so no extra pass runs.
 *
 * @packageDocumentation
 */
import type { Operand } from '@neurona/core';
import type { Binding } from '../wgsl.js';
import type { KernelContext } from './context.js';

/**
 * What a fused product does to each output value: add `bias[col]` (a `[N]` vector, or nothing when null),
 * then apply `activation`.
 *
 * @example
 * ```ts
 * const ep: Epilogue = { bias: null, activation: 'relu' };
 * ```
 */
export interface Epilogue {
  readonly bias: Operand | null;
  readonly activation: 'linear' | 'relu';
}

/**
 * The pieces a GEMM caller splices in for an epilogue: a pipeline key suffix, the extra input binding and
 * buffer (the bias), and `value(v, col)`, the WGSL expression stored in place of `v`. Without an epilogue
 * every piece is neutral, so the plain kernel's shader and key are unchanged.
 *
 * @example
 * ```ts
 * const e = epilogueParts(ctx, { bias, activation: 'relu' });
 * e.value('v', 'col'); // 'max(v + bias[col], 0.0)'
 * ```
 */
export function epilogueParts(
  ctx: KernelContext,
  ep: Epilogue | undefined,
): {
  key: string;
  bindings: Binding[];
  inputs: GPUBuffer[];
  value: (v: string, col: string) => string;
} {
  if (!ep) return { key: '', bindings: [], inputs: [], value: (v) => v };
  const { bias, activation } = ep;
  const relu = activation === 'relu';
  return {
    key: `:epi-${bias ? 'bias' : 'nobias'}-${activation}`,
    bindings: bias ? [{ name: 'bias', type: 'f32' }] : [],
    inputs: bias ? [ctx.store.buffer(bias)] : [],
    value: (v, col) => {
      const sum = bias ? `${v} + bias[${col}]` : v;
      return relu ? `max(${sum}, 0.0)` : sum;
    },
  };
}
