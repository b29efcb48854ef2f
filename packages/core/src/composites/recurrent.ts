/**
 * Default recurrent sequence kernels, written from core ops as an unrolled loop over the time steps. They
 * compute exactly what the fused kernels `lstmSequence`, `gruSequence` and their gradients compute (the
 * `packed` layouts are described at `RnnSequenceInfo`), so a backend without them stays correct.
 *
 * @packageDocumentation
 */
import type { RnnSequenceInfo } from '../backend/types.js';
import type { Tensor } from '../engine/tensor.js';
import { add, mul, sub } from '../ops/binary.js';
import { zeros } from '../ops/creation.js';
import { matMul } from '../ops/matmul.js';
import { concat, slice, stack } from '../ops/movement.js';
import { reshape } from '../ops/shape.js';
import { sigmoid, square, tanh } from '../ops/unary.js';

/** Time index read by step `s`. */
const timeOf = (info: RnnSequenceInfo, s: number): number => (info.goBackwards ? info.time - 1 - s : s);

/** `x[:, t, :]` of a `[batch, time, n]` tensor, as `[batch, n]`. */
function at(x: Tensor, t: number): Tensor {
  const [b, , n] = x.shape as [number, number, number];
  return reshape(slice(x, [0, t, 0], [b, 1, n]), [b, n]);
}

/** Block `j` (width `u`) of the last axis of a `[batch, k·u]` tensor. */
const block = (x: Tensor, j: number, u: number): Tensor => slice(x, [0, j * u], [x.shape[0]!, u]);

/** `s·(1 − s)`: the sigmoid's derivative from its output. */
const dSigmoid = (s: Tensor): Tensor => mul(s, sub(1, s));
/** `1 − t²`: tanh's derivative from its output. */
const dTanh = (t: Tensor): Tensor => sub(1, square(t));

/** Stack per-time rows `[batch, n]` (indexed by time) into `[batch, time, n]`. */
const byTime = (rows: Tensor[]): Tensor => stack(rows, 1);

/**
 * lstmSequence from primitives: returns `packed [batch, time, 7u]` = `h, c, i, f, g, o, tanh(c)` per step.
 *
 * @example
 * ```ts
 * const packed = lstmSequenceComposite(xw, recurrentKernel, info);
 * ```
 * @internal
 */
export function lstmSequenceComposite(xw: Tensor, u: Tensor, info: RnnSequenceInfo): Tensor {
  const n = info.units;
  let h = zeros([info.batch, n]);
  let c = h;
  const rows: Tensor[] = new Array(info.time);
  for (let s = 0; s < info.time; s++) {
    const t = timeOf(info, s);
    const z = add(at(xw, t), matMul(h, u));
    const i = sigmoid(block(z, 0, n));
    const f = sigmoid(block(z, 1, n));
    const g = tanh(block(z, 2, n));
    const o = sigmoid(block(z, 3, n));
    c = add(mul(f, c), mul(i, g));
    const tc = tanh(c);
    h = mul(o, tc);
    rows[t] = concat([h, c, i, f, g, o, tc], 1);
  }
  return byTime(rows);
}

/**
 * lstmSequenceGrad from primitives: backpropagation through time from the `h` block of `dPacked`;
 * returns the gate pre-activation gradients `[batch, time, 4u]`.
 *
 * @example
 * ```ts
 * const dz = lstmSequenceGradComposite(dPacked, packed, recurrentKernel, info);
 * ```
 * @internal
 */
export function lstmSequenceGradComposite(
  dPacked: Tensor,
  packed: Tensor,
  u: Tensor,
  info: RnnSequenceInfo,
): Tensor {
  const n = info.units;
  let dhNext = zeros([info.batch, n]);
  let dcNext = dhNext;
  const rows: Tensor[] = new Array(info.time);
  for (let s = info.time - 1; s >= 0; s--) {
    const t = timeOf(info, s);
    const p = at(packed, t);
    const [i, f, g, o, tc] = [2, 3, 4, 5, 6].map((j) => block(p, j, n)) as Tensor[];
    const cPrev = s > 0 ? block(at(packed, timeOf(info, s - 1)), 1, n) : zeros([info.batch, n]);
    const dh = add(block(at(dPacked, t), 0, n), dhNext);
    const dc = add(dcNext, mul(mul(dh, o!), dTanh(tc!)));
    const dz = concat(
      [
        mul(mul(dc, g!), dSigmoid(i!)),
        mul(mul(dc, cPrev), dSigmoid(f!)),
        mul(mul(dc, i!), dTanh(g!)),
        mul(mul(dh, tc!), dSigmoid(o!)),
      ],
      1,
    );
    rows[t] = dz;
    dcNext = mul(dc, f!);
    dhNext = matMul(dz, u, false, true);
  }
  return byTime(rows);
}

/**
 * gruSequence from primitives: returns `packed [batch, time, 5u]` = `h, z, r, ĥ, e` per step.
 *
 * @example
 * ```ts
 * const packed = gruSequenceComposite(xw, recurrentKernel, null, info);
 * ```
 * @internal
 */
export function gruSequenceComposite(
  xw: Tensor,
  u: Tensor,
  rb: Tensor | null,
  info: RnnSequenceInfo,
): Tensor {
  const n = info.units;
  const uzr = slice(u, [0, 0], [n, 2 * n]);
  const uh = slice(u, [0, 2 * n], [n, n]);
  let h = zeros([info.batch, n]);
  const rows: Tensor[] = new Array(info.time);
  for (let s = 0; s < info.time; s++) {
    const t = timeOf(info, s);
    const x = at(xw, t);
    let inner = matMul(h, info.resetAfter ? u : uzr);
    if (info.resetAfter && rb) inner = add(inner, rb);
    const z = sigmoid(add(block(x, 0, n), block(inner, 0, n)));
    const r = sigmoid(add(block(x, 1, n), block(inner, 1, n)));
    const e = info.resetAfter ? block(inner, 2, n) : mul(r, h);
    const cand = tanh(add(block(x, 2, n), info.resetAfter ? mul(r, e) : matMul(e, uh)));
    h = add(cand, mul(z, sub(h, cand)));
    rows[t] = concat([h, z, r, cand, e], 1);
  }
  return byTime(rows);
}

/**
 * gruSequenceGrad from primitives: returns `[batch, time, 4u]` = d(z, r, candidate pre-activations) and the
 * gradient of the recurrent candidate term (`h_prev·U_h + b_h` with `resetAfter`, else `(r⊙h_prev)·U_h`).
 *
 * @example
 * ```ts
 * const d = gruSequenceGradComposite(dPacked, packed, recurrentKernel, info);
 * ```
 * @internal
 */
export function gruSequenceGradComposite(
  dPacked: Tensor,
  packed: Tensor,
  u: Tensor,
  info: RnnSequenceInfo,
): Tensor {
  const n = info.units;
  const uzr = slice(u, [0, 0], [n, 2 * n]);
  const uh = slice(u, [0, 2 * n], [n, n]);
  let dhNext = zeros([info.batch, n]);
  const rows: Tensor[] = new Array(info.time);
  for (let s = info.time - 1; s >= 0; s--) {
    const t = timeOf(info, s);
    const p = at(packed, t);
    const [z, r, cand, e] = [1, 2, 3, 4].map((j) => block(p, j, n)) as Tensor[];
    const hPrev = s > 0 ? block(at(packed, timeOf(info, s - 1)), 0, n) : zeros([info.batch, n]);
    const dh = add(block(at(dPacked, t), 0, n), dhNext);
    const dzz = mul(mul(dh, sub(hPrev, cand!)), dSigmoid(z!));
    const dzh = mul(mul(dh, sub(1, z!)), dTanh(cand!));
    let dzr: Tensor;
    let dInner: Tensor; // gradient of the recurrent candidate term
    let dhPrev = mul(dh, z!);
    if (info.resetAfter) {
      dInner = mul(dzh, r!);
      dzr = mul(mul(dzh, e!), dSigmoid(r!));
      dhPrev = add(dhPrev, matMul(concat([dzz, dzr, dInner], 1), u, false, true));
    } else {
      dInner = dzh;
      const dRh = matMul(dzh, uh, false, true);
      dzr = mul(mul(dRh, hPrev), dSigmoid(r!));
      dhPrev = add(add(dhPrev, mul(dRh, r!)), matMul(concat([dzz, dzr], 1), uzr, false, true));
    }
    rows[t] = concat([dzz, dzr, dzh, dInner], 1);
    dhNext = dhPrev;
  }
  return byTime(rows);
}

/**
 * rnnSequence from primitives: SimpleRNN with tanh, returns `packed [batch, time, u]` = `h` per step.
 *
 * @example
 * ```ts
 * const packed = rnnSequenceComposite(xw, recurrentKernel, info);
 * ```
 * @internal
 */
export function rnnSequenceComposite(xw: Tensor, u: Tensor, info: RnnSequenceInfo): Tensor {
  let h = zeros([info.batch, info.units]);
  const rows: Tensor[] = new Array(info.time);
  for (let s = 0; s < info.time; s++) {
    const t = timeOf(info, s);
    h = tanh(s > 0 ? add(at(xw, t), matMul(h, u)) : at(xw, t));
    rows[t] = h;
  }
  return byTime(rows);
}

/**
 * rnnSequenceGrad from primitives: backpropagation through time from `dPacked`; returns the
 * pre-activation gradients `dz_t = (dh_t + dz_{t+1}·Uᵀ) ⊙ (1 − h_t²)` as `[batch, time, u]`.
 *
 * @example
 * ```ts
 * const dz = rnnSequenceGradComposite(dPacked, packed, recurrentKernel, info);
 * ```
 * @internal
 */
export function rnnSequenceGradComposite(
  dPacked: Tensor,
  packed: Tensor,
  u: Tensor,
  info: RnnSequenceInfo,
): Tensor {
  let dhNext: Tensor | null = null;
  const rows: Tensor[] = new Array(info.time);
  for (let s = info.time - 1; s >= 0; s--) {
    const t = timeOf(info, s);
    const dh = dhNext ? add(at(dPacked, t), dhNext) : at(dPacked, t);
    const dz = mul(dh, dTanh(at(packed, t)));
    rows[t] = dz;
    dhNext = matMul(dz, u, false, true);
  }
  return byTime(rows);
}
