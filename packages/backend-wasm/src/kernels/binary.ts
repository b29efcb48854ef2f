/**
 * Elementwise binary kernels with broadcasting: one tfjs-wasm kernel each, except int32 `div` and `mod`,
 * which run here on the heap. tfjs-wasm's int32 `FloorDiv` divides in float32 (inexact beyond 2^24) and
 * its int32 `Mod` traps on a zero divisor; ours are exact and give 0 for a zero divisor, like the CPU backend.
 *
 * @packageDocumentation
 */
import type { BinaryOp, Shape, TensorInfo } from '@neurona/core';
import { type Runner, sizeOf, type TfInfo } from '../runner.js';
import { broadcastTo } from './broadcast.js';

const NATIVE: Readonly<Record<BinaryOp, string>> = {
  add: 'Add',
  sub: 'Sub',
  mul: 'Multiply',
  div: 'RealDiv',
  pow: 'Pow',
  maximum: 'Maximum',
  minimum: 'Minimum',
  mod: 'Mod',
  equal: 'Equal',
  notEqual: 'NotEqual',
  less: 'Less',
  lessEqual: 'LessEqual',
  greater: 'Greater',
  greaterEqual: 'GreaterEqual',
  logicalAnd: 'LogicalAnd',
  logicalOr: 'LogicalOr',
};

/**
 * Elementwise binary op of `a` and `b` (same dtype) broadcast to `out.shape`.
 *
 * @example
 * ```ts
 * const y = binary(tw, 'add', a, b, { shape: [2, 3], dtype: 'float32' });
 * ```
 */
export function binary(tw: Runner, op: BinaryOp, a: TfInfo, b: TfInfo, out: TensorInfo): TfInfo {
  if (a.dtype === 'int32' && (op === 'div' || op === 'mod')) {
    return intDivMod(tw, op === 'div' ? floorDiv : floorMod, a, b, out);
  }
  // A one-element operand broadcasts as a scalar; tfjs-wasm's comparisons take 20x longer with shape [1].
  a = asScalar(tw, a);
  b = asScalar(tw, b);
  if (a.dtype === 'float32' && FAST_SAME_SHAPE.has(op) && sizeOf(out.shape) >= EXPAND_MIN) {
    // tfjs-wasm broadcasts 5-10x slower than it adds equal shapes: repeat a smaller operand (a bias [c]
    // against [..., c]) to the full shape first, with native memory copies. Scalars stay scalars.
    const fa = a.shape.length === 0 ? a : broadcastTo(tw, a, out.shape);
    const fb = b.shape.length === 0 ? b : broadcastTo(tw, b, out.shape);
    if (fa !== a || fb !== b) {
      try {
        return tw.run(NATIVE[op], { a: fa, b: fb });
      } finally {
        if (fa !== a) tw.free(fa);
        if (fb !== b) tw.free(fb);
      }
    }
  }
  return tw.run(NATIVE[op], { a, b });
}

/** float32 ops that tfjs-wasm runs fast on equal shapes (measured; its maximum/minimum are slow either way). */
const FAST_SAME_SHAPE: ReadonlySet<BinaryOp> = new Set(['add', 'sub', 'mul', 'div']);

/** Below this many output elements, broadcasting natively is cheap enough. */
const EXPAND_MIN = 1 << 14;

const asScalar = (tw: Runner, x: TfInfo): TfInfo =>
  x.shape.length > 0 && sizeOf(x.shape) === 1 ? tw.view(x, []) : x;

/** Floor of `x / y` for int32 (exact in double precision); 0 for a zero divisor. */
function floorDiv(x: number, y: number): number {
  return y === 0 ? 0 : Math.floor(x / y);
}

/** Floor modulo for int32: the sign of the divisor; 0 for a zero divisor. */
function floorMod(x: number, y: number): number {
  if (y === 0) return 0;
  const r = x % y;
  return r !== 0 && r < 0 !== y < 0 ? r + y : r;
}

/** Row-major strides of `shape` aligned to the rank of `outShape`, 0 on broadcast axes. */
function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const axis = rank - shape.length + i;
    strides[axis] = shape[i] === 1 ? 0 : acc;
    acc *= shape[i]!;
  }
  return strides;
}

function intDivMod(
  tw: Runner,
  f: (x: number, y: number) => number,
  a: TfInfo,
  b: TfInfo,
  out: TensorInfo,
): TfInfo {
  const y = tw.empty(out.shape, 'int32');
  const n = sizeOf(out.shape);
  if (n === 0) return y;
  const o = tw.heap(y);
  const av = tw.heap(a);
  const bv = tw.heap(b);
  const rank = out.shape.length;
  const as = broadcastStrides(a.shape, out.shape);
  const bs = broadcastStrides(b.shape, out.shape);
  const index = new Array<number>(rank).fill(0);
  let ai = 0;
  let bi = 0;
  for (let i = 0; i < n; i++) {
    o[i] = f(av[ai]!, bv[bi]!);
    // Advance the multi-index (last axis fastest), keeping the operand offsets in step.
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++;
      ai += as[d]!;
      bi += bs[d]!;
      if (index[d]! < out.shape[d]!) break;
      ai -= as[d]! * index[d]!;
      bi -= bs[d]! * index[d]!;
      index[d] = 0;
    }
  }
  return y;
}
