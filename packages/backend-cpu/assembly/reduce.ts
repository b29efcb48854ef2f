// Row reductions (sum in float64 like the reference kernels; max and min propagate NaN), softmax and
// log-softmax over rows, and axis permutations of 4-byte elements.

import { expV } from './math';

/** Sum of `n` floats at `p`, accumulated in float64 (two f64x2 accumulators). */
function rowSum(p: usize, n: i32): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(p + (<usize>i << 2));
    s0 = f64x2.add(s0, f64x2.promote_low_f32x4(v));
    s1 = f64x2.add(s1, f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 0, 1)));
  }
  const s = f64x2.add(s0, s1);
  let t = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; i < n; i++) t += <f64>load<f32>(p + (<usize>i << 2));
  return t;
}

/** Maximum (or minimum, `isMax` false) of `n` floats at `p`; NaN if any is NaN; -/+Infinity if n is 0. */
// @ts-ignore: decorator
@inline
function rowExtreme(p: usize, n: i32, isMax: bool): f32 {
  let m = f32x4.splat(isMax ? -Infinity : Infinity);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(p + (<usize>i << 2));
    m = isMax ? f32x4.max(m, v) : f32x4.min(m, v);
  }
  let r = isMax
    ? max<f32>(max<f32>(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max<f32>(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)))
    : min<f32>(min<f32>(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), min<f32>(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
  for (; i < n; i++) {
    const v = load<f32>(p + (<usize>i << 2));
    r = isMax ? max<f32>(r, v) : min<f32>(r, v);
  }
  return r;
}

/** Reduce each of `rows` rows of `inner` floats: op 0 sum, 1 max, 2 min. */
export function reduceRows(op: i32, x: usize, o: usize, rows: i32, inner: i32): void {
  const rowBytes = <usize>inner << 2;
  for (let r = 0; r < rows; r++) {
    const p = x + <usize>r * rowBytes;
    let v: f32;
    if (op == 0) v = <f32>rowSum(p, inner);
    else if (op == 1) v = rowExtreme(p, inner, true);
    else v = rowExtreme(p, inner, false);
    store<f32>(o + (<usize>r << 2), v);
  }
}

/** Load `n` (1..4) floats, the other lanes set to `fill`. */
// @ts-ignore: decorator
@inline
function loadPart(p: usize, n: i32, fill: f32): v128 {
  let v = f32x4.splat(fill);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

/**
 * Softmax (`log` 0) or log-softmax (`log` 1) of each row: exp(x - max) / sum, or x - max - log(sum), with
 * the sum in float64. For softmax, `o` first receives exp(x - max), then is scaled.
 */
export function softmaxRows(log: i32, x: usize, o: usize, rows: i32, n: i32): void {
  const rowBytes = <usize>n << 2;
  for (let r = 0; r < rows; r++) {
    const p = x + <usize>r * rowBytes;
    const q = o + <usize>r * rowBytes;
    const m = rowExtreme(p, n, true);
    const mv = f32x4.splat(m);
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const e = expV(f32x4.sub(v128.load(p + (<usize>i << 2)), mv));
      if (!log) v128.store(q + (<usize>i << 2), e);
      s0 = f64x2.add(s0, f64x2.promote_low_f32x4(e));
      s1 = f64x2.add(s1, f64x2.promote_low_f32x4(f32x4.shuffle(e, e, 2, 3, 0, 1)));
    }
    const tail = n - i;
    let te = f32x4.splat(0);
    if (tail > 0) {
      // Pad with -Infinity so the padded lanes add exp(-Infinity - m) = 0 (or NaN when m is NaN/inf, as the row does).
      te = expV(f32x4.sub(loadPart(p + (<usize>i << 2), tail, -Infinity), mv));
      te = v128.bitselect(te, f32x4.splat(0), tailMask(tail));
    }
    const s = f64x2.add(f64x2.add(s0, s1), f64x2.add(f64x2.promote_low_f32x4(te), f64x2.promote_low_f32x4(f32x4.shuffle(te, te, 2, 3, 0, 1))));
    const sum = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
    if (log) {
      const shift = f32x4.splat(<f32>(<f64>m + Math.log(sum)));
      let j = 0;
      for (; j + 4 <= n; j += 4) v128.store(q + (<usize>j << 2), f32x4.sub(v128.load(p + (<usize>j << 2)), shift));
      for (; j < n; j++) store<f32>(q + (<usize>j << 2), <f32>(<f64>load<f32>(p + (<usize>j << 2)) - <f64>m - Math.log(sum)));
    } else {
      const inv = <f32>(1 / sum);
      const iv = f32x4.splat(inv);
      let j = 0;
      for (; j + 4 <= i; j += 4) v128.store(q + (<usize>j << 2), f32x4.mul(v128.load(q + (<usize>j << 2)), iv));
      if (tail > 0) store<f32>(q + (<usize>j << 2), f32x4.extract_lane(te, 0) * inv);
      if (tail > 1) store<f32>(q + (<usize>j << 2), f32x4.extract_lane(te, 1) * inv, 4);
      if (tail > 2) store<f32>(q + (<usize>j << 2), f32x4.extract_lane(te, 2) * inv, 8);
    }
  }
}

/** Lanes `< n` all ones. */
// @ts-ignore: decorator
@inline
function tailMask(n: i32): v128 {
  return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(n));
}

/**
 * Copy 4-byte elements into `dst` (contiguous, shape `[s0, s1, s2, s3]`) from `src` with element strides
 * `t0..t3` per destination dimension. When `t2` is 1 and `t3` is not, 4x4 blocks are transposed in registers.
 */
export function permute4(dst: usize, src: usize, s0: i32, s1: i32, s2: i32, s3: i32, t0: i32, t1: i32, t2: i32, t3: i32): void {
  let o = dst;
  const t3b = <usize>t3 << 2;
  const t2b = <usize>t2 << 2;
  for (let i0 = 0; i0 < s0; i0++) {
    for (let i1 = 0; i1 < s1; i1++) {
      const base = src + (<usize>(i0 * t0 + i1 * t1) << 2);
      if (t2 == 1 && t3 != 1) {
        // out[i2][i3] = in[i3 * t3 + i2]: blocks of 4x4.
        const plane = o;
        let i2 = 0;
        for (; i2 + 4 <= s2; i2 += 4) {
          let i3 = 0;
          for (; i3 + 4 <= s3; i3 += 4) {
            const p = base + <usize>i3 * t3b + (<usize>i2 << 2);
            const r0 = v128.load(p);
            const r1 = v128.load(p + t3b);
            const r2 = v128.load(p + 2 * t3b);
            const r3 = v128.load(p + 3 * t3b);
            const t0v = f32x4.shuffle(r0, r1, 0, 4, 1, 5);
            const t1v = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
            const t2v = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
            const t3v = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
            const q = plane + ((<usize>i2 * <usize>s3 + <usize>i3) << 2);
            const rowb = <usize>s3 << 2;
            v128.store(q, f32x4.shuffle(t0v, t1v, 0, 1, 4, 5));
            v128.store(q + rowb, f32x4.shuffle(t0v, t1v, 2, 3, 6, 7));
            v128.store(q + 2 * rowb, f32x4.shuffle(t2v, t3v, 0, 1, 4, 5));
            v128.store(q + 3 * rowb, f32x4.shuffle(t2v, t3v, 2, 3, 6, 7));
          }
          for (; i3 < s3; i3++) {
            const p = base + <usize>i3 * t3b + (<usize>i2 << 2);
            for (let k = 0; k < 4; k++) {
              store<i32>(plane + ((<usize>(i2 + k) * <usize>s3 + <usize>i3) << 2), load<i32>(p + (<usize>k << 2)));
            }
          }
        }
        for (; i2 < s2; i2++) {
          const q = plane + (<usize>i2 * <usize>s3 << 2);
          for (let i3 = 0; i3 < s3; i3++) store<i32>(q + (<usize>i3 << 2), load<i32>(base + <usize>i3 * t3b + (<usize>i2 << 2)));
        }
        o += <usize>s2 * <usize>s3 << 2;
      } else {
        for (let i2 = 0; i2 < s2; i2++) {
          const p = base + <usize>i2 * t2b;
          if (t3 == 1) {
            memory.copy(o, p, <usize>s3 << 2);
          } else {
            for (let i3 = 0; i3 < s3; i3++) store<i32>(o + (<usize>i3 << 2), load<i32>(p + <usize>i3 * t3b));
          }
          o += <usize>s3 << 2;
        }
      }
    }
  }
}

/**
 * Unsorted segment sum: row r of `x` (`inner` floats) is added to row `ids[r]` of the output when that id is
 * in `[0, segments)`. Sums are accumulated in float64 in `acc` (`segments * inner` doubles), then rounded into `o`.
 */
export function segmentSum(x: usize, ids: usize, rows: i32, inner: i32, segments: i32, acc: usize, o: usize): void {
  const size = <usize>segments * <usize>inner;
  memory.fill(acc, 0, size << 3);
  const rowBytes = <usize>inner << 2;
  for (let r = 0; r < rows; r++) {
    const id = load<i32>(ids + (<usize>r << 2));
    if (id < 0 || id >= segments) continue;
    const src = x + <usize>r * rowBytes;
    const dst = acc + ((<usize>id * <usize>inner) << 3);
    let i = 0;
    for (; i + 4 <= inner; i += 4) {
      const v = v128.load(src + (<usize>i << 2));
      const d = dst + (<usize>i << 3);
      v128.store(d, f64x2.add(v128.load(d), f64x2.promote_low_f32x4(v)));
      v128.store(d, f64x2.add(v128.load(d, 16), f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 0, 1))), 16);
    }
    for (; i < inner; i++) {
      const d = dst + (<usize>i << 3);
      store<f64>(d, load<f64>(d) + <f64>load<f32>(src + (<usize>i << 2)));
    }
  }
  for (let i: usize = 0; i < size; i++) store<f32>(o + (i << 2), <f32>load<f64>(acc + (i << 3)));
}
