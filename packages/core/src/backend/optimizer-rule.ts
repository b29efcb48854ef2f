/**
 * The optimizer rules a backend may run in place with the fused `optimizerUpdate` kernel. Each rule
 * carries its hyper-parameters for one step (the learning rate already evaluated and, for Adam, the bias
 * correction folded in), and fixes the slot order the kernel receives for every parameter.
 *
 * @packageDocumentation
 */

/**
 * One step of an optimizer, as data. Slots per parameter, in order:
 * - `sgd`: `[velocity]` when `momentum > 0`, else none. `v = momentum * v - lr * g; w += v`
 *   (Nesterov: `w += momentum * v - lr * g`); without momentum `w -= lr * g`.
 * - `adam`: `[m, v]` (plus `vhat` when `amsgrad`). `m += (g - m) * (1 - beta1)`,
 *   `v += (g² - v) * (1 - beta2)`, `vhat = max(vhat, v)`, `w -= (m * lrT) / (sqrt(v or vhat) + epsilon)`.
 * - `rmsprop`: `[ms]`, then `[momentum]` when `momentum > 0`, then `[mg]` when `centered`.
 *   `ms = ms * rho + g² * (1 - rho)`; centered: `mg = mg * rho + g * (1 - rho)`, denominator `ms - mg²`;
 *   `inc = (g * lr) / sqrt(denominator + epsilon)`; with momentum `mom = mom * momentum + inc; w -= mom`,
 *   else `w -= inc`.
 * - `adagrad`: `[accumulator]`. `acc += g²; w -= (g * lr) / sqrt(acc + epsilon)`.
 *
 * Every constant is applied as a float32 scalar in exactly the order written, so the fused kernel and the
 * composite (per-variable ops) agree to float32 rounding.
 *
 * @example
 * ```ts
 * const rule: nr.OptimizerRule = { kind: 'sgd', lr: 0.1, momentum: 0.9, nesterov: false };
 * ```
 */
export type OptimizerRule =
  | { readonly kind: 'sgd'; readonly lr: number; readonly momentum: number; readonly nesterov: boolean }
  | {
      readonly kind: 'adam';
      readonly lrT: number;
      readonly beta1: number;
      readonly beta2: number;
      readonly epsilon: number;
      readonly amsgrad: boolean;
    }
  | {
      readonly kind: 'rmsprop';
      readonly lr: number;
      readonly rho: number;
      readonly momentum: number;
      readonly epsilon: number;
      readonly centered: boolean;
    }
  | { readonly kind: 'adagrad'; readonly lr: number; readonly epsilon: number };

/**
 * Number of slots `rule` gives each parameter (see {@link OptimizerRule}).
 *
 * @example
 * ```ts
 * nr.optimizerRuleSlots({ kind: 'adam', lrT: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false }); // 2
 * ```
 */
export function optimizerRuleSlots(rule: OptimizerRule): number {
  switch (rule.kind) {
    case 'sgd':
      return rule.momentum > 0 ? 1 : 0;
    case 'adam':
      return rule.amsgrad ? 3 : 2;
    case 'rmsprop':
      return 1 + (rule.momentum > 0 ? 1 : 0) + (rule.centered ? 1 : 0);
    case 'adagrad':
      return 1;
  }
}
