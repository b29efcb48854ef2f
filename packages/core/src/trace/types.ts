/**
 * The plain data of {@link trace}: every quantity of one training step as typed arrays with their shapes,
 * named as in the course (`x`, `z = x W + b`, `a = f(z)`, the loss, `delta = dL/dz`, `dL/dW`, `dL/db`, the
 * update `-eta dL/dW`).
 *
 * @packageDocumentation
 */

/**
 * A tensor's values copied to the host: row-major `data` of the given `shape`.
 *
 * @example
 * ```ts
 * const a: nr.TraceArray = { shape: [1, 2], data: new Float32Array([0.5, -1]) };
 * ```
 */
export interface TraceArray {
  /** Dimensions, batch first where there is one. */
  readonly shape: readonly number[];
  /** Values in row-major order. */
  readonly data: Float32Array;
}

/**
 * One weight of a layer in a traced step: its value before the step, its gradient and its update.
 *
 * @example
 * ```ts
 * const [w]: readonly nr.TraceParam[] = trace.layers[0]!.params;
 * console.log(w!.symbol, w!.grad.data, w!.update.data);
 * ```
 */
export interface TraceParam {
  /** The variable's full name (`dense/kernel`). */
  readonly name: string;
  /** The course's symbol: `W` (kernel), `b` (bias), `U` (recurrent kernel), otherwise the short name. */
  readonly symbol: string;
  /** Value before the step. */
  readonly value: TraceArray;
  /** `dL/dW` (the total over every use of the weight). */
  readonly grad: TraceArray;
  /** `-eta dL/dW`: what one plain gradient-descent step adds to the weight. */
  readonly update: TraceArray;
}

/**
 * One filter `k` of a Conv2D layer: its slice of the kernel, feature map, error signal and gradients.
 *
 * @example
 * ```ts
 * const f: nr.TraceFilter = trace.layer('conv').filters![0]!;
 * console.log(f.z.shape, f.gradBias);
 * ```
 */
export interface TraceFilter {
  /** Index of the filter (output channel). */
  readonly index: number;
  /** `W_k`, shape `[kh, kw, inChannels]`. */
  readonly kernel: TraceArray;
  /** `b_k` (0 without bias). */
  readonly bias: number;
  /** `z_k = x * W_k + b_k`, shape `[batch, outHeight, outWidth]`. */
  readonly z: TraceArray;
  /** `a_k = f(z_k)`, same shape. */
  readonly a: TraceArray;
  /** `delta_k = dL/dz_k`, same shape. */
  readonly delta: TraceArray;
  /** `dL/dW_k`, shape `[kh, kw, inChannels]`. */
  readonly gradKernel: TraceArray;
  /** `dL/db_k` (the sum of `delta_k`; 0 without bias). */
  readonly gradBias: number;
  /** `-eta dL/dW_k`. */
  readonly updateKernel: TraceArray;
}

/**
 * One time step `t` of a recurrent layer, in the order the layer processes the sequence.
 *
 * @example
 * ```ts
 * const s: nr.TraceStep = trace.layer('rnn').steps![0]!;
 * console.log(s.t, s.h.data, s.delta.data);
 * ```
 */
export interface TraceStep {
  /** Time index into the input sequence. */
  readonly t: number;
  /** `x_t`, shape `[batch, features]`. */
  readonly x: TraceArray;
  /** `h_{t-1}` (zeros at the first step), shape `[batch, units]`. */
  readonly hPrev: TraceArray;
  /**
   * `z_t = x_t W + h_{t-1} U + b`, shape `[batch, k*units]` (LSTM: the four gate pre-activations i, f, c, o);
   * null for GRU, whose reset gate enters the recurrent term.
   */
  readonly z: TraceArray | null;
  /** `h_t`, shape `[batch, units]`. */
  readonly h: TraceArray;
  /** `dL/dh_t`: the error reaching the state, from the output and from the later steps. */
  readonly gradH: TraceArray;
  /** `delta_t = dL/d(x_t W + b)` (equal to `dL/dz_t`), shape `[batch, k*units]`. */
  readonly delta: TraceArray;
  /** This step's share of `dL/dW`: `x_t^T delta_t`. */
  readonly gradKernel: TraceArray;
  /** This step's share of `dL/dU`: `h_{t-1}^T delta_t` (null for GRU). */
  readonly gradRecurrent: TraceArray | null;
  /** This step's share of `dL/db`: `delta_t` summed over the batch (null without bias, or for GRU). */
  readonly gradBias: TraceArray | null;
}

/**
 * What kind of computation a traced node is: `dense` and `conv2d` have `z`, `delta` and (conv) filters,
 * `recurrent` has steps, `pooling` and `layer` (any other layer) have inputs, outputs and their gradients.
 *
 * @example
 * ```ts
 * const convs = trace.layers.filter((l) => l.kind === ('conv2d' satisfies nr.TraceKind));
 * ```
 */
export type TraceKind = 'dense' | 'conv2d' | 'pooling' | 'recurrent' | 'layer';

/**
 * One node of the model's graph (one layer call) in a traced step.
 *
 * @example
 * ```ts
 * const l: nr.TraceLayer = trace.layers[0]!;
 * console.log(l.name, l.kind, l.z?.shape, l.delta?.data);
 * ```
 */
export interface TraceLayer {
  /** Position `l` of the node in execution order, from 1. */
  readonly index: number;
  /** The layer's name. */
  readonly name: string;
  /** The layer's Keras class name. */
  readonly className: string;
  /** Which quantities the entry has. */
  readonly kind: TraceKind;
  /** Names of the layers whose outputs this node reads (the model's input layer for the first). */
  readonly inbound: readonly string[];
  /** The activation `f` (dense, conv2d, recurrent), else null. */
  readonly activation: string | null;
  /** The inputs `x` (`a^{(l-1)}`). */
  readonly inputs: readonly TraceArray[];
  /** `z = x W + b` (dense, conv2d), else null. */
  readonly z: TraceArray | null;
  /** The outputs `a = f(z)`. */
  readonly outputs: readonly TraceArray[];
  /** `delta = dL/dz` (dense, conv2d), else null. */
  readonly delta: TraceArray | null;
  /** `dL/da` for every output. */
  readonly gradOutputs: readonly TraceArray[];
  /** `dL/dx` for every input (null for integer inputs such as token ids). */
  readonly gradInputs: readonly (TraceArray | null)[];
  /** The layer's trainable weights with their gradients and updates. */
  readonly params: readonly TraceParam[];
  /** Conv2D: one entry per filter. */
  readonly filters?: readonly TraceFilter[];
  /** Recurrent layers: one entry per time step, in processing order. */
  readonly steps?: readonly TraceStep[];
}

/**
 * The loss of one model output in a traced step.
 *
 * @example
 * ```ts
 * const { lossName, value }: nr.TraceLoss = trace.losses[0]!;
 * ```
 */
export interface TraceLoss {
  /** The output's name. */
  readonly output: string;
  /** The loss function's name (`meanSquaredError`, ...). */
  readonly lossName: string;
  /** Mean of the loss over the batch. */
  readonly value: number;
  /** The targets `y`. */
  readonly yTrue: TraceArray;
  /** The predictions `y-hat`. */
  readonly yPred: TraceArray;
}

/**
 * Options of `Trace.toMarkdown`.
 *
 * @example
 * ```ts
 * const options: nr.TraceMarkdownOptions = { digits: 4, maxEntries: 9 };
 * ```
 */
export interface TraceMarkdownOptions {
  /** Significant digits of the numbers (default 5). */
  digits?: number;
  /** Largest tensor written out entry by entry; bigger ones show their shape and range (default 16). */
  maxEntries?: number;
}
