// Vectorised float32 transcendental functions (four lanes at a time), accurate to a few ulp.
//
// exp: x = n ln2 + r with |r| <= ln2 / 2 (ln2 split in a high part exact in float32 and a low part),
// exp(r) by its Taylor polynomial to degree 7 (truncation below 1e-8 relative), scaled by 2^n in two halves
// so that results down to the subnormal range come out right.
// log: x = m 2^e with m in [sqrt(1/2), sqrt(2)); with s = (m - 1) / (m + 1), log m = 2 atanh s =
// 2 (s + s^3/3 + ... + s^11/11) (|s| <= 0.172, so the truncation is below 1e-10).

const LOG2E: f32 = 1.44269504;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;

/** 2^n for integer lanes n in [-126, 127], as float32 lanes. */
// @ts-ignore: decorator
@inline
function pow2i(n: v128): v128 {
  return i32x4.shl(i32x4.add(n, i32x4.splat(127)), 23);
}

/** e^x per lane; overflow gives +Infinity, underflow 0, NaN stays NaN. */
export function expV(x: v128): v128 {
  // Clamp (NaN propagates through min/max); beyond these bounds the result is 0 or +Infinity anyway.
  const xc = f32x4.max(f32x4.min(x, f32x4.splat(89)), f32x4.splat(-104));
  const nf = f32x4.nearest(f32x4.mul(xc, f32x4.splat(LOG2E)));
  const r = f32x4.sub(f32x4.sub(xc, f32x4.mul(nf, f32x4.splat(LN2_HI))), f32x4.mul(nf, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.0 / 5040.0);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 720.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 120.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 24.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0 / 6.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1));
  // n in [-151, 129]: split into two exponents that are each a normal power of two.
  const n = i32x4.trunc_sat_f32x4_s(nf);
  const n1 = i32x4.shr_s(n, 1);
  const n2 = i32x4.sub(n, n1);
  return f32x4.mul(f32x4.mul(p, pow2i(n1)), pow2i(n2));
}

/** Natural logarithm per lane: log(0) = -Infinity, log(negative) = NaN, log(+Infinity) = +Infinity. */
export function logV(x: v128): v128 {
  // Scale subnormals into the normal range first.
  const sub = v128.and(f32x4.lt(x, f32x4.splat(1.17549435e-38)), f32x4.gt(x, f32x4.splat(0)));
  const xs = v128.bitselect(f32x4.mul(x, f32x4.splat(8388608.0)), x, sub);
  const bits = xs;
  let e = i32x4.sub(i32x4.shr_u(bits, 23), i32x4.splat(127));
  e = i32x4.sub(e, v128.and(sub, i32x4.splat(23)));
  let m = v128.or(v128.and(bits, i32x4.splat(0x7fffff)), i32x4.splat(0x3f800000));
  const big = f32x4.gt(m, f32x4.splat(1.41421356));
  m = v128.bitselect(f32x4.mul(m, f32x4.splat(0.5)), m, big);
  e = i32x4.sub(e, big); // big lanes are -1: e + 1
  const f = f32x4.sub(m, f32x4.splat(1));
  const s = f32x4.div(f, f32x4.add(f, f32x4.splat(2)));
  const z = f32x4.mul(s, s);
  let p = f32x4.splat(1.0 / 11.0);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.0 / 9.0));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.0 / 7.0));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.0 / 5.0));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.0 / 3.0));
  // log m = 2s + 2s z p
  const s2 = f32x4.add(s, s);
  const logm = f32x4.add(s2, f32x4.mul(f32x4.mul(s2, z), p));
  const ef = f32x4.convert_i32x4_s(e);
  let r = f32x4.add(f32x4.mul(ef, f32x4.splat(LN2_HI)), f32x4.add(logm, f32x4.mul(ef, f32x4.splat(LN2_LO))));
  // Special values.
  r = v128.bitselect(f32x4.splat(-Infinity), r, f32x4.eq(x, f32x4.splat(0)));
  r = v128.bitselect(f32x4.splat(Infinity), r, f32x4.eq(x, f32x4.splat(Infinity)));
  const bad = v128.or(f32x4.lt(x, f32x4.splat(0)), f32x4.ne(x, x));
  return v128.bitselect(f32x4.splat(NaN), r, bad);
}

/** Logistic sigmoid per lane, without overflow: for x < 0 it is e^x / (1 + e^x). */
export function sigmoidV(x: v128): v128 {
  const e = expV(f32x4.neg(f32x4.abs(x)));
  const s = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), e));
  return v128.bitselect(s, f32x4.mul(e, s), f32x4.ge(x, f32x4.splat(0)));
}

/** Hyperbolic tangent per lane: an odd series near 0, (1 - e^-2|x|) / (1 + e^-2|x|) with the sign of x beyond. */
export function tanhV(x: v128): v128 {
  const ax = f32x4.abs(x);
  const e = expV(f32x4.mul(ax, f32x4.splat(-2)));
  const far = f32x4.div(f32x4.sub(f32x4.splat(1), e), f32x4.add(f32x4.splat(1), e));
  // Near 0: x - x^3/3 + 2x^5/15 - 17x^7/315 + 62x^9/2835.
  const z = f32x4.mul(ax, ax);
  let p = f32x4.splat(62.0 / 2835.0);
  p = f32x4.sub(f32x4.mul(p, z), f32x4.splat(17.0 / 315.0));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.0 / 15.0));
  p = f32x4.sub(f32x4.mul(p, z), f32x4.splat(1.0 / 3.0));
  const near = f32x4.add(ax, f32x4.mul(f32x4.mul(ax, z), p));
  const t = v128.bitselect(near, far, f32x4.lt(ax, f32x4.splat(0.25)));
  // Copy the sign of x (NaN passes through `far`).
  return v128.or(v128.and(t, i32x4.splat(0x7fffffff)), v128.and(x, i32x4.splat(<i32>0x80000000)));
}
