import type {
  Backend,
  DType,
  FusedKernels,
  Handle,
  Operand,
  TensorInfo,
  TypedArray,
} from '../backend/types.js';
import type { EngineHooks, Frame } from './hooks.js';
import { Rng } from './random.js';
import { type Storage, sizeOf, Tensor, Variable } from './tensor.js';

/**
 * A gradient rule: given the gradient `dy` of the loss with respect to a kernel's output, return the
 * gradient with respect to each input (`null` for inputs that are not differentiable, such as indices, and
 * for inputs whose `needs` flag is false, e.g. a network's input images).
 *
 * @example
 * ```ts
 * const expGrad: nr.GradFn = (dy, _inputs, y) => [nr.mul(dy, y)];
 * ```
 */
export type GradFn<A = unknown> = (
  dy: Tensor,
  inputs: readonly Tensor[],
  output: Tensor,
  attrs: A,
  /** Which inputs need a gradient (lead to a differentiated argument); a rule may skip the others. */
  needs: readonly boolean[],
) => readonly (Tensor | null)[];

/**
 * One dispatch of a kernel, as ops describe it to the engine.
 *
 * @example
 * ```ts
 * engine().runKernel({ name: 'exp', inputs: [x], out: { shape: x.shape, dtype: 'float32' },
 *   run: (b, [xo]) => b.kernels.unary('exp', xo!, { shape: x.shape, dtype: 'float32' }), grad: expGrad });
 * ```
 */
export interface KernelCall<A = unknown> {
  /** Kernel or op name, used by the tape and in error messages. */
  readonly name: string;
  readonly inputs: readonly Tensor[];
  /** Validated output metadata. */
  readonly out: TensorInfo;
  /** Runs on the active backend with the inputs' operands; returns the output handle. */
  readonly run: (backend: Backend, inputs: readonly Operand[]) => Handle;
  /** Gradient rule; omit for non-differentiable kernels. */
  readonly grad?: GradFn<A>;
  readonly attrs?: A;
}

/** @internal A recorded kernel call. */
export interface TapeNode {
  readonly name: string;
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly grad: GradFn<unknown>;
  readonly attrs: unknown;
  /** Who recorded the node (only while hooks are installed), so its backward kernels are attributed. */
  readonly frame?: Frame;
}

/** @internal A recording tape and the intermediates it keeps alive for the backward pass. */
export interface Tape {
  readonly nodes: TapeNode[];
  readonly owned: Tensor[];
  /**
   * With known sources (the tensors to differentiate with respect to): the sources and every output
   * recorded since. A kernel call none of whose inputs is here does not depend on a source, so its
   * gradient would be zero and it is not recorded (a frozen trunk then keeps no activations for a
   * backward pass). `null`: record every call.
   */
  readonly reached: Set<Tensor> | null;
}

interface Scope {
  readonly name: string;
  readonly tensors: Tensor[];
  /** Under a tape, keep every intermediate (not only recorded ones) until the tape is released. */
  readonly keepForTape: boolean;
}

/**
 * Live-memory figures returned by {@link memory}.
 *
 * @example
 * ```ts
 * const { numTensors, numBytes } = nr.memory();
 * ```
 */
export interface MemoryInfo {
  /** Live tensors, variables included. */
  readonly numTensors: number;
  /** Distinct data buffers (reshapes share one). */
  readonly numDataBuffers: number;
  /** Bytes held by those buffers. */
  readonly numBytes: number;
}

const BYTES: Record<DType, number> = { float32: 4, int32: 4, bool: 1 };

/**
 * The engine: the single dispatch point for kernels, scopes for {@link tidy}, the gradient tape and the
 * seeded random generator. There is one engine per process, reached with {@link engine}.
 *
 * @example
 * ```ts
 * const e = nr.engine();
 * console.log(e.backendName);
 * ```
 */
export class Engine {
  private activeBackend: Backend | null = null;
  private scopes: Scope[] = [];
  private tapes: Tape[] = [];
  private liveTensors = 0;
  private liveBuffers = 0;
  private liveBytes = 0;
  private variableCount = 0;
  private pauseDepth = 0;
  /** The one seeded generator for weights, shuffling and dropout. */
  readonly rng = new Rng();
  /** @internal Dispatch observers (debug guards, kernel report); `null` when none is installed. */
  hooks: EngineHooks | null = null;
  private frames: Frame[] = [];

  /** The active backend; throws a clear error when none is set. */
  get backend(): Backend {
    if (!this.activeBackend) {
      throw new Error(
        "No backend is set: call 'await nr.setBackend(cpu())' with cpu from '@neurona/backend-cpu' (or another backend) first",
      );
    }
    return this.activeBackend;
  }

  /** Name of the active backend, or `null`. */
  get backendName(): string | null {
    return this.activeBackend?.name ?? null;
  }

  /** @internal */
  setBackendSync(b: Backend): void {
    this.activeBackend = b;
  }

  /** True while a gradient tape records. */
  get isRecording(): boolean {
    return this.tapes.length > 0 && this.pauseDepth === 0;
  }

  /** Live memory figures. */
  memory(): MemoryInfo {
    return { numTensors: this.liveTensors, numDataBuffers: this.liveBuffers, numBytes: this.liveBytes };
  }

  // ---------------------------------------------------------------- tensors

  /** @internal Wrap a fresh handle of the active backend in a tracked tensor. */
  makeTensor(handle: Handle, info: TensorInfo, backend: Backend = this.backend): Tensor {
    const storage = this.newStorage(handle, info, backend);
    return this.track(new Tensor(storage, info.shape, info.dtype));
  }

  /** @internal Upload host data to the active backend as a tracked tensor. */
  upload(data: TypedArray, info: TensorInfo): Tensor {
    const b = this.backend;
    return this.makeTensor(b.upload(data, info), info, b);
  }

  /** @internal A new tensor viewing `source`'s storage with another shape (reshape). */
  view(source: Tensor, shape: readonly number[]): Tensor {
    source.storage.refCount++;
    return this.track(new Tensor(source.storage, shape, source.dtype));
  }

  /** @internal Create an untracked variable holding a reference to `initial`'s storage. */
  makeVariable(initial: Tensor, name: string | undefined, trainable: boolean): Variable {
    initial.storage.refCount++;
    const v = new Variable(
      initial.storage,
      initial.shape,
      initial.dtype,
      name ?? `variable_${this.variableCount++}`,
      trainable,
    );
    this.liveTensors++;
    this.hooks?.created?.(v);
    return v;
  }

  /** @internal Point a variable at new storage, releasing the old. */
  replaceStorage(v: Variable, storage: Storage): void {
    storage.refCount++;
    this.release(v.storage);
    v.storage = storage;
  }

  /** @internal */
  disposeTensor(t: Tensor): void {
    if (t.disposedFlag) return;
    t.disposedFlag = true;
    this.liveTensors--;
    this.hooks?.disposed?.(t);
    this.release(t.storage);
  }

  private newStorage(handle: Handle, info: TensorInfo, backend: Backend): Storage {
    const bytes = sizeOf(info.shape) * BYTES[info.dtype];
    this.liveBuffers++;
    this.liveBytes += bytes;
    return { handle, backend, bytes, refCount: 1 };
  }

  private release(s: Storage): void {
    if (--s.refCount === 0) {
      this.liveBuffers--;
      this.liveBytes -= s.bytes;
      s.backend.dispose(s.handle);
    }
  }

  private track(t: Tensor): Tensor {
    this.liveTensors++;
    const scope = this.scopes[this.scopes.length - 1];
    if (scope) scope.tensors.push(t);
    this.hooks?.created?.(t);
    return t;
  }

  // ---------------------------------------------------------------- frames (only while hooks are installed)

  /**
   * @internal Run `fn` under `frame` (who dispatches, forward or backward, which composite) when hooks are
   * installed; otherwise just run it.
   */
  framed<T>(frame: Frame, fn: () => T): T {
    if (!this.hooks) return fn();
    this.frames.push(frame);
    try {
      return fn();
    } finally {
      this.frames.pop();
    }
  }

  /** @internal The frame stack, outermost first (empty unless hooks are installed). */
  get frameStack(): readonly Frame[] {
    return this.frames;
  }

  /** @internal The innermost frame that names an owner (a layer, the loss, ...), if any. */
  ownerFrame(): Frame | undefined {
    for (let i = this.frames.length - 1; i >= 0; i--) if (this.frames[i]!.owner) return this.frames[i];
    return undefined;
  }

  /** @internal Name of the innermost scope (an op, a layer, a tidy), or `null`. */
  get scopeName(): string | null {
    return this.scopes[this.scopes.length - 1]?.name ?? null;
  }

  /** @internal Whether the active backend runs fused kernel `name` natively (else core runs its composite). */
  hasKernel(name: keyof FusedKernels): boolean {
    const native = typeof this.backend.kernels[name] === 'function';
    this.hooks?.lookup?.(name, native);
    return native;
  }

  // ---------------------------------------------------------------- dispatch

  /** Run one kernel on the active backend: the single dispatch point (tape, leak counts, the `nr.debug` hooks). */
  runKernel<A>(call: KernelCall<A>): Tensor {
    const b = this.backend;
    const operands: Operand[] = new Array(call.inputs.length);
    for (let i = 0; i < call.inputs.length; i++) {
      const t = call.inputs[i]!;
      if (t.disposedFlag) {
        throw new Error(`${call.name}: input ${i} (shape [${t.shape.join(', ')}]) is disposed`);
      }
      if (t.storage.backend !== b) {
        const where =
          t.storage.backend.name === b.name
            ? `another '${b.name}' backend instance than the active one`
            : `backend '${t.storage.backend.name}' but the active backend is '${b.name}'`;
        throw new Error(
          `${call.name}: input ${i} lives on ${where}; move it explicitly with nr.moveTo(tensor)`,
        );
      }
      operands[i] = { handle: t.storage.handle, shape: t.shape, dtype: t.dtype };
    }
    const handle = call.run(this.hooks?.backend ? this.hooks.backend(b) : b, operands);
    const out = this.makeTensor(handle, call.out, b);
    this.hooks?.output?.(call.name, call.inputs, out);
    if (call.grad) this.recordNode(call.name, call.inputs, out, call.grad as GradFn<unknown>, call.attrs);
    return out;
  }

  /**
   * @internal Run a kernel that overwrites the storage of `targets` in place (the optional
   * `optimizerUpdate`): the only dispatch that mutates data. A target whose storage is shared (by a
   * reshape view, an `assign`ed tensor, another variable, or an input) is first given a private copy
   * (copy-on-write), so no other tensor ever sees the change. Nothing is recorded on the tape.
   */
  runInPlace(
    name: string,
    targets: readonly Variable[],
    inputs: readonly Tensor[],
    run: (backend: Backend, targets: readonly Operand[], inputs: readonly Operand[]) => void,
  ): void {
    const b = this.backend;
    const all = [...targets, ...inputs];
    all.forEach((t, i) => {
      t.assertLive(`${name}: ${i < targets.length ? 'variable' : 'input'}`);
      if (t.storage.backend !== b) {
        throw new Error(
          `${name}: a tensor lives on backend '${t.storage.backend.name}' but the active backend is '${b.name}' (or another instance); move it explicitly with nr.moveTo(tensor)`,
        );
      }
    });
    for (const v of targets) {
      if (v.storage.refCount === 1) continue;
      const info = { shape: v.shape, dtype: v.dtype };
      const begin = v.shape.map(() => 0);
      const copy = this.makeTensor(
        b.kernels.slice({ handle: v.storage.handle, ...info }, begin, info),
        info,
        b,
      );
      this.replaceStorage(v, copy.storage);
      this.disposeTensor(copy);
      this.copiesOnWrite++;
    }
    const op = (t: Tensor): Operand => ({ handle: t.storage.handle, shape: t.shape, dtype: t.dtype });
    run(this.hooks?.backend ? this.hooks.backend(b) : b, targets.map(op), inputs.map(op));
    if (this.hooks?.output) for (const v of targets) this.hooks.output(name, inputs, v);
  }

  /** @internal Storage copies made by {@link Engine.runInPlace} because a variable's storage was shared. */
  copiesOnWrite = 0;

  /** @internal Record a node computed outside runKernel (reshape views, customGrad) on active tapes. */
  recordNode(
    name: string,
    inputs: readonly Tensor[],
    output: Tensor,
    grad: GradFn<unknown>,
    attrs?: unknown,
  ): void {
    if (this.tapes.length === 0 || this.pauseDepth > 0) return;
    let node: TapeNode | null = null;
    for (const tape of this.tapes) {
      const reached = tape.reached;
      if (reached !== null && !inputs.some((t) => reached.has(t))) continue;
      node ??= { name, inputs, output, grad, attrs, frame: this.hooks ? this.ownerFrame() : undefined };
      tape.nodes.push(node);
      reached?.add(output);
    }
    if (node === null) return;
    for (const t of inputs) t.taped = true;
    output.taped = true;
  }

  /** @internal Run `fn` without recording on any tape (intermediates are still kept for the backward pass). */
  paused<T>(fn: () => T): T {
    this.pauseDepth++;
    try {
      return fn();
    } finally {
      this.pauseDepth--;
    }
  }

  // ---------------------------------------------------------------- scopes

  /** Run `fn` in a scope: tensors it creates are disposed at the end, except those it returns or keeps. */
  scoped<T>(name: string, fn: () => T, options: { keepForTape?: boolean } = {}): T {
    const scope: Scope = { name, tensors: [], keepForTape: options.keepForTape ?? false };
    this.scopes.push(scope);
    let result: T;
    try {
      result = fn();
    } catch (e) {
      this.endScope(scope, new Set());
      throw e;
    }
    if (result instanceof Promise) {
      this.endScope(scope, new Set());
      throw new Error(
        `tidy('${name}'): the function returned a Promise; tidy is synchronous (use 'await' outside tidy)`,
      );
    }
    this.endScope(scope, collectTensors(result));
    return result;
  }

  private endScope(scope: Scope, keep: Set<Tensor>): void {
    const popped = this.scopes.pop();
    if (popped !== scope) throw new Error('tidy: scopes were closed out of order');
    const parent = this.scopes[this.scopes.length - 1];
    const tape = this.tapes[this.tapes.length - 1];
    for (const t of scope.tensors) {
      if (t.disposedFlag || keptTensors.has(t)) continue;
      if (keep.has(t)) {
        if (parent) parent.tensors.push(t);
      } else if (tape && (t.taped || scope.keepForTape)) {
        tape.owned.push(t); // the backward pass may need it; freed when the tape is released
      } else {
        this.disposeTensor(t);
      }
    }
  }

  /**
   * @internal Dispose `t` before its scope ends, when nothing can still need it: it is not kept, not a
   * variable, and not held for a backward pass (no tape records, or no tape recorded `t` and no scope keeps
   * every intermediate for one). A tensor that may still be needed is left to its scope.
   */
  releaseEarly(t: Tensor): void {
    if (t.disposedFlag || keptTensors.has(t) || t instanceof Variable) return;
    if (this.tapes.length > 0 && (t.taped || this.scopes.some((s) => s.keepForTape))) return;
    this.disposeTensor(t);
  }

  /** Exclude a tensor from disposal by enclosing scopes. */
  keep<T extends Tensor>(t: T): T {
    keptTensors.add(t);
    return t;
  }

  // ---------------------------------------------------------------- tape

  /**
   * @internal Start recording kernel calls: those that depend on `sources` when given (see
   * {@link Tape.reached}), else all.
   */
  startTape(sources?: readonly Tensor[]): Tape {
    const tape: Tape = { nodes: [], owned: [], reached: sources ? new Set(sources) : null };
    this.tapes.push(tape);
    return tape;
  }

  /** @internal Stop recording on `tape` (its intermediates stay alive until {@link releaseTape}). */
  stopTape(tape: Tape): void {
    const top = this.tapes.pop();
    if (top !== tape) throw new Error('gradient tapes were closed out of order');
  }

  /** @internal Free the intermediates a tape kept alive, except `keep`; hand them to an outer tape if any. */
  releaseTape(tape: Tape, keep: Set<Tensor>): void {
    const outer = this.tapes[this.tapes.length - 1];
    const parent = this.scopes[this.scopes.length - 1];
    for (const t of tape.owned) {
      if (t.disposedFlag) continue;
      if (keep.has(t)) {
        if (parent) parent.tensors.push(t);
      } else if (outer) outer.owned.push(t);
      else this.disposeTensor(t);
    }
    tape.owned.length = 0;
    tape.nodes.length = 0;
    tape.reached?.clear();
  }
}

const keptTensors = new WeakSet<Tensor>();

/** @internal Every tensor inside a (possibly nested) result value. */
export function collectTensors(value: unknown, out: Set<Tensor> = new Set()): Set<Tensor> {
  if (value instanceof Tensor) out.add(value);
  else if (Array.isArray(value)) for (const v of value) collectTensors(v, out);
  else if (value instanceof Map) for (const v of value.values()) collectTensors(v, out);
  else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectTensors(v, out);
  }
  return out;
}

let theEngine: Engine | null = null;

/**
 * The process-wide engine.
 *
 * @example
 * ```ts
 * console.log(nr.engine().backendName); // 'cpu'
 * ```
 */
export function engine(): Engine {
  if (!theEngine) theEngine = new Engine();
  return theEngine;
}
