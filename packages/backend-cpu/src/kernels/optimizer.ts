/**
 * Reference kernel of the fused in-place optimizer step (`optimizerUpdate`): one pass over each parameter
 * updating the parameter and its slots in place. Every operation is rounded to float32 in the order the
 * composite ops apply them (see `OptimizerRule`), so the result equals the per-variable path.
 *
 * @packageDocumentation
 */
import type { OptimizerRule } from '@neurona/core';

const f = Math.fround;

/**
 * Apply `rule` in place to one parameter `w` with gradient `g` and its slots (float32 arrays of equal length).
 *
 * @example
 * ```ts
 * const w = Float32Array.of(1, 2);
 * updateParameter({ kind: 'sgd', lr: 0.5, momentum: 0, nesterov: false }, w, Float32Array.of(1, 1), []);
 * // w is now [0.5, 1.5]
 * ```
 */
export function updateParameter(
  rule: OptimizerRule,
  w: Float32Array,
  g: Float32Array,
  slots: readonly Float32Array[],
): void {
  const n = w.length;
  switch (rule.kind) {
    case 'sgd': {
      const lr = f(rule.lr);
      const mom = f(rule.momentum);
      const vel = slots[0];
      for (let i = 0; i < n; i++) {
        const step = f(g[i]! * lr);
        if (!vel) {
          w[i] = f(w[i]! - step);
          continue;
        }
        const next = f(f(vel[i]! * mom) - step);
        vel[i] = next;
        w[i] = f(w[i]! + (rule.nesterov ? f(f(next * mom) - step) : next));
      }
      return;
    }
    case 'adam': {
      const [m, v, vhat] = slots as [Float32Array, Float32Array, Float32Array | undefined];
      const c1 = f(1 - rule.beta1);
      const c2 = f(1 - rule.beta2);
      const lrT = f(rule.lrT);
      const eps = f(rule.epsilon);
      for (let i = 0; i < n; i++) {
        const gi = g[i]!;
        const mi = f(m[i]! + f(f(gi - m[i]!) * c1));
        const vi = f(v[i]! + f(f(f(gi * gi) - v[i]!) * c2));
        m[i] = mi;
        v[i] = vi;
        let second = vi;
        if (vhat) {
          second = Math.max(vhat[i]!, vi);
          vhat[i] = second;
        }
        w[i] = f(w[i]! - f(f(mi * lrT) / f(f(Math.sqrt(second)) + eps)));
      }
      return;
    }
    case 'rmsprop': {
      const ms = slots[0]!;
      const mom = rule.momentum > 0 ? slots[1]! : undefined;
      const mg = rule.centered ? slots[slots.length - 1]! : undefined;
      const rho = f(rule.rho);
      const c = f(1 - rule.rho);
      const lr = f(rule.lr);
      const eps = f(rule.epsilon);
      const momentum = f(rule.momentum);
      for (let i = 0; i < n; i++) {
        const gi = g[i]!;
        const s = f(f(ms[i]! * rho) + f(f(gi * gi) * c));
        ms[i] = s;
        let den = s;
        if (mg) {
          const a = f(f(mg[i]! * rho) + f(gi * c));
          mg[i] = a;
          den = f(s - f(a * a));
        }
        const inc = f(f(gi * lr) / f(Math.sqrt(f(den + eps))));
        if (mom) {
          const next = f(f(mom[i]! * momentum) + inc);
          mom[i] = next;
          w[i] = f(w[i]! - next);
        } else w[i] = f(w[i]! - inc);
      }
      return;
    }
    case 'adagrad': {
      const acc = slots[0]!;
      const lr = f(rule.lr);
      const eps = f(rule.epsilon);
      for (let i = 0; i < n; i++) {
        const gi = g[i]!;
        const a = f(acc[i]! + f(gi * gi));
        acc[i] = a;
        w[i] = f(w[i]! - f(f(gi * lr) / f(Math.sqrt(f(a + eps)))));
      }
      return;
    }
  }
}

/**
 * The reference `optimizerUpdate`: {@link updateParameter} over every parameter.
 *
 * @example
 * ```ts
 * optimizerUpdate(rule, [w1, w2], [g1, g2], [[m1, v1], [m2, v2]]);
 * ```
 */
export function optimizerUpdate(
  rule: OptimizerRule,
  params: readonly Float32Array[],
  grads: readonly Float32Array[],
  slots: readonly (readonly Float32Array[])[],
): void {
  for (let p = 0; p < params.length; p++) updateParameter(rule, params[p]!, grads[p]!, slots[p]!);
}
