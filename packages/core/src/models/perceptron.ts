import { engine } from '../engine/engine.js';
import { Tensor, type Variable } from '../engine/tensor.js';
import { getInitializer, type Initializer } from '../initializers/initializers.js';
import { add } from '../ops/binary.js';
import { scalar, tensor, variable } from '../ops/creation.js';
import { matMul } from '../ops/matmul.js';
import { cast, reshape } from '../ops/shape.js';
import { step } from '../ops/unary.js';
import { fmt } from '../ops/util.js';

/**
 * Options of {@link perceptron}.
 *
 * @example
 * ```ts
 * const a: nr.PerceptronArgs = { inputDim: 2, learningRate: 0.5, weights: [0.1, -0.2], bias: 0 };
 * ```
 */
export interface PerceptronArgs {
  /** Number of inputs. */
  inputDim: number;
  /** Step size eta of the perceptron rule (> 0, default 1). */
  learningRate?: number;
  /** Initial weights (`inputDim` numbers, or a tensor of shape `[inputDim]` or `[inputDim, 1]`); overrides `initializer`. */
  weights?: readonly number[] | Tensor;
  /** Initial bias (default 0). */
  bias?: number;
  /** Initializer of the weights when `weights` is not given (default `'zeros'`). */
  initializer?: Initializer | string;
}

/**
 * Options of {@link Perceptron.fit}.
 *
 * @example
 * ```ts
 * const o: nr.PerceptronFitArgs = { epochs: 20, shuffle: true };
 * ```
 */
export interface PerceptronFitArgs {
  /** Maximum number of passes over the data (default 100); training stops at the first error-free pass. */
  epochs?: number;
  /** Visit the examples in a new order each epoch, drawn from the engine's seeded generator. */
  shuffle?: boolean;
}

/**
 * What {@link Perceptron.fit} reports.
 *
 * @example
 * ```ts
 * const r: nr.PerceptronFitResult = await p.fit(x, y);
 * if (r.converged) console.log(`separated the data in epoch ${r.epoch}`);
 * ```
 */
export interface PerceptronFitResult {
  /** True when an epoch made no mistake (the data are separated). */
  converged: boolean;
  /** The 1-based epoch with zero errors, or `null` when training did not converge. */
  epoch: number | null;
  /** Misclassified examples (hence updates) in each epoch run. */
  errorsPerEpoch: number[];
  /** Total number of weight updates. */
  updates: number;
}

const WHERE = 'perceptron';

function checkFinite(where: string, data: ArrayLike<number>): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!))
      throw new Error(`${where}: expected finite numbers, got ${data[i]} at index ${i}`);
  }
}

/** Flatten x ([n, inputDim]) to float32 on the host. */
async function readInputs(x: Tensor | readonly (readonly number[])[], d: number): Promise<Float32Array> {
  if (x instanceof Tensor) {
    if (x.rank !== 2 || x.shape[1] !== d) {
      throw new Error(`${WHERE}.fit: x must have shape [n, ${d}], got ${fmt(x.shape)}`);
    }
    if (x.dtype === 'bool') throw new Error(`${WHERE}.fit: x must be float32 or int32, got bool`);
    const out = Float32Array.from(await x.data());
    checkFinite(`${WHERE}.fit: x`, out);
    return out;
  }
  if (!Array.isArray(x)) throw new Error(`${WHERE}.fit: x must be a Tensor or number[][], got ${typeof x}`);
  const out = new Float32Array(x.length * d);
  x.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== d) {
      throw new Error(
        `${WHERE}.fit: x must have shape [n, ${d}]; row ${i} has ${Array.isArray(row) ? row.length : 'no'} values`,
      );
    }
    out.set(row, i * d);
  });
  checkFinite(`${WHERE}.fit: x`, out);
  return out;
}

/** Labels as 0/1 numbers; shape [n] or [n, 1]. */
async function readLabels(y: Tensor | readonly number[], n: number): Promise<ArrayLike<number>> {
  let labels: ArrayLike<number>;
  if (y instanceof Tensor) {
    const ok = (y.rank === 1 && y.shape[0] === n) || (y.rank === 2 && y.shape[0] === n && y.shape[1] === 1);
    if (!ok) throw new Error(`${WHERE}.fit: y must have shape [${n}] or [${n}, 1], got ${fmt(y.shape)}`);
    labels = await y.data();
  } else {
    if (!Array.isArray(y)) throw new Error(`${WHERE}.fit: y must be a Tensor or number[], got ${typeof y}`);
    if (y.length !== n)
      throw new Error(`${WHERE}.fit: y must have ${n} labels (one per row of x), got ${y.length}`);
    labels = y;
  }
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) {
      throw new Error(`${WHERE}.fit: labels must be 0 or 1, got ${labels[i]} at index ${i}`);
    }
  }
  return labels;
}

/**
 * Rosenblatt's perceptron: one neuron with a Heaviside step, `y = 1 if w·x + b >= 0 else 0`, trained
 * example by example with the perceptron rule `w += eta (y - ŷ) x`, `b += eta (y - ŷ)`.
 * Training runs on the host (in float32, from the data read once); prediction runs on the backend.
 *
 * @example
 * ```ts
 * const p = nr.perceptron({ inputDim: 2 });
 * const r = await p.fit([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 0, 0, 1]); // AND
 * console.log(r.converged, p.weights, p.bias);
 * p.dispose();
 * ```
 */
export class Perceptron {
  /** Number of inputs. */
  readonly inputDim: number;
  /** Step size eta. */
  readonly learningRate: number;
  private readonly w: Float32Array;
  private b: number;
  private readonly wVar: Variable;
  private readonly bVar: Variable;
  private disposed = false;

  constructor(args: PerceptronArgs) {
    if (!args || typeof args !== 'object')
      throw new Error(`${WHERE}: expected { inputDim, ... }, got ${args}`);
    const { inputDim, learningRate = 1, bias = 0, initializer = 'zeros' } = args;
    if (!Number.isInteger(inputDim) || inputDim < 1) {
      throw new Error(`${WHERE}: 'inputDim' must be an integer >= 1, got ${inputDim}`);
    }
    if (typeof learningRate !== 'number' || !Number.isFinite(learningRate) || !(learningRate > 0)) {
      throw new Error(`${WHERE}: 'learningRate' must be a finite number > 0, got ${learningRate}`);
    }
    if (typeof bias !== 'number' || !Number.isFinite(bias)) {
      throw new Error(`${WHERE}: 'bias' must be a finite number, got ${bias}`);
    }
    this.inputDim = inputDim;
    this.learningRate = learningRate;
    this.w = this.initialWeights(args.weights, initializer);
    this.b = Math.fround(bias);
    const e = engine();
    [this.wVar, this.bVar] = e.scoped(WHERE, () => [
      variable(tensor(this.w, [inputDim]), false, 'perceptron/kernel'),
      variable(scalar(this.b), false, 'perceptron/bias'),
    ]);
  }

  private initialWeights(weights: PerceptronArgs['weights'], init: Initializer | string): Float32Array {
    const d = this.inputDim;
    let w: Float32Array;
    if (weights instanceof Tensor) {
      const ok =
        (weights.rank === 1 && weights.shape[0] === d) ||
        (weights.rank === 2 && weights.shape[0] === d && weights.shape[1] === 1);
      if (!ok)
        throw new Error(`${WHERE}: 'weights' must have shape [${d}] or [${d}, 1], got ${fmt(weights.shape)}`);
      w = Float32Array.from(weights.dataSync());
    } else if (weights !== undefined) {
      if (!Array.isArray(weights) || weights.length !== d) {
        throw new Error(
          `${WHERE}: 'weights' must hold ${d} numbers (inputDim), got ${Array.isArray(weights) ? weights.length : weights}`,
        );
      }
      w = Float32Array.from(weights);
    } else if (init === 'zeros' || init === 'Zeros') {
      w = new Float32Array(d);
    } else {
      const t = getInitializer(init, `${WHERE}: initializer`).apply([d]);
      try {
        w = Float32Array.from(t.dataSync());
      } finally {
        t.dispose();
      }
    }
    checkFinite(`${WHERE}: weights`, w);
    return w;
  }

  /** Current weights (a copy). */
  get weights(): number[] {
    return Array.from(this.w);
  }

  /** Current bias. */
  get bias(): number {
    return this.b;
  }

  /**
   * Train with the perceptron rule, example by example, until an epoch makes no mistake or `epochs` run
   * out. `x` is `[n, inputDim]`, `y` holds n labels that are 0 or 1.
   */
  async fit(
    x: Tensor | readonly (readonly number[])[],
    y: Tensor | readonly number[],
    args: PerceptronFitArgs = {},
  ): Promise<PerceptronFitResult> {
    this.assertLive('fit');
    const { epochs = 100, shuffle = false } = args;
    if (!Number.isInteger(epochs) || epochs < 1)
      throw new Error(`${WHERE}.fit: 'epochs' must be an integer >= 1, got ${epochs}`);
    if (typeof shuffle !== 'boolean')
      throw new Error(`${WHERE}.fit: 'shuffle' must be a boolean, got ${shuffle}`);
    const d = this.inputDim;
    const xs = await readInputs(x, d);
    const n = xs.length / d;
    if (n === 0) throw new Error(`${WHERE}.fit: x has no examples`);
    const ys = await readLabels(y, n);
    this.assertLive('fit');

    const { w, learningRate: eta } = this;
    const order = Array.from({ length: n }, (_, i) => i);
    const errorsPerEpoch: number[] = [];
    let updates = 0;
    let epoch: number | null = null;
    for (let e = 1; e <= epochs && epoch === null; e++) {
      if (shuffle) engine().rng.shuffle(order);
      let errors = 0;
      for (const i of order) {
        let a = this.b;
        for (let j = 0; j < d; j++) a += w[j]! * xs[i * d + j]!;
        const err = ys[i]! - (a >= 0 ? 1 : 0);
        if (err === 0) continue;
        errors++;
        for (let j = 0; j < d; j++) w[j] = w[j]! + eta * err * xs[i * d + j]!; // stored as float32
        this.b = Math.fround(this.b + eta * err);
      }
      updates += errors;
      errorsPerEpoch.push(errors);
      if (errors === 0) epoch = e;
    }
    engine().scoped(`${WHERE}.fit`, () => {
      this.wVar.assign(tensor(w, [d]));
      this.bVar.assign(scalar(this.b));
    });
    return { converged: epoch !== null, epoch, errorsPerEpoch, updates };
  }

  /** Predicted labels (float32 0/1, shape `[n]`) for `x` of shape `[n, inputDim]`. */
  predict(x: Tensor | readonly (readonly number[])[]): Tensor {
    this.assertLive('predict');
    const d = this.inputDim;
    return engine().scoped(`${WHERE}.predict`, () => {
      let xt: Tensor;
      if (x instanceof Tensor) {
        xt = x;
      } else {
        if (!Array.isArray(x) || x.length === 0) {
          throw new Error(`${WHERE}.predict: x must be a Tensor or a non-empty number[][]`);
        }
        xt = tensor(x as number[][]);
      }
      if (xt.rank !== 2 || xt.shape[1] !== d) {
        throw new Error(`${WHERE}.predict: x must have shape [n, ${d}], got ${fmt(xt.shape)}`);
      }
      if (xt.dtype === 'bool') throw new Error(`${WHERE}.predict: x must be float32 or int32, got bool`);
      if (xt.dtype !== 'float32') xt = cast(xt, 'float32');
      const z = add(reshape(matMul(xt, reshape(this.wVar, [d, 1])), [xt.shape[0]!]), this.bVar);
      return step(z);
    });
  }

  /** Free the weight and bias tensors; the perceptron cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.wVar.dispose();
    this.bVar.dispose();
    this.disposed = true;
  }

  private assertLive(what: string): void {
    if (this.disposed) throw new Error(`${WHERE}.${what}: the perceptron is disposed`);
  }
}

/**
 * Create a {@link Perceptron} (weights zero and bias 0 unless given).
 *
 * @example
 * ```ts
 * const p = nr.perceptron({ inputDim: 2, learningRate: 1 });
 * ```
 */
export function perceptron(args: PerceptronArgs): Perceptron {
  return new Perceptron(args);
}
