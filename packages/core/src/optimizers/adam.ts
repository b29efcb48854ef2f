import type { OptimizerRule } from '../backend/optimizer-rule.js';
import type { Tensor, Variable } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { add, div, maximum, mul, sub } from '../ops/binary.js';
import { sqrt, square } from '../ops/unary.js';
import { checkRange, Optimizer, type OptimizerArgs } from './optimizer.js';
import { optimizerOptions } from './positional.js';

/**
 * Options of {@link adam}.
 *
 * @example
 * ```ts
 * const a: nr.optimizers.AdamArgs = { learningRate: 3e-4, beta2: 0.99 };
 * ```
 */
export interface AdamArgs extends OptimizerArgs {
  /** Decay of the first-moment estimate, in [0, 1). */
  beta1?: number;
  /** Decay of the second-moment estimate, in [0, 1). */
  beta2?: number;
  /** Added to the denominator for stability (> 0). */
  epsilon?: number;
  /** Use the running maximum of the second moment (AMSGrad). */
  amsgrad?: boolean;
}

/**
 * Options of {@link adamw}.
 *
 * @example
 * ```ts
 * const a: nr.optimizers.AdamWArgs = { learningRate: 1e-3, weightDecay: 0.01 };
 * ```
 */
export interface AdamWArgs extends AdamArgs {
  /** Decoupled weight-decay factor (>= 0): `w -= lr * weightDecay * w` before each Adam step. */
  weightDecay?: number;
}

/**
 * Adam, as Keras `Adam`, with the bias correction folded into the step size: at step t (1-based)
 * `m += (1 - beta1)(g - m)`, `v += (1 - beta2)(g² - v)`, `lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)`,
 * `w -= lr_t * m / (sqrt(v) + epsilon)`. With `amsgrad`, `vhat = max(vhat, v)` replaces `v` in the step.
 * Slots: `m`, `v` (and `vhat`).
 *
 * @example
 * ```ts
 * const opt = new nr.optimizers.Adam({ learningRate: 0.01 });
 * ```
 */
export class Adam extends Optimizer {
  static override readonly className: string = 'Adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;

  constructor(args: AdamArgs = {}) {
    super(args, 0.001);
    const where = this.where;
    this.beta1 = args.beta1 ?? 0.9;
    this.beta2 = args.beta2 ?? 0.999;
    this.epsilon = args.epsilon ?? 1e-7;
    this.amsgrad = args.amsgrad ?? false;
    checkRange(where, 'beta1', this.beta1, 0, 1, true, false);
    checkRange(where, 'beta2', this.beta2, 0, 1, true, false);
    checkRange(where, 'epsilon', this.epsilon, 0, Infinity, false, false);
    if (typeof this.amsgrad !== 'boolean')
      throw new Error(`${where}: 'amsgrad' must be a boolean, got ${this.amsgrad}`);
  }

  protected override slotNames(): readonly string[] {
    return this.amsgrad ? ['m', 'v', 'vhat'] : ['m', 'v'];
  }

  protected override updateVariable(v: Variable, g: Tensor, slots: readonly Variable[], lr: number): void {
    const [m, s, vhat] = slots as [Variable, Variable, Variable | undefined];
    const t = this.iterations + 1;
    const lrT = (lr * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
    m.assign(add(m, mul(sub(g, m), 1 - this.beta1)));
    s.assign(add(s, mul(sub(square(g), s), 1 - this.beta2)));
    let second: Tensor = s;
    if (vhat) {
      vhat.assign(maximum(vhat, s));
      second = vhat;
    }
    v.assign(sub(v, div(mul(m, lrT), add(sqrt(second), this.epsilon))));
  }

  protected override fusedRule(lr: number): OptimizerRule | null {
    const t = this.iterations + 1;
    const lrT = (lr * Math.sqrt(1 - this.beta2 ** t)) / (1 - this.beta1 ** t);
    const { beta1, beta2, epsilon, amsgrad } = this;
    return { kind: 'adam', lrT, beta1, beta2, epsilon, amsgrad };
  }

  protected override ownConfig(): ConfigDict {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }
}

/**
 * AdamW, as Keras `AdamW`: Adam with decoupled weight decay, applied before each Adam step as
 * `w -= lr * weightDecay * w` (the same learning rate as the step, schedules included).
 *
 * @example
 * ```ts
 * const opt = new nr.optimizers.AdamW({ weightDecay: 0.01 });
 * ```
 */
export class AdamW extends Adam {
  static override readonly className: string = 'AdamW';
  readonly weightDecay: number;

  constructor(args: AdamWArgs = {}) {
    super(args);
    this.weightDecay = args.weightDecay ?? 0.004;
    checkRange(this.where, 'weightDecay', this.weightDecay, 0, Infinity, true, false);
  }

  protected override updateVariable(v: Variable, g: Tensor, slots: readonly Variable[], lr: number): void {
    if (this.weightDecay > 0) v.assign(sub(v, mul(v, lr * this.weightDecay)));
    super.updateVariable(v, g, slots, lr);
  }

  protected override fusedRule(lr: number): OptimizerRule | null {
    return this.weightDecay > 0 ? null : super.fusedRule(lr);
  }

  protected override ownConfig(): ConfigDict {
    return { ...super.ownConfig(), weightDecay: this.weightDecay };
  }
}

/**
 * Create an {@link Adam} optimizer (Keras defaults: `learningRate` 0.001, `beta1` 0.9, `beta2` 0.999,
 * `epsilon` 1e-7, `amsgrad` false), from an options object or positionally as TensorFlow.js's
 * `tf.train.adam(learningRate, beta1, beta2, epsilon)`.
 *
 * @example
 * ```ts
 * const opt = nr.optimizers.adam({ learningRate: 0.01 });
 * const same = nr.train.adam(0.01, 0.9, 0.999, 1e-7);
 * ```
 */
export function adam(args?: AdamArgs): Adam;
export function adam(learningRate: number, beta1?: number, beta2?: number, epsilon?: number | null): Adam;
export function adam(...args: unknown[]): Adam {
  return new Adam(optimizerOptions<AdamArgs>('adam', args, ['beta1', 'beta2', 'epsilon'], ADAM_OPTIONS));
}

const ADAM_OPTIONS = ['beta1', 'beta2', 'epsilon', 'amsgrad'] as const;

/**
 * Create an {@link AdamW} optimizer (Adam's defaults plus `weightDecay` 0.004, as Keras), from an options
 * object or positionally in Keras's order `(learningRate, weightDecay, beta1, beta2, epsilon)`.
 *
 * @example
 * ```ts
 * const opt = nr.optimizers.adamw({ learningRate: 1e-3, weightDecay: 0.01 });
 * ```
 */
export function adamw(args?: AdamWArgs): AdamW;
export function adamw(
  learningRate: number,
  weightDecay?: number,
  beta1?: number,
  beta2?: number,
  epsilon?: number,
): AdamW;
export function adamw(...args: unknown[]): AdamW {
  const names = ['weightDecay', 'beta1', 'beta2', 'epsilon'] as const;
  return new AdamW(optimizerOptions<AdamWArgs>('adamw', args, names, [...ADAM_OPTIONS, 'weightDecay']));
}
