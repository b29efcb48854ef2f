import type { Tensor } from '../engine/tensor.js';
import {
  elu,
  gelu,
  hardSigmoid,
  leakyRelu,
  relu6,
  selu,
  softplus,
  softsign,
  swish,
} from '../ops/activations.js';
import { clone } from '../ops/shape.js';
import { logSoftmax, softmax } from '../ops/softmax.js';
import { relu, sigmoid, step, tanh } from '../ops/unary.js';

/**
 * Activation names accepted by layers (`activation: 'relu'`), as Keras spells them.
 *
 * @example
 * ```ts
 * nr.layers.dense({ units: 10, activation: 'softmax' });
 * ```
 */
export type ActivationName =
  | 'linear'
  | 'relu'
  | 'relu6'
  | 'sigmoid'
  | 'hardSigmoid'
  | 'tanh'
  | 'softmax'
  | 'logSoftmax'
  | 'step'
  | 'elu'
  | 'selu'
  | 'softplus'
  | 'softsign'
  | 'swish'
  | 'gelu'
  | 'leakyRelu';

const ACTIVATIONS: Record<ActivationName, (x: Tensor) => Tensor> = {
  linear: (x) => clone(x),
  relu,
  relu6,
  sigmoid,
  hardSigmoid,
  tanh,
  softmax: (x) => softmax(x),
  logSoftmax: (x) => logSoftmax(x),
  step,
  elu: (x) => elu(x),
  selu,
  softplus,
  softsign,
  swish: (x) => swish(x),
  gelu: (x) => gelu(x),
  leakyRelu: (x) => leakyRelu(x),
};

const ALIASES: Record<string, ActivationName> = {
  log_softmax: 'logSoftmax',
  leaky_relu: 'leakyRelu',
  hard_sigmoid: 'hardSigmoid',
  hard_step: 'step',
  heaviside: 'step',
};

/**
 * Resolve an activation by name (`'relu'`, `'leaky_relu'`, ...); `undefined`/`null` mean linear.
 * Unknown names throw with the list of known ones.
 *
 * @example
 * ```ts
 * const f = nr.getActivation('tanh');
 * f(nr.tensor1d([0])); // [0]
 * ```
 */
export function getActivation(
  name: string | null | undefined,
  where = 'activation',
): {
  name: ActivationName;
  fn: (x: Tensor) => Tensor;
} {
  const key = (name ?? 'linear') as string;
  // Own keys only: 'constructor' or 'toString' must not resolve to Object.prototype's members.
  const resolved = (
    Object.hasOwn(ACTIVATIONS, key) ? key : Object.hasOwn(ALIASES, key) ? ALIASES[key] : undefined
  ) as ActivationName | undefined;
  if (!resolved) {
    throw new Error(`${where}: unknown activation '${key}' (known: ${Object.keys(ACTIVATIONS).join(', ')})`);
  }
  return { name: resolved, fn: ACTIVATIONS[resolved] };
}
