// Gate math of one time step of the fused LSTM and GRU sequence kernels (src/fast/recurrent.ts), four units
// at a time: the recurrent products come from the GEMM, these add the input projection, apply the
// activations and write the step's record into `packed` (layouts: RnnSequenceInfo in @neurona/core).
// Rows of x, packed and the previous step's record are `xRs` / `pRs` floats apart; `n` is a multiple of 4.
import { sigmoidV, tanhV } from './math';

// @ts-ignore: decorator
@inline
function at(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}

// @ts-ignore: decorator
@inline
function loadOr0(p: usize, ok: bool): v128 {
  return ok ? v128.load(p) : f32x4.splat(0);
}

/** LSTM step: z = x (+ h_prev·U at `z`, rows 4n apart); packed = h, c, i, f, g, o, tanh(c). */
export function lstmGates(x: usize, xRs: i32, z: usize, hasZ: i32, p: usize, pp: usize, pRs: i32, hasPrev: i32, rows: i32, n: i32): void {
  for (let b = 0; b < rows; b++) {
    const xb = at(x, b * xRs);
    const zb = at(z, b * 4 * n);
    const pb = at(p, b * pRs);
    const qb = at(pp, b * pRs);
    for (let m = 0; m < n; m += 4) {
      const i = sigmoidV(f32x4.add(v128.load(at(xb, m)), loadOr0(at(zb, m), hasZ != 0)));
      const f = sigmoidV(f32x4.add(v128.load(at(xb, n + m)), loadOr0(at(zb, n + m), hasZ != 0)));
      const g = tanhV(f32x4.add(v128.load(at(xb, 2 * n + m)), loadOr0(at(zb, 2 * n + m), hasZ != 0)));
      const o = sigmoidV(f32x4.add(v128.load(at(xb, 3 * n + m)), loadOr0(at(zb, 3 * n + m), hasZ != 0)));
      const c = f32x4.add(f32x4.mul(f, loadOr0(at(qb, n + m), hasPrev != 0)), f32x4.mul(i, g));
      const tc = tanhV(c);
      v128.store(at(pb, m), f32x4.mul(o, tc));
      v128.store(at(pb, n + m), c);
      v128.store(at(pb, 2 * n + m), i);
      v128.store(at(pb, 3 * n + m), f);
      v128.store(at(pb, 4 * n + m), g);
      v128.store(at(pb, 5 * n + m), o);
      v128.store(at(pb, 6 * n + m), tc);
    }
  }
}

/**
 * GRU step, part 1: z and r from x (+ `inner` = h_prev·U, rows `innerRs` apart) (+ the recurrent bias `rb`
 * with resetAfter); packed z, r and e (`inner_h + rb_h` with resetAfter, else r⊙h_prev).
 */
export function gruGates(x: usize, xRs: i32, inner: usize, innerRs: i32, hasInner: i32, rb: usize, p: usize, pp: usize, pRs: i32, hasPrev: i32, resetAfter: i32, rows: i32, n: i32): void {
  const hasRb = rb != 0;
  for (let b = 0; b < rows; b++) {
    const xb = at(x, b * xRs);
    const ib = at(inner, b * innerRs);
    const pb = at(p, b * pRs);
    const qb = at(pp, b * pRs);
    for (let m = 0; m < n; m += 4) {
      const az = f32x4.add(loadOr0(at(ib, m), hasInner != 0), loadOr0(at(rb, m), hasRb));
      const ar = f32x4.add(loadOr0(at(ib, n + m), hasInner != 0), loadOr0(at(rb, n + m), hasRb));
      const z = sigmoidV(f32x4.add(v128.load(at(xb, m)), az));
      const r = sigmoidV(f32x4.add(v128.load(at(xb, n + m)), ar));
      v128.store(at(pb, n + m), z);
      v128.store(at(pb, 2 * n + m), r);
      const e = resetAfter != 0
        ? f32x4.add(loadOr0(at(ib, 2 * n + m), hasInner != 0), loadOr0(at(rb, 2 * n + m), hasRb))
        : f32x4.mul(r, loadOr0(at(qb, m), hasPrev != 0));
      v128.store(at(pb, 4 * n + m), e);
    }
  }
}

/**
 * GRU step, part 2: candidate ĥ = tanh(x_h + r⊙e (resetAfter) or + `ah` = (r⊙h_prev)·U_h (rows n apart)),
 * and h = ĥ + z⊙(h_prev − ĥ); packed ĥ and h.
 */
export function gruCandidate(x: usize, xRs: i32, ah: usize, hasAh: i32, p: usize, pp: usize, pRs: i32, hasPrev: i32, resetAfter: i32, rows: i32, n: i32): void {
  for (let b = 0; b < rows; b++) {
    const xb = at(x, b * xRs);
    const ab = at(ah, b * n);
    const pb = at(p, b * pRs);
    const qb = at(pp, b * pRs);
    for (let m = 0; m < n; m += 4) {
      const rec = resetAfter != 0
        ? f32x4.mul(v128.load(at(pb, 2 * n + m)), v128.load(at(pb, 4 * n + m)))
        : loadOr0(at(ab, m), hasAh != 0);
      const cand = tanhV(f32x4.add(v128.load(at(xb, 2 * n + m)), rec));
      const hp = loadOr0(at(qb, m), hasPrev != 0);
      v128.store(at(pb, 3 * n + m), cand);
      v128.store(at(pb, m), f32x4.add(cand, f32x4.mul(v128.load(at(pb, n + m)), f32x4.sub(hp, cand))));
    }
  }
}

// Backward passes. `d` is the gradient of packed (same layout; only its h block is read); `o` the step's
// output rows (`oRs` floats apart); dhNext, dcNext, dhs, rh and acc are contiguous [rows, n] scratch.

/** LSTM step backward: dz (i, f, g, o pre-activations) into `o`, and dcNext = dc⊙f. */
export function lstmBackGates(d: usize, p: usize, pp: usize, pRs: i32, hasPrev: i32, o: usize, oRs: i32, dhNext: usize, dcNext: usize, rows: i32, n: i32): void {
  const one = f32x4.splat(1);
  for (let b = 0; b < rows; b++) {
    const db = at(d, b * pRs);
    const pb = at(p, b * pRs);
    const qb = at(pp, b * pRs);
    const ob = at(o, b * oRs);
    const hn = at(dhNext, b * n);
    const cn = at(dcNext, b * n);
    for (let m = 0; m < n; m += 4) {
      const i = v128.load(at(pb, 2 * n + m));
      const f = v128.load(at(pb, 3 * n + m));
      const g = v128.load(at(pb, 4 * n + m));
      const og = v128.load(at(pb, 5 * n + m));
      const tc = v128.load(at(pb, 6 * n + m));
      const cPrev = loadOr0(at(qb, n + m), hasPrev != 0);
      const dh = f32x4.add(v128.load(at(db, m)), v128.load(at(hn, m)));
      const dc = f32x4.add(v128.load(at(cn, m)), f32x4.mul(f32x4.mul(dh, og), f32x4.sub(one, f32x4.mul(tc, tc))));
      v128.store(at(ob, m), f32x4.mul(f32x4.mul(dc, g), f32x4.mul(i, f32x4.sub(one, i))));
      v128.store(at(ob, n + m), f32x4.mul(f32x4.mul(dc, cPrev), f32x4.mul(f, f32x4.sub(one, f))));
      v128.store(at(ob, 2 * n + m), f32x4.mul(f32x4.mul(dc, i), f32x4.sub(one, f32x4.mul(g, g))));
      v128.store(at(ob, 3 * n + m), f32x4.mul(f32x4.mul(dh, tc), f32x4.mul(og, f32x4.sub(one, og))));
      v128.store(at(cn, m), f32x4.mul(dc, f));
    }
  }
}

/**
 * GRU step backward, part 1: dh = d_h + dhNext (kept in `dhs`), dz and dĥ into `o`; with resetAfter also
 * dr and dInner = dĥ⊙r, else dInner = dĥ (dr needs d(r⊙h_prev), see gruBackReset).
 */
export function gruBackGates(d: usize, p: usize, pp: usize, pRs: i32, hasPrev: i32, o: usize, oRs: i32, dhNext: usize, dhs: usize, resetAfter: i32, rows: i32, n: i32): void {
  const one = f32x4.splat(1);
  for (let b = 0; b < rows; b++) {
    const db = at(d, b * pRs);
    const pb = at(p, b * pRs);
    const qb = at(pp, b * pRs);
    const ob = at(o, b * oRs);
    for (let m = 0; m < n; m += 4) {
      const z = v128.load(at(pb, n + m));
      const cand = v128.load(at(pb, 3 * n + m));
      const hp = loadOr0(at(qb, m), hasPrev != 0);
      const dh = f32x4.add(v128.load(at(db, m)), v128.load(at(dhNext, b * n + m)));
      v128.store(at(dhs, b * n + m), dh);
      v128.store(at(ob, m), f32x4.mul(f32x4.mul(dh, f32x4.sub(hp, cand)), f32x4.mul(z, f32x4.sub(one, z))));
      const dzh = f32x4.mul(f32x4.mul(dh, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(cand, cand)));
      v128.store(at(ob, 2 * n + m), dzh);
      if (resetAfter != 0) {
        const r = v128.load(at(pb, 2 * n + m));
        v128.store(at(ob, 3 * n + m), f32x4.mul(dzh, r));
        const e = v128.load(at(pb, 4 * n + m));
        v128.store(at(ob, n + m), f32x4.mul(f32x4.mul(dzh, e), f32x4.mul(r, f32x4.sub(one, r))));
      } else {
        v128.store(at(ob, 3 * n + m), dzh);
      }
    }
  }
}

/** GRU step backward without resetAfter: dr = d(r⊙h_prev)⊙h_prev⊙r(1−r), with `rh` = dĥ·U_hᵀ. */
export function gruBackReset(p: usize, pp: usize, pRs: i32, hasPrev: i32, o: usize, oRs: i32, rh: usize, rows: i32, n: i32): void {
  const one = f32x4.splat(1);
  for (let b = 0; b < rows; b++) {
    const pb = at(p, b * pRs);
    const qb = at(pp, b * pRs);
    const ob = at(o, b * oRs);
    for (let m = 0; m < n; m += 4) {
      const r = v128.load(at(pb, 2 * n + m));
      const hp = loadOr0(at(qb, m), hasPrev != 0);
      const g = f32x4.mul(v128.load(at(rh, b * n + m)), hp);
      v128.store(at(ob, n + m), f32x4.mul(g, f32x4.mul(r, f32x4.sub(one, r))));
    }
  }
}

/** GRU: the gradient reaching h_prev, dhNext = dh⊙z + acc (+ rh⊙r without resetAfter). */
export function gruBackState(p: usize, pRs: i32, acc: usize, rh: usize, dhs: usize, dhNext: usize, resetAfter: i32, rows: i32, n: i32): void {
  for (let b = 0; b < rows; b++) {
    const pb = at(p, b * pRs);
    for (let m = 0; m < n; m += 4) {
      const j = b * n + m;
      let v = f32x4.add(f32x4.mul(v128.load(at(dhs, j)), v128.load(at(pb, n + m))), v128.load(at(acc, j)));
      if (resetAfter == 0) v = f32x4.add(v, f32x4.mul(v128.load(at(rh, j)), v128.load(at(pb, 2 * n + m))));
      v128.store(at(dhNext, j), v);
    }
  }
}
