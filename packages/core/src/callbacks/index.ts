/**
 * Training callbacks: early stopping, learning-rate scheduling, NaN guard.
 * The Node progress bar is in `@neurona/core/node`.
 *
 * @example
 * ```ts
 * await model.fit(x, y, { callbacks: [nr.callbacks.earlyStopping({ patience: 2 })] });
 * ```
 *
 * @packageDocumentation
 */

export type { EarlyStoppingArgs } from './builtins.js';
export { earlyStopping, learningRateScheduler, terminateOnNaN } from './builtins.js';
