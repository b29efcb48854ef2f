import { engine } from '../../engine/engine.js';
import type { Tensor, Variable } from '../../engine/tensor.js';
import {
  type ConfigDict,
  getInitializer,
  type Initializer,
  type InitializerLike,
  initializerConfig,
} from '../../initializers/initializers.js';
import { add, mul, sub } from '../../ops/binary.js';
import { tensor1d, zeros } from '../../ops/creation.js';
import { matMul } from '../../ops/matmul.js';
import { gather, slice, split, stack } from '../../ops/movement.js';
import { cast, reshape } from '../../ops/shape.js';
import type { Regularizer } from '../../regularizers/regularizers.js';
import {
  getRegularizer,
  type RegularizerLike,
  serializeRegularizer,
} from '../../regularizers/regularizers.js';
import { type ActivationName, getActivation } from '../activations.js';
import { type CallOptions, fmtShape, Layer, type LayerArgs, type SymbolicShape } from '../layer.js';

/**
 * Arguments shared by `SimpleRNN`, `LSTM` and `GRU`.
 *
 * @example
 * ```ts
 * const args: nr.layers.RNNBaseArgs = { units: 16, returnSequences: true };
 * ```
 */
export interface RNNBaseArgs extends LayerArgs {
  /** Size of the hidden state (and of the output's last axis). */
  units: number;
  /** Activation of the candidate state and of the output (default `'tanh'`). */
  activation?: ActivationName | string | null;
  /** Whether to add a bias (default true). */
  useBias?: boolean;
  /** Initializer of `kernel` (input weights; default `'glorotUniform'`). */
  kernelInitializer?: InitializerLike;
  /** Initializer of `recurrent_kernel` (default `'orthogonal'`). */
  recurrentInitializer?: InitializerLike;
  /** Initializer of `bias` (default `'zeros'`). */
  biasInitializer?: InitializerLike;
  /** Penalty on `kernel`. */
  kernelRegularizer?: RegularizerLike;
  /** Penalty on `recurrent_kernel`. */
  recurrentRegularizer?: RegularizerLike;
  /** Penalty on `bias`. */
  biasRegularizer?: RegularizerLike;
  /** Return the output of every time step (`[batch, time, units]`) instead of the last (`[batch, units]`). */
  returnSequences?: boolean;
  /** Process the sequence from the last step to the first (the returned sequence is in processing order). */
  goBackwards?: boolean;
  /** Not supported: must be 0. */
  dropout?: number;
  /** Not supported: must be 0. */
  recurrentDropout?: number;
  /** Not supported: must be false. */
  returnState?: boolean;
  /** Not supported: must be false. */
  stateful?: boolean;
  /** Accepted for Keras compatibility and ignored (the backend decides: a fused sequence kernel or the unrolled loop). */
  unroll?: boolean;
}

/**
 * One time step of the unrolled loop, as {@link RNNBase.unrolled} reports it.
 *
 * @internal
 */
export interface RecurrentStep {
  /** The time index the step read. */
  readonly t: number;
  /** `x_t W + b` for this step, `[batch, k*units]` (its gradient is `delta_t`). */
  readonly xw: Tensor;
  /** The output state before the step. */
  readonly hPrev: Tensor;
  /** The output state after it (masked steps: unchanged). */
  readonly h: Tensor;
}

/**
 * Split `[batch, time, n]` into `time` tensors `[batch, n]` by repeated halving. Each slice's gradient is padded
 * back to the size of the tensor it was cut from, so cutting all steps directly from the full tensor would
 * make the backward pass O(size · time); halving makes it O(size · log time).
 */
function unstackTime(x: Tensor): Tensor[] {
  const [batch, time, n] = x.shape as [number, number, number];
  if (time === 1) return [reshape(x, [batch, n])];
  const half = time >> 1;
  const [early, late] = split(x, [half, time - half], 1);
  return [...unstackTime(early!), ...unstackTime(late!)];
}

/**
 * Shared machinery of the recurrent layers: argument handling, the Keras weight layout
 * (`kernel [inputDim, k*units]`, `recurrent_kernel [units, k*units]`, `bias [k*units]`), and the time loop.
 * The input projection `x·W (+ b)` is computed for all time steps in one matMul; each step then only adds
 * the recurrent term, and backpropagation through time comes from the tape. Subclasses say how many gate
 * blocks `k` they have and implement one step; LSTM and GRU also run the whole sequence as one fused op
 * (`fusedSequence`) when the backend has the kernel and the activations are the standard ones.
 *
 * @example
 * ```ts
 * const rnn: nr.layers.RNNBase = nr.layers.lstm({ units: 8 });
 * ```
 */
export abstract class RNNBase extends Layer {
  /** Size of the hidden state. */
  readonly units: number;
  /** Name of the activation. */
  readonly activationName: ActivationName;
  /** Whether the layer has a bias. */
  readonly useBias: boolean;
  /** Whether every step's output is returned. */
  readonly returnSequences: boolean;
  /** Whether the sequence is processed in reverse. */
  readonly goBackwards: boolean;
  protected readonly activation: (x: Tensor) => Tensor;
  protected readonly kernelInitializer: Initializer;
  protected readonly recurrentInitializer: Initializer;
  protected readonly biasInitializer: Initializer;
  protected readonly kernelRegularizer: Regularizer | null;
  protected readonly recurrentRegularizer: Regularizer | null;
  protected readonly biasRegularizer: Regularizer | null;
  /** `[inputDim, k*units]`. */
  protected kernel!: Variable;
  /** `[units, k*units]`. */
  protected recurrentKernel!: Variable;
  /** `[k*units]` (GRU with `resetAfter`: `[2, 3*units]`), or null without bias. */
  protected bias: Variable | null = null;

  /** Number of gate blocks `k` stacked along the last axis of the kernels (1, 4 or 3). */
  protected abstract readonly gateCount: number;
  /** Number of state tensors carried between steps (LSTM: h and c); the first is the output. */
  protected readonly stateCount: number = 1;

  constructor(args: RNNBaseArgs) {
    super(args);
    const where = `${this.className} '${this.name}'`;
    if (!Number.isInteger(args?.units) || args.units < 1) {
      throw new Error(`${where}: units must be a positive integer, got ${args?.units}`);
    }
    for (const k of ['dropout', 'recurrentDropout'] as const) {
      const v = args[k] ?? 0;
      if (v !== 0) throw new Error(`${where}: ${k} is not supported (got ${v}); use 0 or a Dropout layer`);
    }
    for (const k of ['returnState', 'stateful'] as const) {
      if (args[k]) throw new Error(`${where}: ${k} is not supported; use false`);
    }
    this.units = args.units;
    const act = getActivation(
      args.activation === undefined ? 'tanh' : args.activation,
      `${where} activation`,
    );
    this.activationName = act.name;
    this.activation = act.fn;
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform', `${where} kernel`);
    this.recurrentInitializer = getInitializer(
      args.recurrentInitializer ?? 'orthogonal',
      `${where} recurrent_kernel`,
    );
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros', `${where} bias`);
    this.kernelRegularizer = getRegularizer(args.kernelRegularizer, `${where} kernelRegularizer`);
    this.recurrentRegularizer = getRegularizer(args.recurrentRegularizer, `${where} recurrentRegularizer`);
    this.biasRegularizer = getRegularizer(args.biasRegularizer, `${where} biasRegularizer`);
    this.returnSequences = args.returnSequences ?? false;
    this.goBackwards = args.goBackwards ?? false;
    this.supportsMasking = true;
  }

  /** A returned sequence keeps the input's mask; the last output has none. */
  override computeMask(_inputs: Tensor | Tensor[], mask: Tensor | null): Tensor | null {
    return this.returnSequences ? mask : null;
  }

  /** Shape of the bias weight (default `[k*units]`). */
  protected biasShape(): number[] {
    return [this.gateCount * this.units];
  }

  /** Initializer of the bias weight (LSTM overrides it for `unitForgetBias`). */
  protected biasWeightInitializer(): Initializer {
    return this.biasInitializer;
  }

  /** The bias added to the input projection `x·W` (default: the whole bias). */
  protected inputBias(): Tensor | null {
    return this.bias;
  }

  /**
   * Build the function computing one time step: given this step's input projection `x_t·W (+ b)` of shape
   * `[batch, k*units]` and the current states, return the new states (the first one is the output).
   * Called once per layer call, so slices of the weights can be prepared outside the time loop.
   */
  protected abstract makeStep(): (xw: Tensor, states: Tensor[]) => Tensor[];

  /**
   * Run the whole sequence as one fused op when the active backend has the kernels and the activations are
   * the standard ones: given `xw [batch, time, k*units]`, return `packed [batch, time, K*units]` whose first
   * block is `h` at the time each step read (see `RnnSequenceInfo`). Null: use the unrolled loop.
   */
  protected fusedSequence(_xw: Tensor): Tensor | null {
    return null;
  }

  /** Rank must be 3 and, once built, the feature dimension must match. */
  protected override checkInputShape(inputShape: SymbolicShape): void {
    const where = `${this.className} '${this.name}'`;
    if (inputShape.length !== 3) {
      throw new Error(
        `${where}: expected input of rank 3 [batch, time, features], got shape ${fmtShape(inputShape)}`,
      );
    }
    const f = inputShape[2];
    if (f === null)
      throw new Error(`${where}: the feature dimension must be known, got ${fmtShape(inputShape)}`);
    if (this.built && this.kernel && f !== this.kernel.shape[0]) {
      throw new Error(
        `${where}: expected input shape [null, null, ${this.kernel.shape[0]}], got ${fmtShape(inputShape)} (feature dimension ${f} differs from the ${this.kernel.shape[0]} the layer was built for)`,
      );
    }
  }

  /** Builds with the time dimension left free, so sequences of any length are accepted. */
  override ensureBuilt(inputShape: SymbolicShape): void {
    this.checkInputShape(inputShape);
    super.ensureBuilt([inputShape[0] ?? null, null, inputShape[2] ?? null]);
  }

  protected override checkCall(inputs: readonly Tensor[]): void {
    const x = inputs[0]!;
    this.checkInputShape([null, ...x.shape.slice(1)]);
    if (x.shape[1] === 0) {
      throw new Error(
        `${this.className} '${this.name}': the input has no time steps (shape ${fmtShape(x.shape)})`,
      );
    }
  }

  override build(inputShape: SymbolicShape): void {
    const f = inputShape[2]!;
    const n = this.gateCount * this.units;
    this.kernel = this.addWeight('kernel', [f, n], this.kernelInitializer, {
      regularizer: this.kernelRegularizer,
    });
    this.recurrentKernel = this.addWeight('recurrent_kernel', [this.units, n], this.recurrentInitializer, {
      regularizer: this.recurrentRegularizer,
    });
    if (this.useBias) {
      this.bias = this.addWeight('bias', this.biasShape(), this.biasWeightInitializer(), {
        regularizer: this.biasRegularizer,
      });
    }
  }

  override computeOutputShape(inputShape: SymbolicShape): SymbolicShape {
    this.checkInputShape(inputShape);
    return this.returnSequences
      ? [inputShape[0] ?? null, inputShape[1] ?? null, this.units]
      : [inputShape[0] ?? null, this.units];
  }

  /**
   * Runs the sequence. With a mask (`options.mask`, `[batch, time]`), a masked step leaves the states as
   * they were and outputs the previous output, as in Keras: padding steps change nothing.
   */
  override call(inputs: Tensor, options: CallOptions = {}): Tensor {
    return engine().scoped(this.className, () => {
      const xw = this.projectInput(inputs);
      const [batch, time] = xw.shape as [number, number];
      const fused = options.mask ? null : this.fusedSequence(xw);
      if (fused) return this.outputOf(fused, batch, time);
      return this.unrolled(xw, options.mask ?? null);
    });
  }

  /** @internal The input projection `x·W (+ b)` of every step, `[batch, time, k·units]`. */
  projectInput(inputs: Tensor): Tensor {
    const [batch, time, features] = inputs.shape as [number, number, number];
    const x = inputs.dtype === 'float32' ? inputs : cast(inputs, 'float32');
    let xw = matMul(reshape(x, [batch * time, features]), this.kernel);
    const b = this.inputBias();
    if (b) xw = add(xw, b);
    return reshape(xw, [batch, time, this.gateCount * this.units]);
  }

  /**
   * @internal The unrolled time loop over `xw` (from {@link RNNBase.projectInput}); returns the layer's output.
   * A masked step keeps the states; `onStep` sees every step (the trace records them).
   */
  unrolled(xw: Tensor, mask: Tensor | null, onStep?: (step: RecurrentStep) => void): Tensor {
    const [batch, time] = xw.shape as [number, number];
    const keep = mask ? this.stepMasks(mask, batch, time) : null;
    const perStep = unstackTime(xw);
    const step = this.makeStep();
    let states: Tensor[] = [];
    for (let s = 0; s < this.stateCount; s++) states.push(zeros([batch, this.units]));
    const outputs: Tensor[] = [];
    for (let i = 0; i < time; i++) {
      const t = this.goBackwards ? time - 1 - i : i;
      const hPrev = states[0]!;
      const next = step(perStep[t]!, states);
      const k = keep?.[t];
      // m·new + (1-m)·old with m in {0, 1}: exactly one of the two.
      states = k ? next.map((s, j) => add(mul(k.on, s), mul(k.off, states[j]!))) : next;
      onStep?.({ t, xw: perStep[t]!, hPrev, h: states[0]! });
      if (this.returnSequences) outputs.push(states[0]!);
    }
    return this.returnSequences ? stack(outputs, 1) : states[0]!;
  }

  /** Per step, the mask as `[batch, 1]` floats (`on`) and its complement (`off`), after checking its shape. */
  private stepMasks(mask: Tensor, batch: number, time: number): { on: Tensor; off: Tensor }[] {
    if (mask.shape.length !== 2 || mask.shape[0] !== batch || mask.shape[1] !== time) {
      throw new Error(
        `${this.className} '${this.name}': the mask must have shape [${batch}, ${time}] (batch, time), got ${fmtShape(mask.shape)}`,
      );
    }
    const on = unstackTime(reshape(cast(mask, 'float32'), [batch, time, 1]));
    return on.map((m) => ({ on: m, off: sub(1, m) }));
  }

  /** The layer's output from a fused op's `packed` result (`h` is its first block, stored by time). */
  private outputOf(packed: Tensor, batch: number, time: number): Tensor {
    const u = this.units;
    if (!this.returnSequences) {
      const last = this.goBackwards ? 0 : time - 1;
      return reshape(slice(packed, [0, last, 0], [batch, 1, u]), [batch, u]);
    }
    const h = slice(packed, [0, 0, 0], [batch, time, u]);
    if (!this.goBackwards || time === 1) return h;
    // The returned sequence is in processing order: reverse the time axis.
    const order = tensor1d(
      Array.from({ length: time }, (_, i) => time - 1 - i),
      'int32',
    );
    return gather(h, order, 1);
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activationName,
      useBias: this.useBias,
      kernelInitializer: initializerConfig(this.kernelInitializer),
      recurrentInitializer: initializerConfig(this.recurrentInitializer),
      biasInitializer: initializerConfig(this.biasInitializer),
      kernelRegularizer: serializeRegularizer(this.kernelRegularizer),
      recurrentRegularizer: serializeRegularizer(this.recurrentRegularizer),
      biasRegularizer: serializeRegularizer(this.biasRegularizer),
      dropout: 0,
      recurrentDropout: 0,
      returnSequences: this.returnSequences,
      returnState: false,
      goBackwards: this.goBackwards,
      stateful: false,
      unroll: false,
    };
  }
}
