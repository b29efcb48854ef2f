/**
 * Broadcast patterns the fast binary kernel handles in one pass: the output is viewed as `rows x inner`
 * and each operand is either walked along the row or repeated, with a row step (see `binaryF32` in
 * assembly/elementwise.ts). Other patterns fall back to the reference kernel.
 *
 * @packageDocumentation
 */
import type { Shape } from '@neurona/core';

/**
 * How one operand is read: element (r, i) is `x[r * row + (col ? i : 0)]`.
 *
 * @example
 * ```ts
 * const bias: OperandWalk = { row: 0, col: 1 }; // the same row for every r
 * ```
 */
export interface OperandWalk {
  readonly row: number;
  readonly col: 0 | 1;
}

/**
 * A plan for one binary op: output viewed as `rows x inner`, and how each operand is read.
 *
 * @example
 * ```ts
 * binaryPlan([2, 3], [2, 3], [3]); // { rows: 2, inner: 3, a: { row: 3, col: 1 }, b: { row: 0, col: 1 } }
 * ```
 */
export interface BinaryPlan {
  readonly rows: number;
  readonly inner: number;
  readonly a: OperandWalk;
  readonly b: OperandWalk;
}

function size(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** `shape` with leading 1s up to `rank` dimensions. */
function aligned(shape: Shape, rank: number): number[] {
  return [...new Array<number>(rank - shape.length).fill(1), ...shape];
}

/** Whether `a[from, to)` is all 1s. */
function ones(a: readonly number[], from: number, to: number): boolean {
  for (let d = from; d < to; d++) if (a[d] !== 1) return false;
  return true;
}

/** Whether `a` and `b` agree on dimensions `[from, to)`. */
function same(a: readonly number[], b: Shape, from: number, to: number): boolean {
  for (let d = from; d < to; d++) if (a[d] !== b[d]) return false;
  return true;
}

/**
 * Row length when the operand is 1 on dimensions `[0, k)` and equals `out` on `[k, rank)` (a trailing
 * row, repeated for every leading index), or -1 if it is not of that form.
 */
function trailingRow(shape: Shape, out: Shape): number {
  const a = aligned(shape, out.length);
  for (let k = 0; k <= a.length; k++) {
    if (ones(a, 0, k) && same(a, out, k, a.length)) return size(out.slice(k));
  }
  return -1;
}

/**
 * Output elements per operand element when the operand equals `out` on dimensions `[0, k)` and is 1 on
 * `[k, rank)` (one value per leading index), or -1 if it is not of that form.
 */
function leadingColumn(shape: Shape, out: Shape): number {
  const a = aligned(shape, out.length);
  for (let k = a.length; k >= 0; k--) {
    if (same(a, out, 0, k) && ones(a, k, a.length)) return size(out.slice(k));
  }
  return -1;
}

/**
 * Plan a broadcast of `a` and `b` to `out`, or `null` when neither operand has all of out's elements
 * (and they are not both scalars) or the other operand is neither a trailing row nor a leading column.
 *
 * @example
 * ```ts
 * binaryPlan([4, 1], [4, 5], [4, 5]); // rows 4, inner 5, a repeated within each row
 * ```
 */
export function binaryPlan(aShape: Shape, bShape: Shape, out: Shape): BinaryPlan | null {
  const n = size(out);
  const an = size(aShape);
  const bn = size(bShape);
  if ((an === n || an === 1) && (bn === n || bn === 1)) {
    return { rows: 1, inner: n, a: { row: 0, col: an === n ? 1 : 0 }, b: { row: 0, col: bn === n ? 1 : 0 } };
  }
  const plan = (full: 'a' | 'b', other: Shape): BinaryPlan | null => {
    const inner = trailingRow(other, out);
    if (inner > 0) {
      const walk: OperandWalk = { row: 0, col: 1 };
      const fullWalk: OperandWalk = { row: inner, col: 1 };
      const rows = n / inner;
      return full === 'a' ? { rows, inner, a: fullWalk, b: walk } : { rows, inner, a: walk, b: fullWalk };
    }
    const per = leadingColumn(other, out);
    if (per > 0) {
      const walk: OperandWalk = { row: 1, col: 0 };
      const fullWalk: OperandWalk = { row: per, col: 1 };
      const rows = n / per;
      return full === 'a'
        ? { rows, inner: per, a: fullWalk, b: walk }
        : { rows, inner: per, a: walk, b: fullWalk };
    }
    return null;
  };
  if (an === n) return plan('a', bShape);
  if (bn === n) return plan('b', aShape);
  return null;
}
