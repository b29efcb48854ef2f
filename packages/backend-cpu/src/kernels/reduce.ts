/**
 * Reductions over the trailing elements of each output position.
 *
 * @packageDocumentation
 */
import type { ReduceOp, TensorInfo, TypedArray } from '@neurona/core';
import { allocate, sizeOf } from '../storage.js';
import type { Input } from './strided.js';

/**
 * Reduce `x` viewed as `[outSize, inner]` along its rows, `inner = x.size / outSize`.
 * - sum: float64 accumulator (int32 wraps modulo 2^32); 0 for an empty row.
 * - prod: float64 accumulator (int32 uses exact wrapping multiplication); 1 for an empty row.
 * - max/min: NaN propagates; an empty row gives -Infinity / +Infinity (0 when out is int32).
 * - argmax/argmin: int32 index of the first extreme; a NaN counts as the extreme (first NaN wins),
 *   consistently with max/min; 0 for an empty row.
 *
 * @example
 * ```ts
 * // [[1, 2, 3], [4, 5, 6]] summed per row -> [6, 15]
 * reduce('sum', { data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [2, 3], dtype: 'float32' }, { shape: [2], dtype: 'float32' });
 * ```
 */
export function reduce(op: ReduceOp, x: Input, out: TensorInfo): TypedArray {
  const outSize = sizeOf(out.shape);
  const o = allocate(out.dtype, outSize);
  if (outSize === 0) return o;
  const a = x.data;
  const inner = a.length / outSize;
  const intOut = o instanceof Int32Array;
  for (let r = 0; r < outSize; r++) {
    const off = r * inner;
    const end = off + inner;
    switch (op) {
      case 'sum': {
        let acc = 0;
        for (let i = off; i < end; i++) acc += a[i]!;
        o[r] = acc;
        break;
      }
      case 'prod': {
        let acc = 1;
        if (intOut) for (let i = off; i < end; i++) acc = Math.imul(acc, a[i]!);
        else for (let i = off; i < end; i++) acc *= a[i]!;
        o[r] = acc;
        break;
      }
      case 'max': {
        let m = Number.NEGATIVE_INFINITY;
        for (let i = off; i < end; i++) {
          const v = a[i]!;
          if (v > m) m = v;
          else if (Number.isNaN(v)) {
            m = v;
            break;
          }
        }
        o[r] = m;
        break;
      }
      case 'min': {
        let m = Number.POSITIVE_INFINITY;
        for (let i = off; i < end; i++) {
          const v = a[i]!;
          if (v < m) m = v;
          else if (Number.isNaN(v)) {
            m = v;
            break;
          }
        }
        o[r] = m;
        break;
      }
      case 'argmax':
      case 'argmin': {
        o[r] = argExtreme(a, off, inner, op === 'argmax');
        break;
      }
      default:
        throw new Error(`cpu: unknown reduce op '${String(op)}'`);
    }
  }
  return o;
}

/** Index (relative to `off`) of the first maximum (or minimum) of `a[off .. off+n)`; a NaN wins. */
function argExtreme(a: TypedArray, off: number, n: number, isMax: boolean): number {
  if (n === 0) return 0;
  let best = a[off]!;
  if (Number.isNaN(best)) return 0;
  let idx = 0;
  for (let j = 1; j < n; j++) {
    const v = a[off + j]!;
    if (Number.isNaN(v)) return j;
    if (isMax ? v > best : v < best) {
      best = v;
      idx = j;
    }
  }
  return idx;
}
