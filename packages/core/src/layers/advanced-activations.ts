import { tidy } from '../engine/api.js';
import type { Tensor, Variable } from '../engine/tensor.js';
import {
  type ConfigDict,
  getInitializer,
  type Initializer,
  type InitializerLike,
  initializerConfig,
} from '../initializers/initializers.js';
import { elu as eluOp, leakyRelu, prelu as preluOp, relu6 } from '../ops/activations.js';
import { greaterEqual, minimum, mul, sub } from '../ops/binary.js';
import { cast } from '../ops/shape.js';
import { softmax as softmaxOp } from '../ops/softmax.js';
import { relu } from '../ops/unary.js';
import { where } from '../ops/where.js';
import {
  getRegularizer,
  type Regularizer,
  type RegularizerLike,
  serializeRegularizer,
} from '../regularizers/regularizers.js';
import { type CallOptions, fmtShape, Layer, type LayerArgs, type SymbolicShape } from './layer.js';

/** A finite number >= 0 (or the default when absent), else an error naming the layer and the argument. */
function nonNegative(v: number | null | undefined, fallback: number, what: string, where: string): number {
  const x = v ?? fallback;
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) {
    throw new Error(`${where}: ${what} must be a finite number >= 0, got ${JSON.stringify(v)}`);
  }
  return x;
}

/** Float32 view of an input (int32 inputs are cast). */
function asFloat(x: Tensor): Tensor {
  return x.dtype === 'float32' ? x : cast(x, 'float32');
}

/**
 * Arguments of {@link reLU}.
 *
 * @example
 * ```ts
 * const args: nr.layers.ReLUArgs = { maxValue: 6 };
 * ```
 */
export interface ReLUArgs extends LayerArgs {
  /** Upper bound of the output (`null`, the default: unbounded; 6 gives MobileNet's ReLU6). */
  maxValue?: number | null;
  /** Slope below `threshold` (default 0). */
  negativeSlope?: number;
  /** Inputs below this value are multiplied by `negativeSlope` after subtracting it (default 0). */
  threshold?: number;
}

/**
 * Rectified linear unit as Keras's `ReLU` layer: `min(x, maxValue)` where `x >= threshold`, else
 * `negativeSlope * (x - threshold)`. With the defaults it is `max(x, 0)`; `maxValue: 6` is ReLU6.
 *
 * @example
 * ```ts
 * new nr.layers.ReLU({ maxValue: 6 }).apply(nr.tensor1d([-1, 3, 8])); // [0, 3, 6]
 * ```
 */
export class ReLU extends Layer {
  static override readonly className = 'ReLU';
  /** Passes the input's mask on. */
  override supportsMasking = true;
  /** Upper bound of the output, or `null`. */
  readonly maxValue: number | null;
  /** Slope below the threshold. */
  readonly negativeSlope: number;
  /** Where the linear part starts. */
  readonly threshold: number;

  constructor(args: ReLUArgs = {}) {
    super(args);
    const at = `ReLU '${this.name}'`;
    this.maxValue =
      args.maxValue === null || args.maxValue === undefined
        ? null
        : nonNegative(args.maxValue, 0, 'maxValue', at);
    this.negativeSlope = nonNegative(args.negativeSlope, 0, 'negativeSlope', at);
    this.threshold = nonNegative(args.threshold, 0, 'threshold', at);
  }

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    return tidy('ReLU', () => {
      const x = asFloat(inputs);
      const plain = this.negativeSlope === 0 && this.threshold === 0;
      if (plain && this.maxValue === 6) return relu6(x);
      let y: Tensor;
      if (plain) y = relu(x);
      else {
        y = where(greaterEqual(x, this.threshold), x, mul(sub(x, this.threshold), this.negativeSlope));
      }
      return this.maxValue === null ? y : minimum(y, this.maxValue);
    });
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      maxValue: this.maxValue,
      negativeSlope: this.negativeSlope,
      threshold: this.threshold,
    };
  }
}

/**
 * Arguments of {@link leakyReLU}.
 *
 * @example
 * ```ts
 * const args: nr.layers.LeakyReLUArgs = { alpha: 0.1 };
 * ```
 */
export interface LeakyReLUArgs extends LayerArgs {
  /** Slope for x < 0 (default 0.3, as Keras and tfjs-layers). */
  alpha?: number;
  /** Keras 3's name for `alpha`. */
  negativeSlope?: number;
}

/**
 * Leaky ReLU: x where x > 0, else `alpha * x`.
 *
 * @example
 * ```ts
 * new nr.layers.LeakyReLU({ alpha: 0.1 }).apply(nr.tensor1d([-2, 3])); // [-0.2, 3]
 * ```
 */
export class LeakyReLU extends Layer {
  static override readonly className = 'LeakyReLU';
  /** Passes the input's mask on. */
  override supportsMasking = true;
  /** Slope for negative inputs. */
  readonly alpha: number;

  constructor(args: LeakyReLUArgs = {}) {
    super(args);
    this.alpha = nonNegative(args.alpha ?? args.negativeSlope, 0.3, 'alpha', `LeakyReLU '${this.name}'`);
  }

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    return leakyRelu(asFloat(inputs), this.alpha);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}

/**
 * Arguments of {@link elu}.
 *
 * @example
 * ```ts
 * const args: nr.layers.ELUArgs = { alpha: 1 };
 * ```
 */
export interface ELUArgs extends LayerArgs {
  /** Scale of the negative branch (default 1). */
  alpha?: number;
}

/**
 * Exponential linear unit: x where x > 0, else `alpha * (eˣ - 1)`.
 *
 * @example
 * ```ts
 * new nr.layers.ELU().apply(nr.tensor1d([-1, 2])); // [-0.632..., 2]
 * ```
 */
export class ELU extends Layer {
  static override readonly className = 'ELU';
  /** Passes the input's mask on. */
  override supportsMasking = true;
  /** Scale of the negative branch. */
  readonly alpha: number;

  constructor(args: ELUArgs = {}) {
    super(args);
    this.alpha = nonNegative(args.alpha, 1, 'alpha', `ELU '${this.name}'`);
  }

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    return eluOp(asFloat(inputs), this.alpha);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}

/**
 * Arguments of {@link softmax}.
 *
 * @example
 * ```ts
 * const args: nr.layers.SoftmaxArgs = { axis: 1 };
 * ```
 */
export interface SoftmaxArgs extends LayerArgs {
  /** Axis normalised to sum 1 (default -1, the last; Keras 3 may save it as a one-element list). */
  axis?: number | readonly [number];
}

/**
 * Softmax over one axis of the input: `exp(x) / sum(exp(x))` along `axis`.
 *
 * @example
 * ```ts
 * new nr.layers.Softmax().apply(nr.tensor2d([[0, 0]])); // [[0.5, 0.5]]
 * ```
 */
export class Softmax extends Layer {
  static override readonly className = 'Softmax';
  /** Passes the input's mask on. */
  override supportsMasking = true;
  /** The normalised axis (negative counts from the end). */
  readonly axis: number;

  constructor(args: SoftmaxArgs = {}) {
    super(args);
    const a = args.axis ?? -1;
    const axis = Array.isArray(a) && a.length === 1 ? a[0] : a;
    if (!Number.isInteger(axis)) {
      throw new Error(`Softmax '${this.name}': axis must be an integer, got ${JSON.stringify(args.axis)}`);
    }
    this.axis = axis as number;
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    const r = inputShape.length;
    if (this.axis >= r || this.axis < -r || this.axis === 0 || this.axis === -r) {
      throw new Error(
        `Softmax '${this.name}': axis ${this.axis} must name a non-batch axis of the input, got input ${fmtShape(inputShape)}`,
      );
    }
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    return inputShape;
  }

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    this.checkInputShape(inputs.shape);
    return softmaxOp(asFloat(inputs), this.axis);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), axis: this.axis };
  }
}

/**
 * Arguments of {@link prelu}.
 *
 * @example
 * ```ts
 * const args: nr.layers.PReLUArgs = { sharedAxes: [1, 2] };
 * ```
 */
export interface PReLUArgs extends LayerArgs {
  /** Initializer of the slopes `alpha` (default `'zeros'`). */
  alphaInitializer?: InitializerLike;
  /** Penalty on `alpha`. */
  alphaRegularizer?: RegularizerLike;
  /** Accepted for Keras compatibility when `null`; constraints are not supported. */
  alphaConstraint?: null;
  /**
   * Axes (1-based, the batch is axis 0) along which one slope is shared, e.g. `[1, 2]` for one slope per
   * channel of images.
   */
  sharedAxes?: number | readonly number[] | null;
}

/**
 * Parametric ReLU: x where x > 0, else `alpha * x`, with a learned slope `alpha` per input element (shape
 * `inputShape` without the batch, size 1 on the shared axes).
 *
 * @example
 * ```ts
 * const layer = new nr.layers.PReLU({ sharedAxes: [1, 2] });
 * layer.apply(nr.ones([1, 4, 4, 3])); // alpha has shape [1, 1, 3]
 * ```
 */
export class PReLU extends Layer {
  static override readonly className = 'PReLU';
  /** Passes the input's mask on. */
  override supportsMasking = true;
  /** Axes along which one slope is shared (1-based), sorted. */
  readonly sharedAxes: number[] | null;
  private readonly alphaInitializer: Initializer;
  private readonly alphaRegularizer: Regularizer | null;
  private alpha!: Variable;

  constructor(args: PReLUArgs = {}) {
    super(args);
    const at = `PReLU '${this.name}'`;
    if (args.alphaConstraint != null) throw new Error(`${at}: alphaConstraint is not supported; use null`);
    this.alphaInitializer = getInitializer(args.alphaInitializer ?? 'zeros', `${at} alpha`);
    this.alphaRegularizer = getRegularizer(args.alphaRegularizer, `${at} alphaRegularizer`);
    const s = args.sharedAxes;
    const list = s === null || s === undefined ? null : typeof s === 'number' ? [s] : [...s];
    if (list && !list.every((a) => Number.isInteger(a) && a >= 1)) {
      throw new Error(
        `${at}: sharedAxes must be integers >= 1 (axis 0 is the batch), got ${JSON.stringify(s)}`,
      );
    }
    this.sharedAxes = list;
  }

  /** Shape of `alpha` for an input shape. */
  private alphaShape(inputShape: SymbolicShape): (number | null)[] {
    return inputShape.slice(1).map((d, i) => (this.sharedAxes?.includes(i + 1) ? 1 : d));
  }

  protected override checkInputShape(inputShape: SymbolicShape): void {
    const at = `PReLU '${this.name}'`;
    const bad = (this.sharedAxes ?? []).find((a) => a >= inputShape.length);
    if (bad !== undefined) {
      throw new Error(`${at}: sharedAxes entry ${bad} is not an axis of the input ${fmtShape(inputShape)}`);
    }
    const want = this.alphaShape(inputShape);
    if (want.some((d) => d === null)) {
      throw new Error(
        `${at}: every axis that is not shared must be known, got input ${fmtShape(inputShape)} (sharedAxes ${JSON.stringify(this.sharedAxes)})`,
      );
    }
    if (this.built && this.alpha) {
      const have = this.alpha.shape;
      if (want.length !== have.length || want.some((d, i) => d !== have[i])) {
        throw new Error(
          `${at}: expected input shape ${fmtShape([null, ...have.map((d, i) => (this.sharedAxes?.includes(i + 1) ? null : d))])}, got ${fmtShape(inputShape)}`,
        );
      }
    }
  }

  override build(inputShape: SymbolicShape): void {
    this.alpha = this.addWeight('alpha', this.alphaShape(inputShape) as number[], this.alphaInitializer, {
      regularizer: this.alphaRegularizer,
    });
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    return inputShape;
  }

  override call(inputs: Tensor, _options: CallOptions = {}): Tensor {
    this.checkInputShape([null, ...inputs.shape.slice(1)]);
    return preluOp(asFloat(inputs), this.alpha);
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      alphaInitializer: initializerConfig(this.alphaInitializer),
      alphaRegularizer: serializeRegularizer(this.alphaRegularizer),
      alphaConstraint: null,
      sharedAxes: this.sharedAxes ? [...this.sharedAxes] : null,
    };
  }
}

/**
 * Create a {@link ReLU} layer.
 *
 * @example
 * ```ts
 * nr.layers.reLU({ maxValue: 6 }); // ReLU6
 * ```
 */
export function reLU(args: ReLUArgs = {}): ReLU {
  return new ReLU(args);
}

/**
 * Create a {@link LeakyReLU} layer.
 *
 * @example
 * ```ts
 * nr.layers.leakyReLU({ alpha: 0.2 });
 * ```
 */
export function leakyReLU(args: LeakyReLUArgs = {}): LeakyReLU {
  return new LeakyReLU(args);
}

/**
 * Create a {@link PReLU} layer.
 *
 * @example
 * ```ts
 * nr.layers.prelu({ sharedAxes: [1, 2] });
 * ```
 */
export function prelu(args: PReLUArgs = {}): PReLU {
  return new PReLU(args);
}

/**
 * Create an {@link ELU} layer.
 *
 * @example
 * ```ts
 * nr.layers.elu({ alpha: 1 });
 * ```
 */
export function elu(args: ELUArgs = {}): ELU {
  return new ELU(args);
}

/**
 * Create a {@link Softmax} layer.
 *
 * @example
 * ```ts
 * nr.layers.softmax({ axis: -1 });
 * ```
 */
export function softmax(args: SoftmaxArgs = {}): Softmax {
  return new Softmax(args);
}
