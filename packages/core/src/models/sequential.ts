import type { History, Logs } from '../callbacks/callback.js';
import { engine } from '../engine/engine.js';
import type { Tensor, Variable } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { saveModel } from '../io/model-io.js';
import type { IOHandler, SaveOptions, SaveResult } from '../io/types.js';
import { type CallOptions, fmtShape, type Layer, type SymbolicShape, uniqueName } from '../layers/layer.js';
import { getLoss, type LossFn } from '../losses/losses.js';
import { getMetric, type Metric } from '../metrics/metrics.js';
import { getOptimizer, type Optimizer } from '../optimizers/index.js';
import {
  type EvaluateArgs,
  evaluateModel,
  type FitArgs,
  fitModel,
  type PredictArgs,
  predictModel,
} from '../training/fit.js';
import { checkCompileArgs, markDisposed, modelFacts } from '../training/validate.js';
import { formatSummary } from './summary.js';

/**
 * Arguments of {@link sequential}.
 *
 * @example
 * ```ts
 * const args: nr.SequentialArgs = { layers: [nr.layers.dense({ units: 1, inputShape: [3] })] };
 * ```
 */
export interface SequentialArgs {
  layers?: Layer[];
  name?: string;
}

/**
 * Arguments of {@link Sequential.compile}.
 *
 * @example
 * ```ts
 * model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
 * ```
 */
export interface CompileArgs {
  optimizer: Optimizer | string;
  loss: LossFn | string | ((yTrue: Tensor, yPred: Tensor) => Tensor);
  metrics?: readonly (Metric | string | ((yTrue: Tensor, yPred: Tensor) => Tensor))[];
}

/**
 * A linear stack of layers: the Keras `Sequential` model. Build it, `compile` it with an optimizer and a
 * loss, then `fit`, `evaluate` and `predict`.
 *
 * @example
 * ```ts
 * const model = nr.sequential({ layers: [
 *   nr.layers.dense({ units: 8, activation: 'tanh', inputShape: [2] }),
 *   nr.layers.dense({ units: 1, activation: 'sigmoid' }),
 * ] });
 * model.compile({ optimizer: nr.optimizers.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
 * await model.fit(x, y, { epochs: 200, verbose: 0 });
 * ```
 */
export class Sequential {
  /** Keras class name. */
  static readonly className = 'Sequential';
  readonly name: string;
  /** The layers, in order. */
  readonly layers: Layer[] = [];
  /** Set by callbacks to stop `fit` after the current batch. */
  stopTraining = false;
  /** @internal */
  optimizerInstance: Optimizer | null = null;
  /** @internal */
  lossFn: LossFn | null = null;
  /** @internal */
  metricList: Metric[] = [];
  private inputShapeValue: SymbolicShape | null = null;

  constructor(args: SequentialArgs = {}) {
    this.name = args.name ?? uniqueName('sequential');
    for (const l of args.layers ?? []) this.add(l);
  }

  /** Append a layer; the first layer must know its input shape (`inputShape`) before the model runs. */
  add(layer: Layer): void {
    if (this.layers.includes(layer))
      throw new Error(`Sequential '${this.name}': layer '${layer.name}' is already in the model`);
    if (this.layers.some((l) => l.name === layer.name)) {
      throw new Error(`Sequential '${this.name}': a layer named '${layer.name}' is already in the model`);
    }
    this.layers.push(layer);
    const first = this.layers[0]!;
    if (first.batchInputShape && !this.inputShapeValue) this.build(first.batchInputShape);
    else if (this.inputShapeValue)
      this.buildFrom(this.layers.length - 1, this.outputShapeOf(this.layers.length - 2));
  }

  /** True once every layer has its weights. */
  get built(): boolean {
    return this.inputShapeValue !== null && this.layers.every((l) => l.built);
  }

  /** Build every layer for inputs of `inputShape` (batch dimension first, may be `null`). */
  build(inputShape: SymbolicShape): void {
    this.inputShapeValue = [null, ...inputShape.slice(1)];
    this.buildFrom(0, this.inputShapeValue);
  }

  /** Build layers from `start` on, given the input shape of layer `start`. */
  private buildFrom(start: number, shapeAtStart: SymbolicShape): void {
    let s = shapeAtStart;
    for (let i = start; i < this.layers.length; i++) {
      const l = this.layers[i]!;
      l.ensureBuilt(s);
      s = l.computeOutputShape(s);
    }
  }

  private outputShapeOf(index: number): SymbolicShape {
    let s = this.inputShapeValue!;
    for (let i = 0; i <= index; i++) s = this.layers[i]!.computeOutputShape(s);
    return s;
  }

  /** Input shape with a `null` batch dimension (throws before the model is built). */
  get inputShape(): SymbolicShape {
    if (!this.inputShapeValue) {
      throw new Error(
        `Sequential '${this.name}': input shape unknown; give the first layer an inputShape or call build()`,
      );
    }
    return this.inputShapeValue;
  }

  /** Output shape with a `null` batch dimension. */
  get outputShape(): SymbolicShape {
    return this.outputShapeOf(this.layers.length - 1);
  }

  /** Run the layers on a batch. Builds the model from the batch's shape on first use. */
  apply(x: Tensor, options: CallOptions = {}): Tensor {
    this.ensureBuiltFor(x.shape, 'input');
    return engine().scoped(this.name, () => {
      let h = x;
      for (const l of this.layers) h = l.apply(h, options);
      return h;
    });
  }

  /** @internal Build from a data shape, or check the data shape against the built input shape. */
  ensureBuiltFor(shape: readonly number[], what: string): void {
    if (this.layers.length === 0) throw new Error(`Sequential '${this.name}': the model has no layers`);
    if (!this.inputShapeValue) {
      this.build([null, ...shape.slice(1)]);
      return;
    }
    const expected = this.inputShapeValue;
    const ok =
      expected.length === shape.length && expected.every((d, i) => i === 0 || d === null || d === shape[i]);
    if (!ok) {
      throw new Error(
        `Sequential '${this.name}': expected ${what} of shape ${fmtShape(expected)}, got [${shape.join(', ')}]` +
          ` (layer '${this.layers[0]!.name}')`,
      );
    }
  }

  /** Choose the optimizer, the loss and the metrics. Creates the optimizer's state when the model is built. */
  compile(args: CompileArgs): void {
    checkCompileArgs(args, modelFacts(this));
    if (!args || args.optimizer === undefined)
      throw new Error(`Sequential '${this.name}'.compile: 'optimizer' is required`);
    if (args.loss === undefined) throw new Error(`Sequential '${this.name}'.compile: 'loss' is required`);
    const optimizer = getOptimizer(args.optimizer);
    const lossFn = getLoss(args.loss);
    const outputShape = this.inputShapeValue ? this.outputShape : undefined;
    const metrics = (args.metrics ?? []).map((m) => getMetric(m, { lossName: lossFn.lossName, outputShape }));
    if (this.optimizerInstance && this.optimizerInstance !== optimizer) this.optimizerInstance.dispose();
    this.optimizerInstance = optimizer;
    this.lossFn = lossFn;
    this.metricList = metrics;
    if (this.built) optimizer.prepare(this.trainableWeights);
  }

  /** The compiled optimizer, or `null`. */
  get optimizer(): Optimizer | null {
    return this.optimizerInstance;
  }

  /**
   * Train: see {@link FitArgs} for epochs, batch size, the three gradient-descent modes, validation, weights
   * and callbacks. Resolves to the {@link History}.
   */
  fit(x: Tensor, y: Tensor, args: FitArgs = {}): Promise<History> {
    return fitModel(this, x, y, args);
  }

  /** Loss and metrics on a dataset, in batches. */
  evaluate(x: Tensor, y: Tensor, args: EvaluateArgs = {}): Promise<Logs> {
    return evaluateModel(this, x, y, args);
  }

  /** Outputs for a dataset of any size, computed in batches (inference mode). */
  predict(x: Tensor, args: PredictArgs = {}): Tensor {
    return predictModel(this, x, args);
  }

  /** All weights of all layers, in order. */
  get weights(): Variable[] {
    return this.layers.flatMap((l) => l.weights);
  }

  /** Weights that training updates. */
  get trainableWeights(): Variable[] {
    return this.layers.flatMap((l) => l.trainableWeights);
  }

  /** Weights that training does not update by gradient. */
  get nonTrainableWeights(): Variable[] {
    return this.layers.flatMap((l) => l.nonTrainableWeights);
  }

  /** Copies of every layer's weights, in order (the caller owns them). */
  getWeights(): Tensor[] {
    return this.layers.flatMap((l) => l.getWeights());
  }

  /** Set every layer's weights (the order of {@link Sequential.getWeights}); checks all shapes before changing any. */
  setWeights(values: readonly Tensor[]): void {
    const total = this.layers.reduce((n, l) => n + l.weights.length, 0);
    if (values.length !== total) {
      throw new Error(
        `Sequential '${this.name}'.setWeights: expected ${total} tensors, got ${values.length}`,
      );
    }
    let offset = 0;
    const plan = this.layers.map((l) => {
      const part = values.slice(offset, offset + l.weights.length);
      offset += l.weights.length;
      return [l, part] as const;
    });
    // Validate everything first so a bad list changes nothing.
    plan.forEach(([l, part]) => {
      l.weights.forEach((w, i) => {
        const v = part[i]!;
        if (
          v.dtype !== w.dtype ||
          v.shape.length !== w.shape.length ||
          v.shape.some((d, j) => d !== w.shape[j])
        ) {
          throw new Error(
            `Sequential '${this.name}'.setWeights: '${w.name}' expects shape [${w.shape.join(', ')}] ${w.dtype}, got [${v.shape.join(', ')}] ${v.dtype}`,
          );
        }
      });
    });
    for (const [l, part] of plan) l.setWeights(part);
  }

  /** Number of scalar parameters. */
  countParams(): number {
    return this.layers.reduce((n, l) => n + l.countParams(), 0);
  }

  /**
   * Print (or pass to `printFn`) a table of layers, output shapes and parameter counts, with totals —
   * the same counts Keras reports.
   */
  summary(printFn: (line: string) => void = console.log): string {
    const text = formatSummary(this);
    for (const line of text.split('\n')) printFn(line);
    return text;
  }

  /**
   * Save in the TensorFlow.js LayersModel format: `'file://dir'` in Node, or any {@link IOHandler}.
   * Files are written atomically. A compiled model saves its training config; `{ includeOptimizer: true }`
   * also saves the optimizer's state, so a loaded model resumes training exactly.
   */
  save(target: string | IOHandler, options: SaveOptions = {}): Promise<SaveResult> {
    return saveModel(this, target, options);
  }

  /** Keras topology of the model (camelCase; saving converts to Keras's snake_case). */
  getConfig(): ConfigDict {
    return {
      name: this.name,
      layers: this.layers.map((l) => ({ className: l.className, config: l.getConfig() })),
    };
  }

  /** Free every weight and the optimizer state. */
  dispose(): void {
    markDisposed(this);
    for (const l of this.layers) l.dispose();
    this.optimizerInstance?.dispose();
    this.optimizerInstance = null;
  }
}

/**
 * Create a {@link Sequential} model.
 *
 * @example
 * ```ts
 * const model = nr.sequential({ layers: [nr.layers.dense({ units: 10, activation: 'softmax', inputShape: [784] })] });
 * ```
 */
export function sequential(args: SequentialArgs = {}): Sequential {
  return new Sequential(args);
}
