import * as nr from '@neurona/core';
import { SIDE } from './dataset.js';

/**
 * The architectures the CLI offers (`--model`).
 *
 * @example
 * ```ts
 * const m: ModelName = 'lenet';
 * ```
 */
export type ModelName = 'small' | 'lenet' | 'large';

/**
 * Every {@link ModelName}, in order of size.
 *
 * @example
 * ```ts
 * MODEL_NAMES.includes('small'); // true
 * ```
 */
export const MODEL_NAMES: readonly ModelName[] = ['small', 'lenet', 'large'];

/**
 * One line per model for `--help`.
 *
 * @example
 * ```ts
 * console.log(MODEL_DESCRIPTIONS.small);
 * ```
 */
export const MODEL_DESCRIPTIONS: Record<ModelName, string> = {
  small: 'conv8 5x5 - pool - conv16 5x5 - pool - dense10 (5,994 weights)',
  lenet:
    'LeNet-5 style: conv6 5x5 same - pool - conv16 5x5 - pool - dense120 - dense84 - dense10 (61,706 weights)',
  large:
    'conv32-conv32-pool-conv64-conv64-pool-dense512-dropout-dense10 (594,922 weights; slow on the CPU reference)',
};

const input = [SIDE, SIDE, 1];

/**
 * Adam's initial learning rate per model when `--lr` is not given (it decays along a cosine to 5% of this):
 * tuned on short runs; the small model learns fastest with a high rate.
 *
 * @example
 * ```ts
 * DEFAULT_LEARNING_RATE.small; // 0.01
 * ```
 */
export const DEFAULT_LEARNING_RATE: Record<ModelName, number> = { small: 0.01, lenet: 0.005, large: 0.001 };

/**
 * Build (not compile) one of the CNNs for 28x28x1 images and 10 classes, ending in a softmax. Weight
 * initialisation uses the global seeded generator, so call `nr.seed(n)` first for reproducible weights.
 *
 * @example
 * ```ts
 * nr.seed(1);
 * const model = buildModel('small');
 * model.countParams(); // 5994
 * ```
 */
export function buildModel(name: ModelName): nr.Sequential {
  const L = nr.layers;
  switch (name) {
    case 'small':
      return nr.sequential({
        name: 'mnist_small',
        layers: [
          L.conv2d({ filters: 8, kernelSize: 5, activation: 'relu', inputShape: input }),
          L.maxPooling2d({ poolSize: 2 }),
          L.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
          L.maxPooling2d({ poolSize: 2 }),
          L.flatten(),
          L.dense({ units: 10, activation: 'softmax' }),
        ],
      });
    case 'lenet':
      return nr.sequential({
        name: 'mnist_lenet',
        layers: [
          L.conv2d({ filters: 6, kernelSize: 5, activation: 'relu', inputShape: input }),
          L.maxPooling2d({ poolSize: 2 }),
          L.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
          L.maxPooling2d({ poolSize: 2 }),
          L.flatten(),
          L.dense({ units: 120, activation: 'relu' }),
          L.dense({ units: 84, activation: 'relu' }),
          L.dense({ units: 10, activation: 'softmax' }),
        ],
      });
    case 'large':
      return nr.sequential({
        name: 'mnist_large',
        layers: [
          L.conv2d({ filters: 32, kernelSize: 3, activation: 'relu', inputShape: input }),
          L.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }),
          L.maxPooling2d({ poolSize: 2 }),
          L.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
          L.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }),
          L.maxPooling2d({ poolSize: 2 }),
          L.flatten(),
          L.dense({ units: 512, activation: 'relu' }),
          L.dropout({ rate: 0.5 }),
          L.dense({ units: 10, activation: 'softmax' }),
        ],
      });
  }
}

/**
 * Compile a model built by {@link buildModel} the way the CLI and the web page train it: Adam with a cosine
 * decay of the learning rate (default {@link DEFAULT_LEARNING_RATE} of `name`) to 5% over `steps` updates,
 * sparse categorical cross-entropy, accuracy. Returns the initial learning rate.
 *
 * @example
 * ```ts
 * const model = buildModel('small');
 * compileForTraining(model, 'small', { steps: 2 * 938 }); // 0.01
 * ```
 */
export function compileForTraining(
  model: nr.Sequential,
  name: ModelName,
  options: { readonly steps: number; readonly learningRate?: number },
): number {
  const learningRate = options.learningRate ?? DEFAULT_LEARNING_RATE[name];
  const schedule = nr.optimizers.cosineDecay({
    initialLearningRate: learningRate,
    decaySteps: Math.max(1, options.steps),
    alpha: 0.05,
  });
  model.compile({
    optimizer: nr.optimizers.adam({ learningRate: schedule }),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return learningRate;
}
