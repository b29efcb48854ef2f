import { tidy } from '../engine/api.js';
import type { Tensor, Variable } from '../engine/tensor.js';
import {
  type ConfigDict,
  getInitializer,
  type Initializer,
  type InitializerLike,
  initializerConfig,
} from '../initializers/initializers.js';
import { add, mul, sub } from '../ops/binary.js';
import { mean } from '../ops/reduce.js';
import { reshape } from '../ops/shape.js';
import { rsqrt, square } from '../ops/unary.js';
import type { Regularizer } from '../regularizers/regularizers.js';
import { getRegularizer, type RegularizerLike, serializeRegularizer } from '../regularizers/regularizers.js';
import { checkedLayer } from '../training/validate-layer.js';
import { type CallOptions, fmtShape, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/**
 * Arguments of {@link layerNormalization}.
 *
 * @example
 * ```ts
 * const args: nr.layers.LayerNormalizationArgs = { epsilon: 1e-5 };
 * ```
 */
export interface LayerNormalizationArgs extends LayerArgs {
  /** Axis or axes normalised over, per example (default -1). */
  axis?: number | readonly number[];
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
  /** Penalty on `beta`. */
  betaRegularizer?: RegularizerLike;
  /** Penalty on `gamma`. */
  gammaRegularizer?: RegularizerLike;
}

/**
 * Layer normalisation: each example is normalised over `axis` with its own mean and (biased) variance,
 * then scaled by `gamma` and shifted by `beta` (shaped like the normalised axes). Training and inference
 * compute the same thing.
 *
 * @example
 * ```ts
 * const ln = new nr.layers.LayerNormalization();
 * ln.apply(nr.tensor2d([[1, 2, 3]])); // ≈ [[-1.22, 0, 1.22]]
 * ```
 */
export class LayerNormalization extends Layer {
  static override readonly className = 'LayerNormalization';
  /** Passes the input's mask on. */
  override supportsMasking = true;
  /** The axis or axes as given. */
  readonly axis: number | readonly number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly betaInitializer: Initializer;
  private readonly gammaInitializer: Initializer;
  private readonly betaRegularizer: Regularizer | null;
  private readonly gammaRegularizer: Regularizer | null;
  /** Learned scale (null when `scale` is false), once built. */
  gamma: Variable | null = null;
  /** Learned offset (null when `center` is false), once built. */
  beta: Variable | null = null;

  constructor(args: LayerNormalizationArgs = {}) {
    super(args);
    const where = `LayerNormalization '${this.name}'`;
    const axis = args.axis ?? -1;
    const list = typeof axis === 'number' ? [axis] : Array.isArray(axis) ? axis : [NaN];
    if (list.length === 0 || !list.every((a) => Number.isInteger(a))) {
      throw new Error(
        `${where}: axis must be an integer or a non-empty list of them, got ${JSON.stringify(axis)}`,
      );
    }
    this.axis = typeof axis === 'number' ? axis : [...axis];
    this.epsilon = args.epsilon ?? 1e-3;
    if (!(this.epsilon > 0)) throw new Error(`${where}: epsilon must be positive, got ${args.epsilon}`);
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.betaInitializer = getInitializer(args.betaInitializer ?? 'zeros', `${where} beta`);
    this.gammaInitializer = getInitializer(args.gammaInitializer ?? 'ones', `${where} gamma`);
    this.betaRegularizer = getRegularizer(args.betaRegularizer, where);
    this.gammaRegularizer = getRegularizer(args.gammaRegularizer, where);
  }

  /** Sorted non-negative axes for inputs of `rank` (throws naming the layer when invalid). */
  private axes(shape: SymbolicShape): number[] {
    const rank = shape.length;
    const list = typeof this.axis === 'number' ? [this.axis] : this.axis;
    const axes = [...new Set(list.map((a) => (a < 0 ? rank + a : a)))].sort((a, b) => a - b);
    if (axes.length !== list.length || axes.some((a) => a < 1 || a >= rank)) {
      throw new Error(
        `LayerNormalization '${this.name}': axis ${JSON.stringify(this.axis)} is invalid for input ${fmtShape(shape)} (distinct axes, not the batch axis)`,
      );
    }
    return axes;
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    const axes = this.axes(inputShape);
    if (axes.some((a) => inputShape[a] === null)) {
      throw new Error(
        `LayerNormalization '${this.name}': the normalised dimensions ${JSON.stringify(axes)} of the input must be known, got ${fmtShape(inputShape)}`,
      );
    }
    const w = this.gamma ?? this.beta;
    if (w && axes.some((a, i) => inputShape[a] !== w.shape[i])) {
      throw new Error(
        `LayerNormalization '${this.name}': expected normalised dimensions ${fmtShape(w.shape)}, got input ${fmtShape(inputShape)}`,
      );
    }
  }

  override build(inputShape: SymbolicShape): void {
    const paramShape = this.axes(inputShape).map((a) => inputShape[a] as number);
    if (this.scale) {
      this.gamma = this.addWeight('gamma', paramShape, this.gammaInitializer, {
        regularizer: this.gammaRegularizer,
      });
    }
    if (this.center) {
      this.beta = this.addWeight('beta', paramShape, this.betaInitializer, {
        regularizer: this.betaRegularizer,
      });
    }
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    return inputShape;
  }

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    return tidy('LayerNormalization', () => {
      const axes = this.axes(inputs.shape);
      // parameters broadcast: their dims on the normalised axes, 1 elsewhere
      const bshape = inputs.shape.map((d, i) => (axes.includes(i) ? d : 1));
      const m = mean(inputs, axes, true);
      const centred = sub(inputs, m);
      const v = mean(square(centred), axes, true);
      let y = mul(centred, rsqrt(add(v, this.epsilon)));
      if (this.gamma) y = mul(y, reshape(this.gamma, bshape));
      if (this.beta) y = add(y, reshape(this.beta, bshape));
      return y;
    });
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      axis: typeof this.axis === 'number' ? this.axis : [...this.axis],
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: initializerConfig(this.betaInitializer),
      gammaInitializer: initializerConfig(this.gammaInitializer),
      betaRegularizer: serializeRegularizer(this.betaRegularizer),
      gammaRegularizer: serializeRegularizer(this.gammaRegularizer),
    };
  }
}

/**
 * Create a {@link LayerNormalization} layer.
 *
 * @example
 * ```ts
 * nr.layers.layerNormalization({ epsilon: 1e-6 });
 * ```
 */
export function layerNormalization(args: LayerNormalizationArgs = {}): LayerNormalization {
  return checkedLayer('layerNormalization', args, () => new LayerNormalization(args));
}
