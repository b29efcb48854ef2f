import type { OptimizerRule } from '../backend/optimizer-rule.js';
import type { Tensor, Variable } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { add, mul, sub } from '../ops/binary.js';
import { checkRange, Optimizer, type OptimizerArgs } from './optimizer.js';
import { optimizerOptions } from './positional.js';

/**
 * Options of {@link sgd}.
 *
 * @example
 * ```ts
 * const a: nr.optimizers.SGDArgs = { learningRate: 0.1, momentum: 0.9, nesterov: true };
 * ```
 */
export interface SGDArgs extends OptimizerArgs {
  /** Momentum factor in [0, 1); 0 (default) is plain gradient descent. */
  momentum?: number;
  /** Use Nesterov momentum. */
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent with optional (Nesterov) momentum, as Keras `SGD`:
 * without momentum `w -= lr * g`; with momentum `v = momentum * v - lr * g`, then `w += v`
 * (Nesterov: `w += momentum * v - lr * g`). The velocity slot exists only when `momentum > 0`.
 *
 * @example
 * ```ts
 * const opt = new nr.optimizers.SGD({ learningRate: 0.1, momentum: 0.9 });
 * ```
 */
export class SGD extends Optimizer {
  static override readonly className: string = 'SGD';
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(args: SGDArgs = {}) {
    super(args, 0.01);
    this.momentum = args.momentum ?? 0;
    this.nesterov = args.nesterov ?? false;
    checkRange('SGD', 'momentum', this.momentum, 0, 1, true, false);
    if (typeof this.nesterov !== 'boolean')
      throw new Error(`SGD: 'nesterov' must be a boolean, got ${this.nesterov}`);
  }

  protected override slotNames(): readonly string[] {
    return this.momentum > 0 ? ['momentum'] : [];
  }

  protected override updateVariable(v: Variable, g: Tensor, slots: readonly Variable[], lr: number): void {
    const step = mul(g, lr);
    if (this.momentum === 0) {
      v.assign(sub(v, step));
      return;
    }
    const velocity = slots[0]!;
    const next = sub(mul(velocity, this.momentum), step);
    velocity.assign(next);
    v.assign(add(v, this.nesterov ? sub(mul(next, this.momentum), step) : next));
  }

  protected override fusedRule(lr: number): OptimizerRule {
    return { kind: 'sgd', lr, momentum: this.momentum, nesterov: this.nesterov };
  }

  protected override ownConfig(): ConfigDict {
    return { momentum: this.momentum, nesterov: this.nesterov };
  }
}

/**
 * Create an {@link SGD} optimizer (Keras defaults: `learningRate` 0.01, `momentum` 0, `nesterov` false), from
 * an options object or, as TensorFlow.js's `tf.train.sgd`, from the learning rate alone.
 *
 * @example
 * ```ts
 * const opt = nr.optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true });
 * const plain = nr.train.sgd(0.1);
 * ```
 */
export function sgd(args?: SGDArgs): SGD;
export function sgd(learningRate: number): SGD;
export function sgd(...args: unknown[]): SGD {
  return new SGD(optimizerOptions<SGDArgs>('sgd', args, [], ['momentum', 'nesterov']));
}

/**
 * TensorFlow.js's `tf.train.momentum(learningRate, momentum, useNesterov)`: an {@link SGD} optimizer with
 * momentum (an options object works too).
 *
 * @example
 * ```ts
 * const opt = nr.train.momentum(0.1, 0.9); // same as nr.optimizers.sgd({ learningRate: 0.1, momentum: 0.9 })
 * ```
 */
export function momentum(args?: SGDArgs): SGD;
export function momentum(learningRate: number, momentum: number, useNesterov?: boolean): SGD;
export function momentum(...args: unknown[]): SGD {
  return new SGD(
    optimizerOptions<SGDArgs>('momentum', args, ['momentum', 'nesterov'], ['momentum', 'nesterov']),
  );
}
