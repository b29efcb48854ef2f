import type { OptimizerRule } from '../backend/optimizer-rule.js';
import type { Tensor, Variable } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { add, div, mul, sub } from '../ops/binary.js';
import { fill } from '../ops/creation.js';
import { sqrt, square } from '../ops/unary.js';
import { checkRange, Optimizer, type OptimizerArgs } from './optimizer.js';
import { optimizerOptions } from './positional.js';

/**
 * Options of {@link adagrad}.
 *
 * @example
 * ```ts
 * const a: nr.optimizers.AdagradArgs = { learningRate: 0.01, initialAccumulatorValue: 0.1 };
 * ```
 */
export interface AdagradArgs extends OptimizerArgs {
  /** Starting value of the squared-gradient accumulator (>= 0). */
  initialAccumulatorValue?: number;
  /** Added inside the square root for stability (> 0). */
  epsilon?: number;
}

/**
 * Adagrad, as Keras `Adagrad`: `acc += g²`, `w -= lr * g / sqrt(acc + epsilon)`. Slot: `accumulator`,
 * starting at `initialAccumulatorValue`.
 *
 * @example
 * ```ts
 * const opt = new nr.optimizers.Adagrad({ learningRate: 0.1 });
 * ```
 */
export class Adagrad extends Optimizer {
  static override readonly className: string = 'Adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(args: AdagradArgs = {}) {
    super(args, 0.001);
    this.initialAccumulatorValue = args.initialAccumulatorValue ?? 0.1;
    this.epsilon = args.epsilon ?? 1e-7;
    checkRange('Adagrad', 'initialAccumulatorValue', this.initialAccumulatorValue, 0, Infinity, true, false);
    checkRange('Adagrad', 'epsilon', this.epsilon, 0, Infinity, false, false);
  }

  protected override slotNames(): readonly string[] {
    return ['accumulator'];
  }

  protected override initialSlot(_slot: string, v: Variable): Tensor {
    return fill(v.shape, this.initialAccumulatorValue, v.dtype);
  }

  protected override updateVariable(v: Variable, g: Tensor, slots: readonly Variable[], lr: number): void {
    const acc = slots[0]!;
    acc.assign(add(acc, square(g)));
    v.assign(sub(v, div(mul(g, lr), sqrt(add(acc, this.epsilon)))));
  }

  protected override fusedRule(lr: number): OptimizerRule {
    return { kind: 'adagrad', lr, epsilon: this.epsilon };
  }

  protected override ownConfig(): ConfigDict {
    return { initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}

/**
 * Create an {@link Adagrad} optimizer (Keras defaults: `learningRate` 0.001, `initialAccumulatorValue`
 * 0.1, `epsilon` 1e-7), from an options object or positionally as TensorFlow.js's
 * `tf.train.adagrad(learningRate, initialAccumulatorValue)`.
 *
 * @example
 * ```ts
 * const opt = nr.optimizers.adagrad({ learningRate: 0.1 });
 * const same = nr.train.adagrad(0.1, 0.1);
 * ```
 */
export function adagrad(args?: AdagradArgs): Adagrad;
export function adagrad(learningRate: number, initialAccumulatorValue?: number): Adagrad;
export function adagrad(...args: unknown[]): Adagrad {
  const own = ['initialAccumulatorValue', 'epsilon'] as const;
  return new Adagrad(optimizerOptions<AdagradArgs>('adagrad', args, ['initialAccumulatorValue'], own));
}
