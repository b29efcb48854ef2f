import type { DType } from '../backend/types.js';
import { engine } from '../engine/engine.js';
import { shapesEqual, type Tensor, type Variable } from '../engine/tensor.js';
import { type ConfigDict, getInitializer, type Initializer } from '../initializers/initializers.js';
import { add } from '../ops/binary.js';
import { variable } from '../ops/creation.js';
import { clone } from '../ops/shape.js';
import type { Regularizer } from '../regularizers/regularizers.js';

/**
 * A shape whose dimensions may be unknown (`null`), such as the batch dimension.
 *
 * @example
 * ```ts
 * const s: nr.SymbolicShape = [null, 28, 28, 1];
 * ```
 */
export type SymbolicShape = readonly (number | null)[];

/**
 * Arguments every layer accepts.
 *
 * @example
 * ```ts
 * nr.layers.dense({ units: 4, inputShape: [3], name: 'hidden' });
 * ```
 */
export interface LayerArgs {
  /** Unique name; defaults to the snake_case class name with a counter (`dense`, `dense_1`, ...). */
  name?: string;
  /** Whether the layer's weights are updated by training (default true). */
  trainable?: boolean;
  /** Shape of one example (without the batch dimension); only on the first layer of a model. */
  inputShape?: SymbolicShape;
  /** Fixed batch size to combine with `inputShape`. */
  batchSize?: number;
  /** Full input shape including the batch dimension (alternative to `inputShape`). */
  batchInputShape?: SymbolicShape;
  /** Only 'float32' is supported for weights. */
  dtype?: DType;
}

/**
 * Options of a layer call.
 *
 * @example
 * ```ts
 * layer.apply(x, { training: true });
 * ```
 */
export interface CallOptions {
  /** True during `fit` (dropout drops, batch normalisation uses batch statistics). */
  training?: boolean;
}

interface LayerWeight {
  readonly variable: Variable;
  readonly regularizer: Regularizer | null;
}

const nameCounts = new Map<string, number>();

/** @internal Keras-style unique default names: `dense`, `dense_1`, `dense_2`, ... */
export function uniqueName(base: string): string {
  const n = nameCounts.get(base) ?? 0;
  nameCounts.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

/** @internal `MaxPooling2D` -> `max_pooling2d`. */
export function snakeCase(name: string): string {
  // Keras's rule: split before a capitalised word, then between a lower-case letter and a capital.
  return name
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** @internal Format a symbolic shape. */
export function fmtShape(shape: SymbolicShape): string {
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}

/**
 * Base class of every layer. A layer declares its weights in {@link Layer.build} through
 * {@link Layer.addWeight} (once the input shape is known), and computes its output in {@link Layer.call},
 * which is pure math on tensors. Subclass it to write your own layer.
 *
 * @example
 * ```ts
 * class Scale extends nr.Layer {
 *   static readonly className = 'Scale';
 *   private s!: nr.Variable;
 *   override build(shape: nr.SymbolicShape) { this.s = this.addWeight('s', [shape[shape.length - 1]!], 'ones'); }
 *   override call(x: nr.Tensor) { return nr.mul(x, this.s); }
 * }
 * ```
 */
export abstract class Layer {
  /** Keras class name, used in saved models (`Dense`, `Conv2D`, ...). */
  static readonly className: string = 'Layer';
  /** The layer's name, unique within a process by default. */
  readonly name: string;
  /** Whether training updates this layer's weights. */
  trainable: boolean;
  /** True once {@link Layer.build} has run. */
  built = false;
  /** The full input shape given at construction (first layer of a model), if any. */
  readonly batchInputShape: SymbolicShape | null;
  /** Input shape the layer was built for (batch dimension `null`). */
  protected builtInputShape: SymbolicShape | null = null;
  /**
   * @internal Prefix of this layer's weight names in place of its name: wrappers set it before the inner
   * layer builds, so weights are scoped as tfjs-layers scopes them (`bidirectional/forward_lstm/kernel`).
   */
  weightScope: string | null = null;
  private readonly layerWeights: LayerWeight[] = [];

  constructor(args: LayerArgs = {}) {
    this.name = args.name ?? uniqueName(snakeCase(this.className));
    this.trainable = args.trainable ?? true;
    if (args.dtype && args.dtype !== 'float32') {
      throw new Error(`${this.className} '${this.name}': dtype must be 'float32', got '${args.dtype}'`);
    }
    if (args.batchInputShape) this.batchInputShape = [...args.batchInputShape];
    else if (args.inputShape) this.batchInputShape = [args.batchSize ?? null, ...args.inputShape];
    else this.batchInputShape = null;
    if (this.batchInputShape) {
      for (const d of this.batchInputShape) {
        if (d !== null && (!Number.isInteger(d) || d < 0)) {
          throw new Error(
            `${this.className} '${this.name}': invalid inputShape ${fmtShape(this.batchInputShape)}`,
          );
        }
      }
    }
  }

  /** The Keras class name of this instance. */
  get className(): string {
    return (this.constructor as typeof Layer).className;
  }

  /** Create weights for inputs of `inputShape` (batch dimension `null`). Default: no weights. */
  build(_inputShape: SymbolicShape): void {}

  /** The layer's math: map a batch of inputs to a batch of outputs. */
  abstract call(inputs: Tensor, options: CallOptions): Tensor;

  /** Output shape for an input shape (batch dimension `null`). Default: unchanged. */
  computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    return inputShape;
  }

  /**
   * Check an input shape before building or calling (throw naming the layer, expected and actual shape).
   * Default: accept anything.
   */
  protected checkInputShape(_inputShape: SymbolicShape): void {}

  /** Build on first use, validate the input, then {@link Layer.call}. */
  apply(inputs: Tensor, options: CallOptions = {}): Tensor {
    const shape: SymbolicShape = [null, ...inputs.shape.slice(1)];
    if (!this.built) this.ensureBuilt(shape);
    else this.checkCompatible(shape);
    return this.call(inputs, options);
  }

  /** @internal Build once for `inputShape` (validating it first). */
  ensureBuilt(inputShape: SymbolicShape): void {
    if (this.built) {
      this.checkCompatible(inputShape);
      return;
    }
    this.checkInputShape(inputShape);
    this.build(inputShape);
    this.builtInputShape = [...inputShape];
    this.built = true;
  }

  /**
   * After building, inputs must keep the rank and the feature (last) axis the weights were made for; other
   * axes (image size, sequence length) may change, as in Keras. Layers with stricter needs check them in
   * {@link Layer.checkInputShape}.
   */
  private checkCompatible(shape: SymbolicShape): void {
    const b = this.builtInputShape;
    if (!b) return;
    const last = b.length - 1;
    const ok = b.length === shape.length && (last <= 0 || b[last] === null || b[last] === shape[last]);
    if (!ok) {
      throw new Error(
        `${this.className} '${this.name}': expected input shape ${fmtShape(b)}, got ${fmtShape(shape)}`,
      );
    }
  }

  /**
   * Declare a weight. Call it from {@link Layer.build}.
   *
   * @param name - short name; the variable is named `<layer name>/<name>` (or `<weightScope>/<name>`).
   */
  addWeight(
    name: string,
    shape: readonly number[],
    initializer: Initializer | string,
    options: { trainable?: boolean; regularizer?: Regularizer | null } = {},
  ): Variable {
    const init = getInitializer(initializer, `${this.className} '${this.name}' weight '${name}'`);
    const fullName = `${this.weightScope ?? this.name}/${name}`;
    const value = engine().scoped(fullName, () => init.apply(shape, 'float32'));
    const v = variable(value, options.trainable ?? true, fullName);
    value.dispose();
    this.layerWeights.push({ variable: v, regularizer: options.regularizer ?? null });
    return v;
  }

  /** All weights, trainable first in declaration order as Keras lists them. */
  get weights(): Variable[] {
    return [...this.trainableWeights, ...this.nonTrainableWeights];
  }

  /** Weights updated by training (none when the layer is frozen). */
  get trainableWeights(): Variable[] {
    return this.trainable ? this.layerWeights.filter((w) => w.variable.trainable).map((w) => w.variable) : [];
  }

  /** Weights not updated by gradients (batch-norm moving statistics, frozen layers). */
  get nonTrainableWeights(): Variable[] {
    return this.trainable
      ? this.layerWeights.filter((w) => !w.variable.trainable).map((w) => w.variable)
      : this.layerWeights.map((w) => w.variable);
  }

  /** Number of scalar parameters. */
  countParams(): number {
    return this.layerWeights.reduce((n, w) => n + w.variable.size, 0);
  }

  /** Copies of the current weight values (the caller owns them). */
  getWeights(): Tensor[] {
    return this.weights.map((w) => clone(w));
  }

  /** Replace the weight values (same order and shapes as {@link Layer.getWeights}); validates all before changing any. */
  setWeights(values: readonly Tensor[]): void {
    const ws = this.weights;
    if (values.length !== ws.length) {
      throw new Error(
        `${this.className} '${this.name}'.setWeights: expected ${ws.length} tensors, got ${values.length}`,
      );
    }
    ws.forEach((w, i) => {
      const v = values[i]!;
      if (!shapesEqual(v.shape, w.shape) || v.dtype !== w.dtype) {
        throw new Error(
          `${this.className} '${this.name}'.setWeights: weight ${i} ('${w.name}') expects shape ${fmtShape(w.shape)} ${w.dtype}, got ${fmtShape(v.shape)} ${v.dtype}`,
        );
      }
    });
    for (let i = 0; i < ws.length; i++) ws[i]!.assign(values[i]!);
  }

  /** Sum of the weight penalties of this layer, or `null` without regularizers. */
  regularizationLoss(): Tensor | null {
    let total: Tensor | null = null;
    for (const w of this.layerWeights) {
      if (!w.regularizer || !this.trainable) continue;
      const p = w.regularizer.apply(w.variable);
      total = total ? add(total, p) : p;
    }
    return total;
  }

  /** Serialisable configuration (camelCase keys; saved models convert them to Keras's snake_case). */
  getConfig(): ConfigDict {
    const config: ConfigDict = { name: this.name, trainable: this.trainable, dtype: 'float32' };
    if (this.batchInputShape) config.batchInputShape = [...this.batchInputShape];
    return config;
  }

  /** Free the layer's weights. */
  dispose(): void {
    for (const w of this.layerWeights) w.variable.dispose();
    this.layerWeights.length = 0;
    this.built = false;
  }
}
