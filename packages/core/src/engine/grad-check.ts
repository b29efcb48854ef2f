import { mul } from '../ops/binary.js';
import { tensor } from '../ops/creation.js';
import { sum } from '../ops/reduce.js';
import { engine } from './engine.js';
import { grads } from './gradients.js';
import type { Tensor } from './tensor.js';

/**
 * Options of {@link gradCheck}.
 *
 * @example
 * ```ts
 * const opts: nr.GradCheckOptions = { eps: 1e-3, tol: 1e-3 };
 * ```
 */
export interface GradCheckOptions {
  /** Finite-difference step (default 1e-3; float32 data favours 1e-3 to 1e-2). */
  readonly eps?: number;
  /** Largest accepted error, relative to max(|analytic|, |numeric|, 1) (default 1e-3). */
  readonly tol?: number;
}

/**
 * Outcome of {@link gradCheck}: the largest error per input and whether all are within `tol`.
 *
 * @example
 * ```ts
 * const { passed, maxRelError } = await nr.gradCheck(f, [x]);
 * ```
 */
export interface GradCheckResult {
  readonly passed: boolean;
  /** Per input: max over elements of |analytic − numeric| / max(|analytic|, |numeric|, 1). */
  readonly maxRelError: number[];
  /** Per input: the flat index where that error occurred (-1 for an empty input). */
  readonly worstIndex: number[];
}

/**
 * Check the gradients of `f` against central finite differences. The output of `f` is projected on a fixed
 * random direction `r` (L = Σ r·f(x)), so every output element is tested; differences and the projection
 * are computed in float64 on the host. Use it to test your own layers and ops.
 *
 * @example
 * ```ts
 * const x = nr.randomNormal([3, 4]);
 * const w = nr.randomNormal([4, 2]);
 * const { passed } = await nr.gradCheck((x, w) => nr.sigmoid(nr.matMul(x, w)), [x, w]);
 * ```
 */
export async function gradCheck(
  f: (...xs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradCheckOptions = {},
): Promise<GradCheckResult> {
  const eps = options.eps ?? 1e-3;
  const tol = options.tol ?? 1e-3;
  const e = engine();
  // A fixed projection direction, independent of the global seed's state.
  const probe = e.scoped('gradCheck', () => f(...inputs));
  const r = new Float64Array(probe.size);
  let state = 0x2545f491;
  for (let i = 0; i < r.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    r[i] = state / 0x100000000 - 0.5;
  }
  probe.dispose();
  const rTensor = tensor(Float32Array.from(r), probe.shape);

  const analytic = grads((...xs: Tensor[]) => sum(mul(f(...xs), rTensor)))([...inputs]);
  const analyticData = await Promise.all(analytic.map((g) => g.data()));
  for (const g of analytic) g.dispose();

  const loss = async (xs: readonly Tensor[]): Promise<number> => {
    const y = e.scoped('gradCheck', () => f(...xs));
    const d = await y.data();
    y.dispose();
    let acc = 0;
    for (let i = 0; i < d.length; i++) acc += r[i]! * d[i]!;
    return acc;
  };

  const maxRelError: number[] = [];
  const worstIndex: number[] = [];
  for (let k = 0; k < inputs.length; k++) {
    const x = inputs[k]!;
    const base = Float32Array.from((await x.data()) as Float32Array);
    let worst = 0;
    let worstAt = -1;
    for (let i = 0; i < base.length; i++) {
      const orig = base[i]!;
      const evalAt = async (v: number): Promise<[number, number]> => {
        base[i] = v;
        const actual = base[i]!; // the float32 value really used
        const xi = tensor(base, x.shape);
        const xs = inputs.map((t, j) => (j === k ? xi : t));
        const value = await loss(xs);
        xi.dispose();
        return [value, actual];
      };
      const [lp, xp] = await evalAt(orig + eps);
      const [lm, xm] = await evalAt(orig - eps);
      base[i] = orig;
      const numeric = (lp - lm) / (xp - xm);
      const a = analyticData[k]![i]!;
      const err = Math.abs(a - numeric) / Math.max(Math.abs(a), Math.abs(numeric), 1);
      if (err > worst || worstAt < 0) {
        worst = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err;
        worstAt = i;
      }
    }
    maxRelError.push(worst);
    worstIndex.push(worstAt);
  }
  rTensor.dispose();
  return { passed: maxRelError.every((m) => m <= tol), maxRelError, worstIndex };
}
