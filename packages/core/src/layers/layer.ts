import type { DType } from '../backend/types.js';
import { engine } from '../engine/engine.js';
import type { Frame } from '../engine/hooks.js';
import { shapesEqual, type Tensor, type Variable } from '../engine/tensor.js';
import { type ConfigDict, getInitializer, type Initializer } from '../initializers/initializers.js';
import { chargeWeight } from '../io/weight-budget.js';
import { add } from '../ops/binary.js';
import { variable } from '../ops/creation.js';
import { clone } from '../ops/shape.js';
import type { Regularizer } from '../regularizers/regularizers.js';
import { isShapeList, Node, SymbolicTensor } from './symbolic.js';

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
 * What `apply` accepts: one tensor or several, concrete or symbolic (not mixed).
 *
 * @example
 * ```ts
 * const i: nr.LayerInput = [nr.input({ shape: [3] }), nr.input({ shape: [3] })];
 * ```
 */
export type LayerInput = Tensor | SymbolicTensor | readonly Tensor[] | readonly SymbolicTensor[];

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
  /**
   * The input's mask, `[batch, time]` of `bool` (true where a time step holds data), set by a model for a layer
   * after an `Embedding` with `maskZero` or a `Masking` layer; layers that support masking read it.
   */
  mask?: Tensor | null;
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
  private trainableValue: boolean;
  /** True once {@link Layer.build} has run. */
  built = false;
  /** The full input shape given at construction (first layer of a model), if any. */
  readonly batchInputShape: SymbolicShape | null;
  /** Input shape the layer was built for (batch dimension `null`). */
  protected builtInputShape: SymbolicShape | readonly SymbolicShape[] | null = null;
  /** Every symbolic application of this layer, in order (a shared layer has several). */
  readonly inboundNodes: Node[] = [];
  /**
   * @internal Prefix of this layer's weight names in place of its name: wrappers set it before the inner
   * layer builds, so weights are scoped as tfjs-layers scopes them (`bidirectional/forward_lstm/kernel`).
   */
  weightScope: string | null = null;
  /**
   * Whether the layer passes a mask on (the recurrent layers also read it). A layer that does not support
   * masking drops the mask it receives, as Keras 3 does.
   */
  supportsMasking = false;
  private readonly layerWeights: LayerWeight[] = [];

  constructor(args: LayerArgs = {}) {
    this.name = args.name ?? uniqueName(snakeCase(this.className));
    this.trainableValue = args.trainable ?? true;
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

  /**
   * Whether training updates this layer's weights. A frozen BatchNormalization also runs in inference mode
   * (moving statistics, no updates), as in Keras; a model passes the value on to every layer it holds.
   */
  get trainable(): boolean {
    return this.trainableValue;
  }

  set trainable(value: boolean) {
    this.trainableValue = value;
  }

  /** The Keras class name of this instance. */
  get className(): string {
    return (this.constructor as typeof Layer).className;
  }

  /**
   * Create weights for inputs of `inputShape` (batch dimension `null`; a list of shapes for a layer applied
   * to several inputs). Default: no weights.
   */
  build(_inputShape: SymbolicShape | readonly SymbolicShape[]): void {}

  /**
   * The layer's math: map a batch of inputs to a batch of outputs. Single-input layers receive one tensor
   * (`call(x: Tensor)`), multi-input layers (merge layers) an array; several outputs come back as an array.
   */
  abstract call(inputs: Tensor | Tensor[], options: CallOptions): Tensor | Tensor[];

  /** Output shape (or shapes) for an input shape or a list of them (batch dimension `null`). Default: unchanged. */
  computeOutputShape(inputShape: SymbolicShape | readonly SymbolicShape[]): SymbolicShape | SymbolicShape[] {
    return isShapeList(inputShape) ? [...inputShape] : inputShape;
  }

  /**
   * Check an input shape (or list of shapes) before building or calling (throw naming the layer, expected and
   * actual shape). Default: accept anything.
   */
  protected checkInputShape(_inputShape: SymbolicShape | readonly SymbolicShape[]): void {}

  /** Checks on concrete inputs before every eager call (the layer may not be built yet). Default: none. */
  protected checkCall(_inputs: readonly Tensor[]): void {}

  /** Dtype of the symbolic outputs for these symbolic inputs. Default: `'float32'`. */
  protected computeOutputDtype(_inputs: readonly SymbolicTensor[]): DType {
    return 'float32';
  }

  /**
   * Run the layer. On tensors: build on first use, validate, then {@link Layer.call}. On symbolic tensors
   * (from `nr.input` or another `apply`): build, record a node and return symbolic outputs of the computed
   * shape, for `nr.model`. An array applies the layer to several inputs (merge layers). A layer with several
   * outputs needs {@link Layer.applyMulti}.
   *
   * @example
   * ```ts
   * const a = nr.input({ shape: [4] });
   * const b = nr.input({ shape: [4] });
   * const sum = nr.layers.add().apply([a, b]); // SymbolicTensor [null, 4]
   * const y = nr.layers.dense({ units: 2 }).apply(nr.ones([3, 4])); // Tensor [3, 2]
   * ```
   */
  apply(inputs: SymbolicTensor | readonly SymbolicTensor[], options?: CallOptions): SymbolicTensor;
  apply(inputs: Tensor | readonly Tensor[], options?: CallOptions): Tensor;
  apply(inputs: LayerInput, options?: CallOptions): Tensor | SymbolicTensor;
  apply(inputs: LayerInput, options: CallOptions = {}): Tensor | SymbolicTensor {
    const outs = this.applyMulti(inputs as readonly Tensor[], options);
    if (outs.length !== 1) {
      throw new Error(
        `${this.className} '${this.name}'.apply: the layer has ${outs.length} outputs; use applyMulti() to get them all`,
      );
    }
    return outs[0]!;
  }

  /**
   * Like {@link Layer.apply}, but always returns the list of outputs (for layers and models with several).
   *
   * @example
   * ```ts
   * const [y1, y2] = twoHeadModel.applyMulti(nr.input({ shape: [4] }));
   * ```
   */
  applyMulti(inputs: SymbolicTensor | readonly SymbolicTensor[], options?: CallOptions): SymbolicTensor[];
  applyMulti(inputs: Tensor | readonly Tensor[], options?: CallOptions): Tensor[];
  applyMulti(inputs: LayerInput, options?: CallOptions): Tensor[] | SymbolicTensor[];
  applyMulti(inputs: LayerInput, options: CallOptions = {}): Tensor[] | SymbolicTensor[] {
    const list: readonly (Tensor | SymbolicTensor)[] = Array.isArray(inputs)
      ? (inputs as readonly (Tensor | SymbolicTensor)[])
      : [inputs as Tensor | SymbolicTensor];
    if (list.length === 0) throw new Error(`${this.className} '${this.name}'.apply: no inputs given`);
    const symbolic = list.filter((t) => t instanceof SymbolicTensor).length;
    if (symbolic === list.length) return this.applySymbolic(list as readonly SymbolicTensor[], options);
    if (symbolic > 0) {
      throw new Error(
        `${this.className} '${this.name}'.apply: inputs mix symbolic and concrete tensors; give all of one kind`,
      );
    }
    return this.invoke(list as readonly Tensor[], options);
  }

  /**
   * The mask of the output for these inputs and input mask (null: no mask). Default: the input mask when the
   * layer {@link Layer.supportsMasking | supports masking}, else none. `Embedding` and `Masking` make one.
   */
  computeMask(_inputs: Tensor | Tensor[], mask: Tensor | null): Tensor | null {
    return this.supportsMasking ? mask : null;
  }

  /** @internal This layer as the owner of the kernels it dispatches (debug guards, kernel report). */
  get frame(): Frame {
    return { owner: { kind: 'layer', name: this.name, className: this.className } };
  }

  /** @internal Eager call on a list of inputs: build, check, {@link Layer.call}; outputs as a list. */
  invoke(inputs: readonly Tensor[], options: CallOptions = {}): Tensor[] {
    return this.invokeMasked(inputs, options, false).outputs;
  }

  /**
   * @internal {@link Layer.invoke} that also returns the output mask (`withMask`; null when there is none).
   * The input mask comes in `options.mask` and reaches {@link Layer.call} only when the layer supports masking.
   */
  invokeMasked(
    inputs: readonly Tensor[],
    options: CallOptions,
    withMask: boolean,
  ): { outputs: Tensor[]; mask: Tensor | null } {
    const shapes = inputs.map((t): SymbolicShape => [null, ...t.shape.slice(1)]);
    this.checkCall(inputs);
    this.ensureBuilt(shapes.length === 1 ? shapes[0]! : shapes);
    const { mask: given, ...rest } = options;
    const inMask = this.supportsMasking ? (given ?? null) : null;
    const callOptions: CallOptions = inMask ? { ...rest, mask: inMask } : rest;
    const arg = inputs.length === 1 ? inputs[0]! : [...inputs];
    // One memory scope per call: a layer's intermediate tensors are freed, its outputs (and mask) kept.
    const e = engine();
    const run = () => {
      const out = this.call(arg, callOptions);
      return {
        outputs: Array.isArray(out) ? out : [out],
        mask: withMask ? this.computeMask(arg, inMask) : null,
      };
    };
    return e.scoped(this.name, e.hooks ? () => e.framed(this.frame, run) : run);
  }

  /** Symbolic application: build, compute the output shapes, record a node. */
  private applySymbolic(inputs: readonly SymbolicTensor[], _options: CallOptions): SymbolicTensor[] {
    const shapes = inputs.map((t) => t.shape);
    const arg = shapes.length === 1 ? shapes[0]! : shapes;
    this.ensureBuilt(arg);
    const out = this.computeOutputShape(arg);
    const outShapes = isShapeList(out) ? out : [out];
    const dtype = this.computeOutputDtype(inputs);
    const index = this.inboundNodes.length;
    const outputs = outShapes.map((s, i) => new SymbolicTensor([...s], dtype, this, index, i));
    this.inboundNodes.push(new Node(this, [...inputs], outputs, index));
    return outputs;
  }

  /** @internal Build once for `inputShape` (validating it first). */
  ensureBuilt(inputShape: SymbolicShape | readonly SymbolicShape[]): void {
    if (this.built) {
      this.checkCompatible(inputShape);
      return;
    }
    this.checkInputShape(inputShape);
    this.build(inputShape);
    this.builtInputShape = isShapeList(inputShape) ? inputShape.map((s) => [...s]) : [...inputShape];
    this.built = true;
  }

  /**
   * After building, inputs must keep the rank and the feature (last) axis the weights were made for; other
   * axes (image size, sequence length) may change, as in Keras. Layers with stricter needs check them in
   * {@link Layer.checkInputShape}.
   */
  private checkCompatible(shape: SymbolicShape | readonly SymbolicShape[]): void {
    const b = this.builtInputShape;
    if (!b) return;
    const builtList = isShapeList(b) ? b : [b];
    const list = isShapeList(shape) ? shape : [shape];
    const fits = (b: SymbolicShape, s: SymbolicShape): boolean => {
      const last = b.length - 1;
      return b.length === s.length && (last <= 0 || b[last] === null || b[last] === s[last]);
    };
    if (builtList.length !== list.length || !builtList.every((bs, i) => fits(bs, list[i]!))) {
      throw new Error(
        `${this.className} '${this.name}': expected input shape ${builtList.map(fmtShape).join(', ')}, got ${list.map(fmtShape).join(', ')}`,
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
    chargeWeight(fullName, shape); // a model being loaded may not create more than its file holds
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
