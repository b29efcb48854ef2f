/**
 * Reductions over the trailing axis: the input is viewed as `[outSize, inner]` and reduced over axis 1
 * by tfjs-wasm's `Sum`, `Prod`, `Max`, `Min`, `ArgMax` or `ArgMin`. Reductions over zero elements
 * (which tfjs-wasm leaves unwritten) are filled here with the op's identity.
 *
 * @packageDocumentation
 */
import type { ReduceOp, TensorInfo } from '@neurona/core';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { type Runner, sizeOf, type TfInfo } from '../runner.js';

const NATIVE: Readonly<Record<ReduceOp, string>> = {
  sum: 'Sum',
  prod: 'Prod',
  max: 'Max',
  min: 'Min',
  argmax: 'ArgMax',
  argmin: 'ArgMin',
};

/** Result of reducing zero elements (argmax/argmin of nothing: index 0, as on the CPU backend). */
const IDENTITY: Readonly<Record<ReduceOp, number>> = {
  sum: 0,
  prod: 1,
  max: Number.NEGATIVE_INFINITY,
  min: Number.POSITIVE_INFINITY,
  argmax: 0,
  argmin: 0,
};

/**
 * Reduce the trailing `x.size / size(out)` elements of each row of `x`.
 *
 * @example
 * ```ts
 * const s = reduce(tw, 'sum', x, { shape: [2], dtype: 'float32' }); // x: [2, 3] -> [2]
 * ```
 */
export function reduce(tw: Runner, op: ReduceOp, x: TfInfo, out: TensorInfo): TfInfo {
  const rows = sizeOf(out.shape);
  const inner = rows === 0 ? 0 : sizeOf(x.shape) / rows;
  if (rows === 0 || inner === 0) return tw.fill(out.shape, out.dtype, IDENTITY[op]);
  const matrix = tw.view(x, [rows, inner]);
  // tfjs names the axis attribute of Max `reductionIndices`, of the others `axis`.
  const attrs: NamedAttrMap = op === 'max' ? { reductionIndices: [1] } : { axis: [1] };
  return tw.run(NATIVE[op], { x: matrix }, attrs);
}
