/**
 * `nr.train`: the TensorFlow.js name of the optimizer factories (`tf.train.sgd(0.1)`,
 * `tf.train.adam(0.01)`, ...), the same functions as `nr.optimizers`.
 *
 * @example
 * ```ts
 * model.compile({ optimizer: nr.train.adam(0.01), loss: 'meanSquaredError' });
 * ```
 *
 * @packageDocumentation
 */
export { adagrad } from './adagrad.js';
export { adam, adamw } from './adam.js';
export { rmsprop } from './rmsprop.js';
export { momentum, sgd } from './sgd.js';
