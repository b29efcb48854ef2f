/**
 * What Dense and Conv2D share: `activation(x ⋆ kernel + bias)` with an activation, an optional bias,
 * initializers and regularizers for both weights. They resolve their arguments, declare their weights and
 * write their config through {@link KernelBias}.
 *
 * @packageDocumentation
 */
import type { Tensor, Variable } from '../engine/tensor.js';
import {
  type ConfigDict,
  getInitializer,
  type Initializer,
  type InitializerLike,
  initializerConfig,
} from '../initializers/initializers.js';
import { add } from '../ops/binary.js';
import type { FusedActivation } from '../ops/fused.js';
import {
  getRegularizer,
  type Regularizer,
  type RegularizerLike,
  serializeRegularizer,
} from '../regularizers/regularizers.js';
import { type ActivationName, getActivation } from './activations.js';
import type { Layer } from './layer.js';

/**
 * Arguments shared by layers that compute `activation(x ⋆ kernel + bias)` (Dense, Conv2D).
 *
 * @example
 * ```ts
 * const args: nr.layers.KernelBiasArgs = { activation: 'relu', useBias: false, kernelInitializer: 'heNormal' };
 * ```
 */
export interface KernelBiasArgs {
  /** Activation applied to the output (default linear). */
  activation?: ActivationName | null;
  /** Add a bias (default true). */
  useBias?: boolean;
  /** Kernel initializer (default `'glorotUniform'`). */
  kernelInitializer?: InitializerLike;
  /** Bias initializer (default `'zeros'`). */
  biasInitializer?: InitializerLike;
  /** Penalty on the kernel. */
  kernelRegularizer?: RegularizerLike;
  /** Penalty on the bias. */
  biasRegularizer?: RegularizerLike;
}

/**
 * {@link KernelBiasArgs} resolved and checked (errors start with `where`).
 *
 * @example
 * ```ts
 * const kb = new KernelBias({ activation: 'relu' }, "Dense 'dense'");
 * kb.fusedActivation; // 'relu'
 * ```
 * @internal
 */
export class KernelBias {
  readonly activation: ActivationName;
  readonly useBias: boolean;
  /** What a fused kernel applies in its output pass: ReLU itself, else nothing (the rest runs in {@link KernelBias.finish}). */
  readonly fusedActivation: FusedActivation;
  private readonly activationFn: (x: Tensor) => Tensor;
  private readonly kernelInitializer: Initializer;
  private readonly biasInitializer: Initializer;
  private readonly kernelRegularizer: Regularizer | null;
  private readonly biasRegularizer: Regularizer | null;

  constructor(args: KernelBiasArgs, where: string) {
    const act = getActivation(args.activation, where);
    this.activation = act.name;
    this.activationFn = act.fn;
    this.fusedActivation = act.name === 'relu' ? 'relu' : 'linear';
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform', `${where} kernel`);
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros', `${where} bias`);
    this.kernelRegularizer = getRegularizer(args.kernelRegularizer, where);
    this.biasRegularizer = getRegularizer(args.biasRegularizer, where);
  }

  /** Declare the kernel (of `kernelShape`, named `kernelName`) and, with a bias, `bias` (`[units]`) on `layer`. */
  addWeights(
    layer: Layer,
    kernelShape: readonly number[],
    units: number,
    kernelName = 'kernel',
  ): { kernel: Variable; bias: Variable | null } {
    const kernel = layer.addWeight(kernelName, kernelShape, this.kernelInitializer, {
      regularizer: this.kernelRegularizer,
    });
    const bias = this.useBias
      ? layer.addWeight('bias', [units], this.biasInitializer, { regularizer: this.biasRegularizer })
      : null;
    return { kernel, bias };
  }

  /** The activation on the output of a fused kernel that already applied {@link KernelBias.fusedActivation}. */
  finish(y: Tensor): Tensor {
    return this.activation === this.fusedActivation || this.activation === 'linear'
      ? y
      : this.activationFn(y);
  }

  /** `activation(y + bias)`, for a layer whose kernel ran unfused (`bias` null: no bias). */
  biasActivation(y: Tensor, bias: Variable | null): Tensor {
    const z = bias ? add(y, bias) : y;
    return this.activation === 'linear' ? z : this.activationFn(z);
  }

  /** The config entries of these arguments (Keras names; the kernel's start with `kernelPrefix`). */
  config(kernelPrefix = 'kernel'): ConfigDict {
    return {
      activation: this.activation,
      useBias: this.useBias,
      [`${kernelPrefix}Initializer`]: initializerConfig(this.kernelInitializer),
      biasInitializer: initializerConfig(this.biasInitializer),
      [`${kernelPrefix}Regularizer`]: serializeRegularizer(this.kernelRegularizer),
      biasRegularizer: serializeRegularizer(this.biasRegularizer),
    };
  }
}
