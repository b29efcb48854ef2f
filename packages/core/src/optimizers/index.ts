/**
 * Optimizers (SGD, Adam, AdamW, RMSprop, Adagrad) and learning-rate schedules.
 *
 * @example
 * ```ts
 * const opt = nr.optimizers.getOptimizer('adam');
 * ```
 *
 * @packageDocumentation
 */
import type { ConfigDict } from '../initializers/initializers.js';
import { Adagrad } from './adagrad.js';
import { Adam, AdamW } from './adam.js';
import { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { deserializeSchedule, type LearningRateSchedule, type SerializedSchedule } from './schedules.js';
import { SGD } from './sgd.js';

export type { AdagradArgs } from './adagrad.js';
export { Adagrad, adagrad } from './adagrad.js';
export type { AdamArgs, AdamWArgs } from './adam.js';
export { Adam, AdamW, adam, adamw } from './adam.js';
export type { ClipOptions, GradientInput, OptimizerArgs } from './optimizer.js';
export { Optimizer } from './optimizer.js';
export type { RMSpropArgs } from './rmsprop.js';
export { RMSprop, rmsprop } from './rmsprop.js';
export type { LearningRateSchedule, SerializedSchedule } from './schedules.js';
export {
  cosineDecay,
  deserializeSchedule,
  exponentialDecay,
  piecewiseConstantDecay,
  stepDecay,
} from './schedules.js';
export type { SGDArgs } from './sgd.js';
export { momentum, SGD, sgd } from './sgd.js';

/**
 * Optimizer names accepted by {@link getOptimizer} (any letter case).
 *
 * @example
 * ```ts
 * const n: nr.optimizers.OptimizerName = 'rmsprop';
 * ```
 */
export type OptimizerName = 'sgd' | 'adam' | 'adamw' | 'rmsprop' | 'adagrad';

/**
 * The serialised form of an optimizer: its class name and {@link Optimizer.getConfig}.
 *
 * @example
 * ```ts
 * const s: nr.optimizers.SerializedOptimizer = { className: 'Adam', config: { learningRate: 0.01 } };
 * ```
 */
export interface SerializedOptimizer {
  readonly className: string;
  readonly config?: ConfigDict;
}

type Ctor = new (args: { [key: string]: unknown; learningRate?: number | LearningRateSchedule }) => Optimizer;

const BY_NAME: Record<OptimizerName, Ctor> = {
  sgd: SGD as unknown as Ctor,
  adam: Adam as unknown as Ctor,
  adamw: AdamW as unknown as Ctor,
  rmsprop: RMSprop as unknown as Ctor,
  adagrad: Adagrad as unknown as Ctor,
};

function lookup(name: string): Ctor {
  const key = name.toLowerCase();
  if (!Object.hasOwn(BY_NAME, key)) {
    throw new Error(`getOptimizer: unknown optimizer '${name}' (known: ${Object.keys(BY_NAME).join(', ')})`);
  }
  return BY_NAME[key as OptimizerName];
}

/**
 * Resolve an optimizer: an instance is returned as is; a name (`'sgd'`, `'adam'`, `'adamw'`, `'rmsprop'`,
 * `'adagrad'`, any case) gives a new optimizer with Keras defaults; a serialised form
 * (`{ className, config }`) is rebuilt with its config, a schedule included.
 *
 * @example
 * ```ts
 * nr.optimizers.getOptimizer('Adam').learningRate; // 0.001
 * nr.optimizers.getOptimizer({ className: 'SGD', config: { learningRate: 0.1, momentum: 0.9 } });
 * ```
 */
export function getOptimizer(optimizer: Optimizer | OptimizerName | string | SerializedOptimizer): Optimizer {
  if (optimizer instanceof Optimizer) return optimizer;
  if (typeof optimizer === 'string') {
    return new (lookup(optimizer))({});
  }
  if (optimizer === null || typeof optimizer !== 'object' || typeof optimizer.className !== 'string') {
    throw new Error(
      `getOptimizer: expected an Optimizer, a name or { className, config }, got ${JSON.stringify(optimizer)}`,
    );
  }
  const ctor = lookup(optimizer.className);
  const { learningRate, ...rest } = optimizer.config ?? {};
  const lr =
    learningRate !== null && typeof learningRate === 'object' && !Array.isArray(learningRate)
      ? deserializeSchedule(learningRate as unknown as SerializedSchedule)
      : (learningRate as number | undefined);
  return new ctor({ ...rest, learningRate: lr });
}
