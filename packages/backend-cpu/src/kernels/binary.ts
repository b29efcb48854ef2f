/**
 * Elementwise binary kernels with NumPy broadcasting.
 *
 * @packageDocumentation
 */
import type { BinaryOp, TensorInfo, TypedArray } from '@neurona/core';
import { allocate, sizeOf } from '../storage.js';
import { broadcastStrides, collapse, forEachRow, type Input } from './strided.js';

/** One inner row: `o[oi + i] = f(a[ai + i*as], b[bi + i*bs])` for i < n. */
type Row = (
  o: TypedArray,
  oi: number,
  a: TypedArray,
  ai: number,
  as: number,
  b: TypedArray,
  bi: number,
  bs: number,
  n: number,
) => void;

/**
 * Floor modulo: the result has the sign of the divisor (Python's `%`), computed exactly via `%`.
 *
 * @example
 * ```ts
 * floorMod(-5, 3); // 1
 * ```
 */
export function floorMod(x: number, y: number): number {
  const r = x % y;
  return r !== 0 && r < 0 !== y < 0 ? r + y : r;
}

const ROWS: Record<BinaryOp, Row> = {
  add: (o, oi, a, ai, as, b, bi, bs, n) => {
    for (let i = 0; i < n; i++) o[oi + i] = a[ai + i * as]! + b[bi + i * bs]!;
  },
  sub: (o, oi, a, ai, as, b, bi, bs, n) => {
    for (let i = 0; i < n; i++) o[oi + i] = a[ai + i * as]! - b[bi + i * bs]!;
  },
  mul: (o, oi, a, ai, as, b, bi, bs, n) => {
    for (let i = 0; i < n; i++) o[oi + i] = a[ai + i * as]! * b[bi + i * bs]!;
  },
  div: (o, oi, a, ai, as, b, bi, bs, n) => {
    for (let i = 0; i < n; i++) o[oi + i] = a[ai + i * as]! / b[bi + i * bs]!;
  },
  pow: (o, oi, a, ai, as, b, bi, bs, n) => {
    for (let i = 0; i < n; i++) o[oi + i] = a[ai + i * as]! ** b[bi + i * bs]!;
  },
  maximum: (o, oi, a, ai, as, b, bi, bs, n) => {
    for (let i = 0; i < n; i++) o[oi + i] = Math.max(a[ai + i * as]!, b[bi + i * bs]!);
  },
  minimum: (o, oi, a, ai, as, b, bi, bs, n) => {
    for (let i = 0; i < n; i++) o[oi + i] = Math.min(a[ai + i * as]!, b[bi + i * bs]!);
  },
  mod: (o, oi, a, ai, as, b, bi, bs, n) => {
    for (let i = 0; i < n; i++) o[oi + i] = floorMod(a[ai + i * as]!, b[bi + i * bs]!);
  },
  equal: (o, oi, a, ai, as, b, bi, bs, n) => {
    for (let i = 0; i < n; i++) o[oi + i] = a[ai + i * as] === b[bi + i * bs] ? 1 : 0;
  },
  notEqual: (o, oi, a, ai, as, b, bi, bs, n) => {
    for (let i = 0; i < n; i++) o[oi + i] = a[ai + i * as] !== b[bi + i * bs] ? 1 : 0;
  },
  less: (o, oi, a, ai, as, b, bi, bs, n) => {
    for (let i = 0; i < n; i++) o[oi + i] = a[ai + i * as]! < b[bi + i * bs]! ? 1 : 0;
  },
  lessEqual: (o, oi, a, ai, as, b, bi, bs, n) => {
    for (let i = 0; i < n; i++) o[oi + i] = a[ai + i * as]! <= b[bi + i * bs]! ? 1 : 0;
  },
  greater: (o, oi, a, ai, as, b, bi, bs, n) => {
    for (let i = 0; i < n; i++) o[oi + i] = a[ai + i * as]! > b[bi + i * bs]! ? 1 : 0;
  },
  greaterEqual: (o, oi, a, ai, as, b, bi, bs, n) => {
    for (let i = 0; i < n; i++) o[oi + i] = a[ai + i * as]! >= b[bi + i * bs]! ? 1 : 0;
  },
  logicalAnd: (o, oi, a, ai, as, b, bi, bs, n) => {
    for (let i = 0; i < n; i++) o[oi + i] = a[ai + i * as] !== 0 && b[bi + i * bs] !== 0 ? 1 : 0;
  },
  logicalOr: (o, oi, a, ai, as, b, bi, bs, n) => {
    for (let i = 0; i < n; i++) o[oi + i] = a[ai + i * as] !== 0 || b[bi + i * bs] !== 0 ? 1 : 0;
  },
};

const intDiv: Row = (o, oi, a, ai, as, b, bi, bs, n) => {
  for (let i = 0; i < n; i++) o[oi + i] = Math.floor(a[ai + i * as]! / b[bi + i * bs]!);
};
const intMul: Row = (o, oi, a, ai, as, b, bi, bs, n) => {
  for (let i = 0; i < n; i++) o[oi + i] = Math.imul(a[ai + i * as]!, b[bi + i * bs]!);
};

/**
 * Run one row function over `a` and `b` broadcast to `outShape`, writing the contiguous `o`.
 * Same-shape and scalar operands become a single row; otherwise dimensions are collapsed and the
 * innermost one is walked by `row`.
 *
 * @example
 * ```ts
 * broadcastRows(o, [2, 3], a, [2, 3], b, [3], (o, oi, a, ai, as, b, bi, bs, n) => {});
 * ```
 */
export function broadcastRows(
  o: TypedArray,
  outShape: TensorInfo['shape'],
  a: TypedArray,
  aShape: TensorInfo['shape'],
  b: TypedArray,
  bShape: TensorInfo['shape'],
  row: Row,
): void {
  const n = o.length;
  if (n === 0) return;
  const aFull = a.length === n;
  const bFull = b.length === n;
  if ((aFull || a.length === 1) && (bFull || b.length === 1)) {
    // Equal shapes (an operand with all of out's elements has out's shape) or scalar operands.
    row(o, 0, a, 0, aFull ? 1 : 0, b, 0, bFull ? 1 : 0, n);
    return;
  }
  const outStrides = broadcastStrides(outShape, outShape);
  const plan = collapse(outShape, [
    outStrides,
    broadcastStrides(aShape, outShape),
    broadcastStrides(bShape, outShape),
  ]);
  const last = plan.shape.length - 1;
  const inner = plan.shape[last]!;
  const as = plan.strides[1]![last]!;
  const bs = plan.strides[2]![last]!;
  forEachRow(plan, [0, 0, 0], (offs) => row(o, offs[0]!, a, offs[1]!, as, b, offs[2]!, bs, inner));
}

/**
 * Elementwise binary op with broadcasting of `a` and `b` to `out.shape`. Arithmetic on int32 wraps
 * like C int32 for add/sub/mul; `div` on int32 is floor division; `mod` is floor modulo for both dtypes.
 * Comparisons and logical ops write 0/1 into a Uint8Array.
 *
 * @example
 * ```ts
 * const f = (v: number[], s: number[]) => ({ data: new Float32Array(v), shape: s, dtype: 'float32' as const });
 * binary('add', f([1, 2], [2]), f([10], [1]), { shape: [2], dtype: 'float32' }); // [11, 12]
 * ```
 */
export function binary(op: BinaryOp, a: Input, b: Input, out: TensorInfo): TypedArray {
  const o = allocate(out.dtype, sizeOf(out.shape));
  let row = ROWS[op];
  if (row === undefined) throw new Error(`cpu: unknown binary op '${String(op)}'`);
  if (a.dtype === 'int32') {
    if (op === 'div') row = intDiv;
    else if (op === 'mul') row = intMul;
  }
  broadcastRows(o, out.shape, a.data, a.shape, b.data, b.shape, row);
  return o;
}
