/**
 * Broadcasting a tensor to a larger shape on the heap with native copies: whole blocks with `set`, and
 * repetitions along a broadcast axis by doubling with `copyWithin`. tfjs-wasm's `Tile` takes ~100 ms for
 * a bias repeated to a 1M-element activation; this takes about as long as writing the output once.
 *
 * @packageDocumentation
 */
import type { DType, Shape, TypedArray } from '@neurona/core';
import { type Runner, sizeOf, type TfInfo } from '../runner.js';

const sameShape = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * `x` repeated to `shape` (a NumPy broadcast target of `x.shape`): `x` itself when the shape already
 * matches, else a fresh tensor.
 *
 * @example
 * ```ts
 * const full = broadcastTo(tw, bias, [32, 24, 24, 8]); // bias: [8]
 * ```
 */
export function broadcastTo(tw: Runner, x: TfInfo, shape: Shape): TfInfo {
  if (sameShape(x.shape, shape)) return x;
  const y = tw.empty(shape, x.dtype as DType);
  if (sizeOf(shape) === 0) return y;
  const rank = shape.length;
  const lifted = [...new Array<number>(rank - x.shape.length).fill(1), ...x.shape];
  const srcStrides = new Array<number>(rank);
  const dstStrides = new Array<number>(rank);
  // sameFrom[d]: axes d.. are not broadcast, so the block below axis d is a plain copy.
  const sameFrom = new Array<boolean>(rank + 1);
  sameFrom[rank] = true;
  for (let d = rank - 1, s = 1, t = 1; d >= 0; d--) {
    srcStrides[d] = s;
    dstStrides[d] = t;
    s *= lifted[d]!;
    t *= shape[d]!;
    sameFrom[d] = sameFrom[d + 1]! && lifted[d] === shape[d];
  }
  const src = tw.heap(x);
  const dst = tw.heap(y);
  const fill = (so: number, to: number, d: number): void => {
    if (sameFrom[d]) {
      const block = d === rank ? 1 : dstStrides[d]! * shape[d]!;
      dst.set(src.subarray(so, so + block), to);
      return;
    }
    if (lifted[d] === 1) {
      fill(so, to, d + 1);
      repeat(dst, to, dstStrides[d]!, shape[d]!);
      return;
    }
    for (let i = 0; i < shape[d]!; i++) fill(so + i * srcStrides[d]!, to + i * dstStrides[d]!, d + 1);
  };
  fill(0, 0, 0);
  return y;
}

/** `a[at .. at + block)` repeated `times` times in place, by doubling. */
function repeat(a: TypedArray, at: number, block: number, times: number): void {
  const end = at + block * times;
  for (let len = block; at + len < end; len *= 2)
    a.copyWithin(at + len, at, at + Math.min(len, end - at - len));
}
