import type { DType } from '../backend/types.js';
import type { History, Logs } from '../callbacks/callback.js';
import { compileCheck } from '../debug/backend-check.js';
import { type KernelReport, kernelReport } from '../debug/kernel-report.js';
import { engine } from '../engine/engine.js';
import type { Tensor, Variable } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { saveModel } from '../io/model-io.js';
import { functionalConfig } from '../io/topology.js';
import type { IOHandler, SaveOptions, SaveResult } from '../io/types.js';
import { type CallOptions, fmtShape, Layer, type SymbolicShape, uniqueName } from '../layers/layer.js';
import { registerLayer } from '../layers/registry.js';
import { Node, type SymbolicTensor } from '../layers/symbolic.js';
import type { LossFn } from '../losses/losses.js';
import type { Metric } from '../metrics/metrics.js';
import { add } from '../ops/binary.js';
import { getOptimizer, type Optimizer } from '../optimizers/index.js';
import {
  type EvaluateArgs,
  evaluateModel,
  type FitArgs,
  fitModel,
  type ModelData,
  type PredictArgs,
  predictModel,
} from '../training/fit.js';
import { checkCompileArgs, markDisposed, modelFacts } from '../training/validate.js';
import { type CompileArgs, type CompiledOutputs, resolveOutputs } from './compile.js';
import { buildGraph, type Graph, type NodeOverride, runGraph } from './graph.js';
import { formatSummary } from './summary.js';

/**
 * Arguments of {@link model}: the symbolic inputs (from `nr.input`) and the outputs computed from them.
 *
 * @example
 * ```ts
 * const x = nr.input({ shape: [4] });
 * const args: nr.ModelArgs = { inputs: x, outputs: nr.layers.dense({ units: 1 }).apply(x), name: 'linear' };
 * ```
 */
export interface ModelArgs {
  inputs: SymbolicTensor | readonly SymbolicTensor[];
  outputs: SymbolicTensor | readonly SymbolicTensor[];
  name?: string;
  /** False freezes every layer of the model (default true). */
  trainable?: boolean;
}

/**
 * A graph of layers from symbolic inputs to outputs: the Keras functional `Model` (tfjs `LayersModel`). Any
 * directed acyclic graph works: skip connections, shared layers, several inputs and outputs. Compile it with a
 * loss per output, then `fit` / `evaluate` / `predict` with a tensor, an array of tensors (in input / output
 * order) or an object keyed by input / output layer name. A model is itself a layer: apply it to tensors or
 * to symbolic tensors inside another model. `Out` is what `predict` returns: `Tensor` for one output,
 * `Tensor[]` for an array of outputs.
 *
 * @example
 * ```ts
 * const x = nr.input({ shape: [8] });
 * const h = nr.layers.dense({ units: 8, activation: 'relu' }).apply(x);
 * const y = nr.layers.dense({ units: 1 }).apply(nr.layers.add().apply([x, h]));
 * const m = nr.model({ inputs: x, outputs: y });
 * m.compile({ optimizer: 'adam', loss: 'mse' });
 * ```
 */
export class LayersModel<Out extends Tensor | Tensor[] = Tensor | Tensor[]> extends Layer {
  /** Keras class name (tfjs-layers writes `Model`; Keras 2 writes `Functional`, read as well). */
  static override readonly className: string = 'Model';
  /** Set by callbacks to stop `fit` after the current batch. */
  stopTraining = false;
  /** @internal */
  optimizerInstance: Optimizer | null = null;
  /** @internal The compiled losses, loss weights and metrics, one entry per output. */
  compiled: CompiledOutputs | null = null;
  /** @internal */
  protected graph: Graph | null = null;
  /** True when the outputs were given as one tensor (predict returns one tensor). */
  protected singleOutput = true;

  constructor(args: Partial<ModelArgs> = {}) {
    super({ name: args.name ?? uniqueName('model'), trainable: args.trainable });
    if (args.inputs !== undefined || args.outputs !== undefined) {
      if (args.inputs === undefined || args.outputs === undefined)
        throw new Error(`Model '${this.name}': give both inputs and outputs`);
      this.initGraph(args.inputs, args.outputs);
      if (args.trainable === false) this.trainable = false;
    }
  }

  /** @internal Set the graph (again, for a Sequential that grows); records the model's own node 0. */
  protected initGraph(
    inputs: SymbolicTensor | readonly SymbolicTensor[],
    outputs: SymbolicTensor | readonly SymbolicTensor[],
  ): void {
    const ins = Array.isArray(inputs) ? [...inputs] : [inputs as SymbolicTensor];
    const outs = Array.isArray(outputs) ? [...outputs] : [outputs as SymbolicTensor];
    this.graph = buildGraph(ins, outs, `${this.className} '${this.name}'`);
    this.singleOutput = !Array.isArray(outputs);
    this.builtInputShape = ins.length === 1 ? ins[0]!.shape : ins.map((t) => t.shape);
    this.built = true;
    // As in Keras and tfjs, node 0 of a model links its own inputs to its outputs; applying the model in
    // another graph makes node 1, 2, ...
    const self = new Node(this, ins, outs, 0);
    if (this.inboundNodes.length <= 1) this.inboundNodes[0] = self;
    else
      throw new Error(
        `${this.className} '${this.name}': cannot change a model already used in another model`,
      );
  }

  /** @internal The graph (throws before it exists). */
  requireGraph(): Graph {
    if (!this.graph) throw new Error(`${this.className} '${this.name}': the model is not built yet`);
    return this.graph;
  }

  /** The layers of the graph, input layers first, each once. */
  get layers(): readonly Layer[] {
    return this.graph?.layers ?? [];
  }

  /** Find a layer by name (throws listing the names). */
  getLayer(name: string): Layer {
    const l = this.layers.find((x) => x.name === name);
    if (!l)
      throw new Error(
        `${this.className} '${this.name}': no layer named '${name}' (layers: ${this.layers.map((x) => x.name).join(', ')})`,
      );
    return l;
  }

  /** The symbolic inputs. */
  get inputs(): readonly SymbolicTensor[] {
    return this.requireGraph().inputs;
  }

  /** The symbolic outputs. */
  get outputs(): readonly SymbolicTensor[] {
    return this.requireGraph().outputs;
  }

  /** Names of the inputs (their input layers), the keys of name-keyed `x` objects. */
  get inputNames(): string[] {
    return this.inputs.map((t) => t.sourceLayer.name);
  }

  /** Names of the outputs (their layers), the keys of name-keyed `y`, `loss` and `metrics` objects and the log prefixes. */
  get outputNames(): string[] {
    const seen = new Map<string, number>();
    return this.outputs.map((t) => {
      const n = seen.get(t.sourceLayer.name) ?? 0;
      seen.set(t.sourceLayer.name, n + 1);
      return n === 0 ? t.sourceLayer.name : `${t.sourceLayer.name}_${n}`;
    });
  }

  /** Shape of the (first) input, batch dimension `null`. */
  get inputShape(): SymbolicShape {
    return this.inputs[0]!.shape;
  }

  /** Shape of the (first) output, batch dimension `null`. */
  get outputShape(): SymbolicShape {
    return this.outputShapes[0]!;
  }

  /** Shapes of every output, batch dimension `null`. */
  get outputShapes(): SymbolicShape[] {
    return this.outputs.map((t) => t.shape);
  }

  override get trainable(): boolean {
    return super.trainable;
  }

  /** Setting it sets every layer of the model too (as Keras does): false freezes the whole model. */
  override set trainable(value: boolean) {
    super.trainable = value;
    for (const l of this.layers) l.trainable = value;
  }

  override call(inputs: Tensor | Tensor[], options: CallOptions): Tensor | Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const outs = engine().scoped(this.name, () => this.execute(list, options));
    return outs.length === 1 ? outs[0]! : outs;
  }

  /** @internal Run the graph without a memory scope (the caller's scope frees intermediates). */
  execute(inputs: readonly Tensor[], options: CallOptions, override?: NodeOverride): Tensor[] {
    const g = this.requireGraph();
    if (inputs.length !== g.inputs.length) {
      throw new Error(
        `${this.className} '${this.name}': expected ${g.inputs.length} inputs, got ${inputs.length}`,
      );
    }
    return runGraph(g, inputs, options, override);
  }

  override computeOutputShape(
    _inputShape: SymbolicShape | readonly SymbolicShape[],
  ): SymbolicShape | SymbolicShape[] {
    const shapes = this.outputShapes;
    return shapes.length === 1 ? shapes[0]! : shapes;
  }

  protected override computeOutputDtype(): DType {
    return this.outputs[0]!.dtype;
  }

  override ensureBuilt(inputShape: SymbolicShape | readonly SymbolicShape[]): void {
    const list =
      inputShape.length > 0 && Array.isArray(inputShape[0])
        ? (inputShape as readonly SymbolicShape[])
        : [inputShape as SymbolicShape];
    this.checkInputShapes(list, 'input');
  }

  /** @internal Check data shapes (batch first) against the inputs, naming the input. */
  checkInputShapes(shapes: readonly SymbolicShape[], what: string): void {
    const ins = this.inputs;
    if (shapes.length !== ins.length) {
      throw new Error(
        `${this.className} '${this.name}': expected ${ins.length} inputs (${this.inputNames.join(', ')}), got ${shapes.length}`,
      );
    }
    ins.forEach((t, i) => {
      const s = shapes[i]!;
      const ok =
        s.length === t.shape.length &&
        t.shape.every((d, j) => j === 0 || d === null || s[j] === null || d === s[j]);
      if (!ok) {
        const which = ins.length === 1 ? what : `${what} '${t.sourceLayer.name}'`;
        throw new Error(
          `${this.className} '${this.name}': expected ${which} of shape ${fmtShape(t.shape)}, got ${fmtShape(s)}`,
        );
      }
    });
  }

  /** @internal Check the tensors given to fit / evaluate / predict (a Sequential builds itself from them). */
  checkInputs(xs: readonly Tensor[], what: string): void {
    this.checkInputShapes(
      xs.map((x) => x.shape),
      what,
    );
  }

  override get weights(): Variable[] {
    return this.layers.flatMap((l) => l.weights);
  }

  override get trainableWeights(): Variable[] {
    return this.trainable ? this.layers.flatMap((l) => l.trainableWeights) : [];
  }

  override get nonTrainableWeights(): Variable[] {
    return this.trainable ? this.layers.flatMap((l) => l.nonTrainableWeights) : this.weights;
  }

  override countParams(): number {
    return this.layers.reduce((n, l) => n + l.countParams(), 0);
  }

  override regularizationLoss(): Tensor | null {
    if (!this.trainable) return null;
    let total: Tensor | null = null;
    for (const l of this.layers) {
      const r = l.regularizationLoss();
      if (r) total = total ? add(total, r) : r;
    }
    return total;
  }

  /**
   * Choose the optimizer, the losses (one per output) and the metrics; see {@link CompileArgs}. Creates
   * the optimizer's state for the trainable weights.
   */
  compile(args: CompileArgs): void {
    checkCompileArgs(args, modelFacts(this));
    const where = `${this.className} '${this.name}'.compile`;
    if (!args || args.optimizer === undefined) throw new Error(`${where}: 'optimizer' is required`);
    if (args.loss === undefined) throw new Error(`${where}: 'loss' is required`);
    const shapes = this.graph ? this.outputShapes : [undefined];
    const names = this.graph ? this.outputNames : ['output'];
    const resolved = resolveOutputs(args, names, shapes, where);
    const optimizer = getOptimizer(args.optimizer);
    if (this.optimizerInstance && this.optimizerInstance !== optimizer) this.optimizerInstance.dispose();
    this.optimizerInstance = optimizer;
    this.compiled = resolved;
    if (this.built) optimizer.prepare(this.trainableWeights);
    compileCheck(this, args.backendCheck, where);
  }

  /**
   * The kernels a training step of this compiled model dispatches on the active backend (forward and
   * backward, by layer, loss, metric and optimizer), each `native`, `composite` or `missing`. Runs one probe
   * step on a batch of zeros; the weights, the optimizer and the seeded generator are left as they were.
   *
   * @example
   * ```ts
   * model.compile({ optimizer: 'sgd', loss: 'mse' });
   * console.log(model.kernelReport().toString());
   * ```
   */
  kernelReport(): KernelReport {
    return kernelReport(this, `${this.className} '${this.name}'.kernelReport`);
  }

  /** The compiled optimizer, or `null`. */
  get optimizer(): Optimizer | null {
    return this.optimizerInstance;
  }

  /** The loss of the (first) output, or `null` before `compile`. */
  get lossFn(): LossFn | null {
    return this.compiled?.lossFns[0] ?? null;
  }

  /** The metrics of the (first) output. */
  get metricList(): Metric[] {
    return this.compiled?.metricLists[0] ?? [];
  }

  /**
   * Train: see {@link FitArgs} for epochs, batch size, the three gradient-descent modes, validation, weights
   * and callbacks. `x` and `y` are a tensor, an array (input / output order) or an object keyed by name.
   * Resolves to the {@link History}; with several outputs the logs hold `loss` (the weighted total) and
   * `<output>_loss`, `<output>_<metric>` per output.
   */
  fit(x: ModelData, y: ModelData, args: FitArgs = {}): Promise<History> {
    return fitModel(this, x, y, args);
  }

  /** Loss and metrics on a dataset, in batches (logs named as in {@link LayersModel.fit}). */
  evaluate(x: ModelData, y: ModelData, args: EvaluateArgs = {}): Promise<Logs> {
    return evaluateModel(this, x, y, args);
  }

  /** Outputs for a dataset of any size, computed in batches (inference mode). */
  predict(x: ModelData, args: PredictArgs = {}): Out {
    const outs = predictModel(this, x, args);
    return (this.singleOutput && outs.length === 1 ? outs[0]! : outs) as Out;
  }

  /**
   * Print (or pass to `printFn`) a table of layers, output shapes, parameter counts and, for a graph model,
   * the inbound layers of each ("Connected to"), with totals as Keras reports them.
   */
  summary(printFn: (line: string) => void = console.log): string {
    const text = formatSummary(this);
    for (const line of text.split('\n')) printFn(line);
    return text;
  }

  /**
   * Save in the TensorFlow.js LayersModel format: `'file://dir'` in Node, or any {@link IOHandler}. A compiled
   * model saves its training config; `{ includeOptimizer: true }` also saves the optimizer's state.
   */
  save(target: string | IOHandler, options: SaveOptions = {}): Promise<SaveResult> {
    return saveModel(this, target, options);
  }

  /** Keras topology of the model (camelCase; saving converts to Keras's snake_case). */
  override getConfig(): ConfigDict {
    return functionalConfig(this);
  }

  /** Free every weight and the optimizer state. */
  override dispose(): void {
    markDisposed(this);
    for (const l of this.layers) l.dispose();
    this.optimizerInstance?.dispose();
    this.optimizerInstance = null;
  }
}

/**
 * Build a functional model: the graph of layers between `inputs` (from {@link input}) and `outputs`.
 * Outputs given as an array make `predict` return an array.
 *
 * @example
 * ```ts
 * const a = nr.input({ shape: [3], name: 'a' });
 * const b = nr.input({ shape: [5], name: 'b' });
 * const joined = nr.layers.concatenate().apply([a, b]);
 * const m = nr.model({ inputs: [a, b], outputs: nr.layers.dense({ units: 1 }).apply(joined) });
 * m.predict([nr.ones([2, 3]), nr.ones([2, 5])]); // Tensor [2, 1]
 * ```
 */
export function model(args: ModelArgs & { outputs: SymbolicTensor }): LayersModel<Tensor>;
export function model(args: ModelArgs & { outputs: readonly SymbolicTensor[] }): LayersModel<Tensor[]>;
export function model(args: ModelArgs): LayersModel;
export function model(args: ModelArgs): LayersModel {
  if (!args || args.inputs === undefined || args.outputs === undefined)
    throw new Error('model: give { inputs, outputs } (symbolic tensors from nr.input and layer.apply)');
  return new LayersModel(args);
}

registerLayer(LayersModel);
