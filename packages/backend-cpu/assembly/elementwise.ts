// Elementwise kernels on contiguous float32 data: unary ops, binary ops whose operands are each either
// contiguous over a row or one value per row (covering same-shape, scalar, trailing-row and per-row
// broadcasts), comparisons into bool bytes, and casts between bool, int32 and float32.
// Op codes match src/fast/layout.ts.

import { expV, logV, sigmoidV, tanhV } from './math';

// @ts-ignore: decorator
@inline
function unaryV(op: i32, x: v128): v128 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  switch (op) {
    case 0: return f32x4.neg(x);
    case 1: return f32x4.abs(x);
    case 2: return f32x4.mul(x, x);
    case 3: return f32x4.sqrt(x);
    case 4: return f32x4.div(one, f32x4.sqrt(x));
    case 5: return f32x4.div(one, x);
    case 6: return f32x4.max(x, zero); // NaN propagates, as Math.max(0, NaN)
    case 7: {
      // step: 1 where x >= 0, NaN for NaN, else 0
      const r = v128.and(f32x4.ge(x, zero), one);
      return v128.bitselect(x, r, f32x4.ne(x, x));
    }
    case 8: return expV(x);
    case 9: return logV(x);
    case 10: return sigmoidV(x);
    case 11: return tanhV(x);
    case 12: return f32x4.floor(x);
    case 13: return f32x4.ceil(x);
    case 14: return f32x4.nearest(x); // round half to even
    default: {
      // sign: 1, -1, 0 for zeros, NaN for NaN
      const pos = v128.and(f32x4.gt(x, zero), one);
      const neg = v128.and(f32x4.lt(x, zero), f32x4.splat(-1));
      return v128.bitselect(x, v128.or(pos, neg), f32x4.ne(x, x));
    }
  }
}

// @ts-ignore: decorator
@inline
function unaryLoop(op: i32, x: usize, o: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    v128.store(o + off, unaryV(op, v128.load(x + off)));
  }
  if (i < n) {
    // Tail: through a padded vector so that every lane follows the same arithmetic.
    let v = f32x4.splat(0);
    const t = n - i;
    const p = x + (<usize>i << 2);
    v = f32x4.replace_lane(v, 0, load<f32>(p));
    if (t > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
    if (t > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
    const r = unaryV(op, v);
    const q = o + (<usize>i << 2);
    store<f32>(q, f32x4.extract_lane(r, 0));
    if (t > 1) store<f32>(q, f32x4.extract_lane(r, 1), 4);
    if (t > 2) store<f32>(q, f32x4.extract_lane(r, 2), 8);
  }
}

/** `o[i] = op(x[i])` for i < n. */
export function unaryF32(op: i32, x: usize, o: usize, n: i32): void {
  switch (op) {
    case 0: unaryLoop(0, x, o, n); break;
    case 1: unaryLoop(1, x, o, n); break;
    case 2: unaryLoop(2, x, o, n); break;
    case 3: unaryLoop(3, x, o, n); break;
    case 4: unaryLoop(4, x, o, n); break;
    case 5: unaryLoop(5, x, o, n); break;
    case 6: unaryLoop(6, x, o, n); break;
    case 7: unaryLoop(7, x, o, n); break;
    case 8: unaryLoop(8, x, o, n); break;
    case 9: unaryLoop(9, x, o, n); break;
    case 10: unaryLoop(10, x, o, n); break;
    case 11: unaryLoop(11, x, o, n); break;
    case 12: unaryLoop(12, x, o, n); break;
    case 13: unaryLoop(13, x, o, n); break;
    case 14: unaryLoop(14, x, o, n); break;
    default: unaryLoop(15, x, o, n); break;
  }
}

// @ts-ignore: decorator
@inline
function binaryV(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case 0: return f32x4.add(a, b);
    case 1: return f32x4.sub(a, b);
    case 2: return f32x4.mul(a, b);
    case 3: return f32x4.div(a, b);
    case 4: return f32x4.max(a, b);
    case 5: return f32x4.min(a, b);
    case 6: return f32x4.eq(a, b);
    case 7: return f32x4.ne(a, b);
    case 8: return f32x4.lt(a, b);
    case 9: return f32x4.le(a, b);
    case 10: return f32x4.gt(a, b);
    default: return f32x4.ge(a, b);
  }
}

/** Store lanes 0..n-1 of `v` (float results) or of its 0/1 bytes (comparisons) at `o`. */
// @ts-ignore: decorator
@inline
function storeOut(op: i32, o: usize, i: i32, v: v128, n: i32): void {
  if (op < 6) {
    const q = o + (<usize>i << 2);
    if (n == 4) v128.store(q, v);
    else {
      store<f32>(q, f32x4.extract_lane(v, 0));
      if (n > 1) store<f32>(q, f32x4.extract_lane(v, 1), 4);
      if (n > 2) store<f32>(q, f32x4.extract_lane(v, 2), 8);
    }
  } else {
    const m = v128.and(v, i32x4.splat(1));
    const q = o + <usize>i;
    store<u8>(q, <u8>i32x4.extract_lane(m, 0));
    if (n > 1) store<u8>(q, <u8>i32x4.extract_lane(m, 1), 1);
    if (n > 2) store<u8>(q, <u8>i32x4.extract_lane(m, 2), 2);
    if (n > 3) store<u8>(q, <u8>i32x4.extract_lane(m, 3), 3);
  }
}

/** Load `n` (1..4) floats, the rest of the lanes 0. */
// @ts-ignore: decorator
@inline
function loadPart(p: usize, n: i32): v128 {
  if (n == 4) return v128.load(p);
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

// @ts-ignore: decorator
@inline
function binaryRow(op: i32, aCol: bool, bCol: bool, ar: usize, br: usize, o: usize, orow: i32, inner: i32): void {
  const sa = f32x4.splat(load<f32>(ar));
  const sb = f32x4.splat(load<f32>(br));
  let i = 0;
  for (; i + 4 <= inner; i += 4) {
    const va = aCol ? v128.load(ar + (<usize>i << 2)) : sa;
    const vb = bCol ? v128.load(br + (<usize>i << 2)) : sb;
    storeOut(op, o, orow + i, binaryV(op, va, vb), 4);
  }
  if (i < inner) {
    const n = inner - i;
    const va = aCol ? loadPart(ar + (<usize>i << 2), n) : sa;
    const vb = bCol ? loadPart(br + (<usize>i << 2), n) : sb;
    storeOut(op, o, orow + i, binaryV(op, va, vb), n);
  }
}

// @ts-ignore: decorator
@inline
function binaryLoop(op: i32, a: usize, aRow: i32, aCol: i32, b: usize, bRow: i32, bCol: i32, o: usize, rows: i32, inner: i32): void {
  for (let r = 0; r < rows; r++) {
    const ar = a + (<usize>(r * aRow) << 2);
    const br = b + (<usize>(r * bRow) << 2);
    const orow = r * inner;
    if (aCol && bCol) binaryRow(op, true, true, ar, br, o, orow, inner);
    else if (aCol) binaryRow(op, true, false, ar, br, o, orow, inner);
    else if (bCol) binaryRow(op, false, true, ar, br, o, orow, inner);
    else binaryRow(op, false, false, ar, br, o, orow, inner);
  }
}

/**
 * `o[r * inner + i] = a(r, i) op b(r, i)` for r < rows, i < inner, where operand x(r, i) is
 * `x[r * xRow + (xCol ? i : 0)]`: xCol 1 walks the row, 0 repeats one value; xRow is the row step
 * (0 to repeat the same row). Arithmetic ops (0-5) write float32, comparisons (6-11) write 0/1 bytes.
 */
export function binaryF32(op: i32, a: usize, aRow: i32, aCol: i32, b: usize, bRow: i32, bCol: i32, o: usize, rows: i32, inner: i32): void {
  switch (op) {
    case 0: binaryLoop(0, a, aRow, aCol, b, bRow, bCol, o, rows, inner); break;
    case 1: binaryLoop(1, a, aRow, aCol, b, bRow, bCol, o, rows, inner); break;
    case 2: binaryLoop(2, a, aRow, aCol, b, bRow, bCol, o, rows, inner); break;
    case 3: binaryLoop(3, a, aRow, aCol, b, bRow, bCol, o, rows, inner); break;
    case 4: binaryLoop(4, a, aRow, aCol, b, bRow, bCol, o, rows, inner); break;
    case 5: binaryLoop(5, a, aRow, aCol, b, bRow, bCol, o, rows, inner); break;
    case 6: binaryLoop(6, a, aRow, aCol, b, bRow, bCol, o, rows, inner); break;
    case 7: binaryLoop(7, a, aRow, aCol, b, bRow, bCol, o, rows, inner); break;
    case 8: binaryLoop(8, a, aRow, aCol, b, bRow, bCol, o, rows, inner); break;
    case 9: binaryLoop(9, a, aRow, aCol, b, bRow, bCol, o, rows, inner); break;
    case 10: binaryLoop(10, a, aRow, aCol, b, bRow, bCol, o, rows, inner); break;
    default: binaryLoop(11, a, aRow, aCol, b, bRow, bCol, o, rows, inner); break;
  }
}

/** The ReLU gradient: `o[i] = dy[i] * (y[i] > 0 ? 1 : 0)` (a product, so a NaN or infinite `dy` stays NaN). */
export function reluGradF32(dy: usize, y: usize, o: usize, n: i32): void {
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    const mask = v128.and(f32x4.gt(v128.load(y + off), zero), one);
    v128.store(o + off, f32x4.mul(v128.load(dy + off), mask));
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(o + off, load<f32>(dy + off) * (load<f32>(y + off) > 0 ? <f32>1 : <f32>0));
  }
}

/** bool (bytes) to float32 0/1. */
export function boolToF32(x: usize, o: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const w = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(x + <usize>i)));
    const nz = i32x4.ne(w, i32x4.splat(0));
    v128.store(o + (<usize>i << 2), v128.and(nz, f32x4.splat(1)));
  }
  for (; i < n; i++) store<f32>(o + (<usize>i << 2), load<u8>(x + <usize>i) != 0 ? 1 : 0);
}

/** int32 to float32 (rounded to nearest). */
export function i32ToF32(x: usize, o: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const off = <usize>i << 2;
    v128.store(o + off, f32x4.convert_i32x4_s(v128.load(x + off)));
  }
  for (; i < n; i++) store<f32>(o + (<usize>i << 2), <f32>load<i32>(x + (<usize>i << 2)));
}

/** float32 to bool: x != 0 (NaN counts as true). */
export function f32ToBool(x: usize, o: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<u8>(o + <usize>i, load<f32>(x + (<usize>i << 2)) != 0 ? 1 : 0);
}
