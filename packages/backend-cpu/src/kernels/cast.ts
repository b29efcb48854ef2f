/**
 * The dtype conversion kernel.
 *
 * @packageDocumentation
 */
import type { TensorInfo, TypedArray } from '@neurona/core';
import { allocate } from '../storage.js';
import type { Input } from './strided.js';

/**
 * Convert `x` to `out.dtype`: to bool is `x != 0` (NaN counts as true); float32 to int32 truncates toward
 * zero (NaN and infinities become 0, out-of-range values wrap modulo 2^32 as in `Int32Array`);
 * bool to a number type gives 0/1. Same dtype gives a copy.
 *
 * @example
 * ```ts
 * cast({ data: new Float32Array([1.7, -1.7]), shape: [2], dtype: 'float32' }, { shape: [2], dtype: 'int32' }); // [1, -1]
 * ```
 */
export function cast(x: Input, out: TensorInfo): TypedArray {
  const a = x.data;
  const n = a.length;
  const o = allocate(out.dtype, n);
  if (out.dtype === 'bool') {
    for (let i = 0; i < n; i++) o[i] = a[i] !== 0 ? 1 : 0;
  } else {
    // TypedArray#set converts each element (ToInt32 truncates toward zero; Float32 rounds to nearest).
    o.set(a);
  }
  return o;
}
