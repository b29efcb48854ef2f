import type { OptimizerRule } from '../backend/optimizer-rule.js';
import type { Tensor, Variable } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { add, div, mul, sub } from '../ops/binary.js';
import { sqrt, square } from '../ops/unary.js';
import { checkRange, Optimizer, type OptimizerArgs } from './optimizer.js';
import { optimizerOptions } from './positional.js';

/**
 * Options of {@link rmsprop}.
 *
 * @example
 * ```ts
 * const a: nr.optimizers.RMSpropArgs = { learningRate: 1e-3, rho: 0.95, centered: true };
 * ```
 */
export interface RMSpropArgs extends OptimizerArgs {
  /** Decay of the mean-square estimate, in [0, 1). */
  rho?: number;
  /** Momentum factor in [0, 1). */
  momentum?: number;
  /** Added inside the square root for stability (> 0). */
  epsilon?: number;
  /** Normalise by the variance (mean square minus squared mean gradient) instead of the mean square. */
  centered?: boolean;
}

/**
 * RMSprop, as Keras `RMSprop`: `ms = rho * ms + (1 - rho) g²`; centered also tracks
 * `mg = rho * mg + (1 - rho) g` and uses `ms - mg²`; the increment is `lr * g / sqrt(denominator + epsilon)`.
 * With momentum, `mom = momentum * mom + increment` and `w -= mom`; otherwise `w -= increment`.
 * Slots: `ms` (then `momentum` when momentum > 0, then `mg` when centered).
 *
 * @example
 * ```ts
 * const opt = new nr.optimizers.RMSprop({ learningRate: 0.01, momentum: 0.9 });
 * ```
 */
export class RMSprop extends Optimizer {
  static override readonly className: string = 'RMSprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  constructor(args: RMSpropArgs = {}) {
    super(args, 0.001);
    this.rho = args.rho ?? 0.9;
    this.momentum = args.momentum ?? 0;
    this.epsilon = args.epsilon ?? 1e-7;
    this.centered = args.centered ?? false;
    checkRange('RMSprop', 'rho', this.rho, 0, 1, true, false);
    checkRange('RMSprop', 'momentum', this.momentum, 0, 1, true, false);
    checkRange('RMSprop', 'epsilon', this.epsilon, 0, Infinity, false, false);
    if (typeof this.centered !== 'boolean') {
      throw new Error(`RMSprop: 'centered' must be a boolean, got ${this.centered}`);
    }
  }

  protected override slotNames(): readonly string[] {
    const names = ['ms'];
    if (this.momentum > 0) names.push('momentum');
    if (this.centered) names.push('mg');
    return names;
  }

  protected override updateVariable(v: Variable, g: Tensor, slots: readonly Variable[], lr: number): void {
    const ms = slots[0]!;
    const mom = this.momentum > 0 ? slots[1]! : undefined;
    const mg = this.centered ? slots[slots.length - 1]! : undefined;
    ms.assign(add(mul(ms, this.rho), mul(square(g), 1 - this.rho)));
    let denominator: Tensor = ms;
    if (mg) {
      mg.assign(add(mul(mg, this.rho), mul(g, 1 - this.rho)));
      denominator = sub(ms, square(mg));
    }
    const increment = div(mul(g, lr), sqrt(add(denominator, this.epsilon)));
    if (mom) {
      mom.assign(add(mul(mom, this.momentum), increment));
      v.assign(sub(v, mom));
    } else {
      v.assign(sub(v, increment));
    }
  }

  protected override fusedRule(lr: number): OptimizerRule {
    const { rho, momentum, epsilon, centered } = this;
    return { kind: 'rmsprop', lr, rho, momentum, epsilon, centered };
  }

  protected override ownConfig(): ConfigDict {
    return { rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
}

/**
 * Create an {@link RMSprop} optimizer (Keras defaults: `learningRate` 0.001, `rho` 0.9, `momentum` 0,
 * `epsilon` 1e-7, `centered` false), from an options object or positionally as TensorFlow.js's
 * `tf.train.rmsprop(learningRate, decay, momentum, epsilon, centered)` (`decay` is `rho`).
 *
 * @example
 * ```ts
 * const opt = nr.optimizers.rmsprop({ learningRate: 0.01 });
 * const same = nr.train.rmsprop(0.01, 0.9);
 * ```
 */
export function rmsprop(args?: RMSpropArgs): RMSprop;
export function rmsprop(
  learningRate: number,
  decay?: number,
  momentum?: number,
  epsilon?: number | null,
  centered?: boolean,
): RMSprop;
export function rmsprop(...args: unknown[]): RMSprop {
  const own = ['rho', 'momentum', 'epsilon', 'centered'] as const;
  return new RMSprop(optimizerOptions<RMSpropArgs>('rmsprop', args, own, own));
}
