import { tidy } from '../engine/api.js';
import { engine } from '../engine/engine.js';
import type { Tensor, Variable } from '../engine/tensor.js';
import {
  type ConfigDict,
  getInitializer,
  type Initializer,
  type InitializerLike,
  initializerConfig,
} from '../initializers/initializers.js';
import { add, mul, sub } from '../ops/binary.js';
import { channelAffine } from '../ops/channel-affine.js';
import { mean } from '../ops/reduce.js';
import { reshape } from '../ops/shape.js';
import { rsqrt, square } from '../ops/unary.js';
import type { Regularizer } from '../regularizers/regularizers.js';
import { getRegularizer, type RegularizerLike, serializeRegularizer } from '../regularizers/regularizers.js';
import { checkedLayer } from '../training/validate-layer.js';
import { type CallOptions, fmtShape, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/**
 * Arguments of {@link batchNormalization}.
 *
 * @example
 * ```ts
 * const args: nr.layers.BatchNormalizationArgs = { momentum: 0.9, epsilon: 1e-5 };
 * ```
 */
export interface BatchNormalizationArgs extends LayerArgs {
  /**
   * The feature axis, normalised per entry (default -1, the channels of NHWC images). A one-element list, as
   * tf.keras 2 saves it (`[3]`), is accepted.
   */
  axis?: number | readonly [number];
  /** Weight of the old value in the moving statistics (default 0.99). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-3). */
  epsilon?: number;
  /** Learn an offset `beta` (default true). */
  center?: boolean;
  /** Learn a scale `gamma` (default true). */
  scale?: boolean;
  /** Initializer of `beta` (default `'zeros'`). */
  betaInitializer?: InitializerLike;
  /** Initializer of `gamma` (default `'ones'`). */
  gammaInitializer?: InitializerLike;
  /** Initializer of the moving mean (default `'zeros'`). */
  movingMeanInitializer?: InitializerLike;
  /** Initializer of the moving variance (default `'ones'`). */
  movingVarianceInitializer?: InitializerLike;
  /** Penalty on `beta`. */
  betaRegularizer?: RegularizerLike;
  /** Penalty on `gamma`. */
  gammaRegularizer?: RegularizerLike;
}

/**
 * Batch normalisation: `gamma * (x - mean) / sqrt(variance + epsilon) + beta` per feature. While training
 * it uses the batch's mean and (biased) variance and updates the moving statistics,
 * `moving = moving * momentum + batch * (1 - momentum)`; at inference (or when the layer is frozen, as in
 * Keras) it uses the moving statistics. Weights: gamma, beta (trainable), moving_mean, moving_variance.
 *
 * @example
 * ```ts
 * const bn = new nr.layers.BatchNormalization();
 * bn.apply(nr.randomNormal([8, 4, 4, 16]), { training: true });
 * bn.countParams(); // 64 (32 non-trainable)
 * ```
 */
export class BatchNormalization extends Layer {
  static override readonly className = 'BatchNormalization';
  /** Passes the input's mask on. */
  override supportsMasking = true;
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly inits: Record<'beta' | 'gamma' | 'movingMean' | 'movingVariance', Initializer>;
  private readonly betaRegularizer: Regularizer | null;
  private readonly gammaRegularizer: Regularizer | null;
  /** Learned scale (null when `scale` is false), once built. */
  gamma: Variable | null = null;
  /** Learned offset (null when `center` is false), once built. */
  beta: Variable | null = null;
  /** Moving mean, once built. */
  movingMean: Variable | null = null;
  /** Moving variance, once built. */
  movingVariance: Variable | null = null;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    const where = `BatchNormalization '${this.name}'`;
    const axis = Array.isArray(args.axis) && args.axis.length === 1 ? args.axis[0] : (args.axis ?? -1);
    this.axis = axis as number;
    if (!Number.isInteger(this.axis)) {
      throw new Error(`${where}: axis must be an integer, got ${JSON.stringify(args.axis)}`);
    }
    this.momentum = args.momentum ?? 0.99;
    if (!(this.momentum >= 0 && this.momentum <= 1)) {
      throw new Error(`${where}: momentum must be in [0, 1], got ${args.momentum}`);
    }
    this.epsilon = args.epsilon ?? 1e-3;
    if (!(this.epsilon > 0)) throw new Error(`${where}: epsilon must be positive, got ${args.epsilon}`);
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.inits = {
      beta: getInitializer(args.betaInitializer ?? 'zeros', `${where} beta`),
      gamma: getInitializer(args.gammaInitializer ?? 'ones', `${where} gamma`),
      movingMean: getInitializer(args.movingMeanInitializer ?? 'zeros', `${where} moving_mean`),
      movingVariance: getInitializer(args.movingVarianceInitializer ?? 'ones', `${where} moving_variance`),
    };
    this.betaRegularizer = getRegularizer(args.betaRegularizer, where);
    this.gammaRegularizer = getRegularizer(args.gammaRegularizer, where);
  }

  /** The axis as a non-negative index for inputs of `rank`. */
  private resolvedAxis(rank: number): number {
    return this.axis < 0 ? rank + this.axis : this.axis;
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    const where = `BatchNormalization '${this.name}'`;
    const ax = this.resolvedAxis(inputShape.length);
    if (inputShape.length < 2 || ax < 1 || ax >= inputShape.length) {
      throw new Error(
        `${where}: axis ${this.axis} is not a feature axis of input ${fmtShape(inputShape)} (rank >= 2, not the batch axis)`,
      );
    }
    const dim = inputShape[ax];
    if (dim === null || dim === undefined) {
      throw new Error(
        `${where}: input dimension ${ax} (axis ${this.axis}) must be known, got ${fmtShape(inputShape)}`,
      );
    }
    if (this.movingMean && dim !== this.movingMean.shape[0]) {
      throw new Error(
        `${where}: expected input with ${this.movingMean.shape[0]} features on axis ${this.axis}, got ${fmtShape(inputShape)}`,
      );
    }
  }

  override build(inputShape: SymbolicShape): void {
    const dim = inputShape[this.resolvedAxis(inputShape.length)] as number;
    if (this.scale)
      this.gamma = this.addWeight('gamma', [dim], this.inits.gamma, { regularizer: this.gammaRegularizer });
    if (this.center)
      this.beta = this.addWeight('beta', [dim], this.inits.beta, { regularizer: this.betaRegularizer });
    this.movingMean = this.addWeight('moving_mean', [dim], this.inits.movingMean, { trainable: false });
    this.movingVariance = this.addWeight('moving_variance', [dim], this.inits.movingVariance, {
      trainable: false,
    });
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    return inputShape;
  }

  override call(inputs: Tensor, options: CallOptions = {}): Tensor {
    return tidy('BatchNormalization', () => {
      const rank = inputs.rank;
      const ax = this.resolvedAxis(rank);
      const last = ax === rank - 1;
      // per-feature vectors broadcast along `ax`
      const bshape = inputs.shape.map((d, i) => (i === ax ? d : 1));
      const bcast = (v: Tensor): Tensor => (last ? v : reshape(v, bshape));
      let y: Tensor;
      if (options.training === true && this.trainable) {
        const axes = inputs.shape.map((_, i) => i).filter((i) => i !== ax);
        const m = mean(inputs, axes, true);
        const centred = sub(inputs, m);
        const v = mean(square(centred), axes, true);
        this.updateMovingStats(m, v);
        y = mul(centred, rsqrt(add(v, this.epsilon)));
      } else {
        // Fold the statistics into one scale per feature on the small vectors, then one pass over x.
        const inv = rsqrt(add(this.movingVariance!, this.epsilon));
        const scale = this.gamma ? mul(inv, this.gamma) : inv;
        if (last) return channelAffine({ x: inputs, mean: this.movingMean, scale, offset: this.beta });
        y = mul(sub(inputs, bcast(this.movingMean!)), bcast(scale));
        return this.beta ? add(y, bcast(this.beta)) : y;
      }
      if (this.gamma) y = mul(y, bcast(this.gamma));
      if (this.beta) y = add(y, bcast(this.beta));
      return y;
    });
  }

  /** moving = moving * momentum + batch * (1 - momentum), outside any gradient tape. */
  private updateMovingStats(batchMean: Tensor, batchVar: Tensor): void {
    engine().paused(() => {
      const dim = this.movingMean!.shape[0]!;
      for (const [variable, batch] of [
        [this.movingMean!, batchMean],
        [this.movingVariance!, batchVar],
      ] as const) {
        const updated = add(mul(variable, this.momentum), mul(reshape(batch, [dim]), 1 - this.momentum));
        variable.assign(updated);
      }
    });
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: initializerConfig(this.inits.beta),
      gammaInitializer: initializerConfig(this.inits.gamma),
      movingMeanInitializer: initializerConfig(this.inits.movingMean),
      movingVarianceInitializer: initializerConfig(this.inits.movingVariance),
      betaRegularizer: serializeRegularizer(this.betaRegularizer),
      gammaRegularizer: serializeRegularizer(this.gammaRegularizer),
    };
  }
}

/**
 * Create a {@link BatchNormalization} layer.
 *
 * @example
 * ```ts
 * nr.layers.batchNormalization({ momentum: 0.9 });
 * ```
 */
export function batchNormalization(args: BatchNormalizationArgs = {}): BatchNormalization {
  return checkedLayer('batchNormalization', args, () => new BatchNormalization(args));
}
