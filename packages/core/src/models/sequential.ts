import type { Tensor } from '../engine/tensor.js';
import { InputLayer } from '../layers/input-layer.js';
import { fmtShape, type Layer, type SymbolicShape, uniqueName } from '../layers/layer.js';
import { registerLayer } from '../layers/registry.js';
import type { SymbolicTensor } from '../layers/symbolic.js';
import { LayersModel } from './functional.js';

export type { CompileArgs } from './compile.js';

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
 * A linear stack of layers: the Keras `Sequential` model. It is a functional model ({@link LayersModel})
 * whose graph is the chain of its layers, built once the input shape is known (from the first layer's
 * `inputShape`, an `inputLayer`, `build()`, or the first data it sees), so it trains, saves and nests exactly
 * as one. Build it, `compile` it with an optimizer and a loss, then `fit`, `evaluate` and `predict`.
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
export class Sequential extends LayersModel<Tensor> {
  /** Keras class name. */
  static override readonly className: string = 'Sequential';
  private readonly stack: Layer[] = [];

  constructor(args: SequentialArgs = {}) {
    super({ name: args.name ?? uniqueName('sequential') });
    for (const l of args.layers ?? []) this.add(l);
  }

  /** The layers, in order (without the input layer made for `inputShape`). */
  override get layers(): readonly Layer[] {
    return this.stack;
  }

  /** Append a layer; the first layer must know its input shape (`inputShape`) before the model runs. */
  add(layer: Layer): void {
    if (this.stack.includes(layer))
      throw new Error(`Sequential '${this.name}': layer '${layer.name}' is already in the model`);
    if (this.stack.some((l) => l.name === layer.name)) {
      throw new Error(`Sequential '${this.name}': a layer named '${layer.name}' is already in the model`);
    }
    this.stack.push(layer);
    if (this.graph) {
      const out = layer.apply(this.graph.outputs[0]!);
      this.initGraph(this.graph.inputs[0]!, out);
      return;
    }
    const shape = this.declaredInputShape();
    if (shape) this.build(shape);
  }

  /** The input shape the first layer declares, if any. */
  private declaredInputShape(): SymbolicShape | null {
    const first = this.stack[0];
    if (!first) return null;
    if (first instanceof LayersModel && first.built) return first.inputShape;
    return first.batchInputShape;
  }

  /** Build every layer for inputs of `inputShape` (batch dimension first, may be `null`). */
  override build(inputShape: SymbolicShape | readonly SymbolicShape[]): void {
    if (inputShape.length > 0 && Array.isArray(inputShape[0]))
      throw new Error(`Sequential '${this.name}': a Sequential model takes one input`);
    if (this.stack.length === 0) throw new Error(`Sequential '${this.name}': the model has no layers`);
    const shape: SymbolicShape = [null, ...(inputShape as SymbolicShape).slice(1)];
    const first = this.stack[0]!;
    let input: SymbolicTensor;
    let rest: readonly Layer[];
    if (first instanceof InputLayer) {
      input = first.output;
      rest = this.stack.slice(1);
    } else {
      const dtype = first.className === 'Embedding' ? 'int32' : 'float32';
      input = new InputLayer({ batchInputShape: shape, dtype, name: uniqueName(`${first.name}_input`) })
        .output;
      rest = this.stack;
    }
    let x = input;
    for (const l of rest) x = l.apply(x);
    this.initGraph(input, x);
  }

  /** Input shape with a `null` batch dimension (throws before the model is built). */
  override get inputShape(): SymbolicShape {
    if (!this.graph) {
      throw new Error(
        `Sequential '${this.name}': input shape unknown; give the first layer an inputShape or call build()`,
      );
    }
    return [null, ...this.graph.inputs[0]!.shape.slice(1)];
  }

  override ensureBuilt(inputShape: SymbolicShape | readonly SymbolicShape[]): void {
    if (!this.graph) this.build(inputShape);
    else super.ensureBuilt(inputShape);
  }

  /** @internal Build from the data's shape, or check the data against the built input shape. */
  override checkInputs(xs: readonly Tensor[], what: string): void {
    if (xs.length !== 1)
      throw new Error(`Sequential '${this.name}': expected one ${what} tensor, got ${xs.length}`);
    this.ensureBuiltFor(xs[0]!.shape, what);
  }

  /** @internal Build from a data shape, or check the data shape against the built input shape. */
  ensureBuiltFor(shape: readonly number[], what: string): void {
    if (this.stack.length === 0) throw new Error(`Sequential '${this.name}': the model has no layers`);
    if (!this.graph) {
      this.build([null, ...shape.slice(1)]);
      return;
    }
    const expected = this.inputShape;
    const ok =
      expected.length === shape.length && expected.every((d, i) => i === 0 || d === null || d === shape[i]);
    if (!ok) {
      throw new Error(
        `Sequential '${this.name}': expected ${what} of shape ${fmtShape(expected)}, got [${shape.join(', ')}]` +
          ` (layer '${this.stack[0]!.name}')`,
      );
    }
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

registerLayer(Sequential);
