import type { OptimizerRule } from '../backend/optimizer-rule.js';
import { engine } from '../engine/engine.js';
import { shapesEqual, Tensor, Variable } from '../engine/tensor.js';
import type { ConfigDict } from '../initializers/initializers.js';
import { clipByValue } from '../ops/activations.js';
import { add, div, maximum, mul } from '../ops/binary.js';
import { scalar, variable, zerosLike } from '../ops/creation.js';
import { sum } from '../ops/reduce.js';
import { clone } from '../ops/shape.js';
import { sqrt, square } from '../ops/unary.js';
import { fmt } from '../ops/util.js';
import type { LearningRateSchedule } from './schedules.js';

/**
 * Gradient clipping options shared by every optimizer (Keras `clipnorm`, `global_clipnorm`, `clipvalue`).
 *
 * @example
 * ```ts
 * nr.optimizers.sgd({ learningRate: 0.1, clipNorm: 1 });
 * ```
 */
export interface ClipOptions {
  /** Rescale each gradient so its L2 norm is at most this. */
  clipNorm?: number;
  /** Rescale all gradients together so their joint L2 norm is at most this. */
  globalClipNorm?: number;
  /** Clamp every gradient element to `[-clipValue, clipValue]` (after any norm clipping). */
  clipValue?: number;
}

/**
 * Options shared by every optimizer: the learning rate (a number or a schedule) and clipping.
 *
 * @example
 * ```ts
 * const o: nr.optimizers.OptimizerArgs = { learningRate: 0.01, globalClipNorm: 5 };
 * ```
 */
export interface OptimizerArgs extends ClipOptions {
  learningRate?: number | LearningRateSchedule;
}

/**
 * Gradients given to {@link Optimizer.applyGradients}: `{ variable, grad }` pairs, or a record keyed by
 * variable name (as {@link variableGrads} returns it) together with the variable list.
 *
 * @example
 * ```ts
 * const g: nr.optimizers.GradientInput = [{ variable: w, grad: dw }];
 * ```
 */
export type GradientInput =
  | ReadonlyArray<{ variable: Variable; grad: Tensor }>
  | Readonly<Record<string, Tensor>>;

/**
 * @internal Throw unless `v` is a finite number in the given range (bounds inclusive or not).
 *
 * @example
 * ```ts
 * checkRange('SGD', 'momentum', 0.9, 0, 1, true, false); // ok: 0.9 is in [0, 1)
 * ```
 */
export function checkRange(
  where: string,
  arg: string,
  v: number,
  lo: number,
  hi: number,
  loInclusive: boolean,
  hiInclusive: boolean,
): void {
  const ok =
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (loInclusive ? v >= lo : v > lo) &&
    (hiInclusive ? v <= hi : v < hi);
  if (!ok) {
    const range = `${loInclusive ? '[' : '('}${lo}, ${hi === Infinity ? 'Infinity' : hi}${hiInclusive ? ']' : ')'}`;
    throw new Error(`${where}: '${arg}' must be a finite number in ${range}, got ${v}`);
  }
}

function checkLearningRate(where: string, lr: unknown): void {
  if (typeof lr === 'function') {
    const s = lr as Partial<LearningRateSchedule>;
    if (typeof s.className !== 'string' || typeof s.config !== 'object') {
      throw new Error(
        `${where}: 'learningRate' must be a number or a schedule from nr.optimizers (a function with className and config)`,
      );
    }
    return;
  }
  checkRange(where, 'learningRate', lr as number, 0, Infinity, false, false);
}

/**
 * Base class of the optimizers. An optimizer keeps per-variable state ("slots", such as Adam's moment
 * estimates) in non-trainable variables it owns, created lazily on a variable's first update (or by
 * {@link Optimizer.build}), and freed by {@link Optimizer.dispose}.
 *
 * Weights for checkpointing ({@link Optimizer.getWeights}) are ordered as in Keras and TensorFlow.js:
 * `[iterations (int32 scalar), then for each slot name in order (see `slotNames`), that slot of every
 * variable in the order the variables were first seen]`.
 *
 * @example
 * ```ts
 * const opt = nr.optimizers.adam({ learningRate: 0.01 });
 * const { grads } = nr.variableGrads(() => nr.sum(nr.square(w)));
 * opt.applyGradients(grads, [w]);
 * nr.dispose(grads);
 * ```
 */
export abstract class Optimizer {
  /** Keras class name, used in saved models. */
  static readonly className: string = 'Optimizer';
  /** Number of updates applied so far. */
  iterations = 0;
  /** Per-variable gradient norm cap, if any. */
  readonly clipNorm: number | undefined;
  /** Joint gradient norm cap, if any. */
  readonly globalClipNorm: number | undefined;
  /** Elementwise gradient cap, if any. */
  readonly clipValue: number | undefined;
  private lr: number | LearningRateSchedule;
  private readonly slots = new Map<Variable, Variable[]>();
  private disposed = false;

  /** @internal Subclasses validate their own hyper-parameters; this validates the shared ones. */
  protected constructor(args: OptimizerArgs, defaultLearningRate: number) {
    const where = this.where;
    const lr = args.learningRate ?? defaultLearningRate;
    checkLearningRate(where, lr);
    this.lr = lr;
    for (const k of ['clipNorm', 'globalClipNorm', 'clipValue'] as const) {
      if (args[k] !== undefined) checkRange(where, k, args[k], 0, Infinity, false, false);
    }
    if (args.clipNorm !== undefined && args.globalClipNorm !== undefined) {
      throw new Error(`${where}: set at most one of 'clipNorm' and 'globalClipNorm', got both`);
    }
    this.clipNorm = args.clipNorm;
    this.globalClipNorm = args.globalClipNorm;
    this.clipValue = args.clipValue;
  }

  /** The Keras class name of this optimizer ('SGD', 'Adam', ...). */
  get className(): string {
    return (this.constructor as typeof Optimizer).className;
  }

  /** @internal Prefix for error messages. */
  protected get where(): string {
    return this.className;
  }

  /** The learning rate of the next update (a schedule is evaluated at {@link Optimizer.iterations}). */
  get learningRate(): number {
    return typeof this.lr === 'number' ? this.lr : this.lr(this.iterations);
  }

  /** Replace the learning rate (a number > 0 or a schedule). */
  setLearningRate(lr: number | LearningRateSchedule): void {
    checkLearningRate(`${this.where}.setLearningRate`, lr);
    this.lr = lr;
  }

  /** Slot names, in weight order, for this configuration (e.g. Adam: `['m', 'v']`). */
  protected abstract slotNames(): readonly string[];

  /** Initial value of a slot (zeros unless overridden). */
  protected initialSlot(_slot: string, v: Variable): Tensor {
    return zerosLike(v);
  }

  /** One update of `v` with the (clipped) gradient `g`; runs inside the update's tidy. */
  protected abstract updateVariable(v: Variable, g: Tensor, slots: readonly Variable[], lr: number): void;

  /**
   * This step as an {@link OptimizerRule} for a backend's fused in-place `optimizerUpdate` kernel, or
   * null to always run {@link Optimizer.updateVariable} (the composite default). Called before
   * `iterations` is incremented. A subclass that changes the update must override this too.
   */
  protected fusedRule(_lr: number): OptimizerRule | null {
    return null;
  }

  /** The optimizer's own hyper-parameters for {@link Optimizer.getConfig}. */
  protected abstract ownConfig(): ConfigDict;

  /**
   * Create the slots of `variables` now (in this order) instead of on their first update, e.g. before
   * {@link Optimizer.setWeights} on a fresh optimizer. Variables that already have slots are skipped.
   */
  build(variables: readonly Variable[]): void {
    this.assertLive('build');
    for (const v of variables) this.slotsOf(v);
  }

  /** Same as {@link Optimizer.build} (the name the training loop uses). */
  prepare(variables: readonly Variable[]): void {
    this.build(variables);
  }

  private slotsOf(v: Variable): Variable[] {
    let s = this.slots.get(v);
    if (!s) {
      s = engine().scoped(`${this.where}.slots`, () =>
        this.slotNames().map((name) =>
          variable(this.initialSlot(name, v), false, `${this.className}/${v.name}/${name}`),
        ),
      );
      this.slots.set(v, s);
    }
    return s;
  }

  /**
   * Apply one update to every trainable variable that has a gradient, then increment `iterations`.
   * Accepts `{ variable, grad }` pairs, or a record of gradients keyed by variable name plus the variable
   * list (`varList`) the names refer to. Non-trainable variables are skipped, as are variables of `varList`
   * missing from the record; when nothing is left the call is a no-op. Gradients are clipped (norm or
   * global norm, then value) before the update. Everything is validated before any variable changes.
   */
  applyGradients(grads: GradientInput, varList?: readonly Variable[]): void {
    this.assertLive('applyGradients');
    const pairs = this.resolve(grads, varList).filter((p) => p.variable.trainable);
    if (pairs.length === 0) return;
    const lr = this.learningRate;
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
      throw new Error(
        `${this.where}.applyGradients: the learning-rate schedule returned ${lr} at step ${this.iterations}; expected a finite number >= 0`,
      );
    }
    const e = engine();
    const rule = e.hasKernel('optimizerUpdate') ? this.fusedRule(lr) : null;
    e.scoped(`${this.where}.applyGradients`, () => {
      const clipped = this.clip(pairs.map((p) => p.grad));
      if (rule) {
        // One in-place kernel call over every parameter and its slots.
        const params = pairs.map((p) => p.variable);
        const slots = params.map((v) => this.slotsOf(v));
        const n = params.length;
        e.runInPlace('optimizerUpdate', [...params, ...slots.flat()], clipped, (b, targets, grads) => {
          let k = n;
          const slotOps = slots.map((s) => {
            k += s.length;
            return targets.slice(k - s.length, k);
          });
          b.kernels.optimizerUpdate!(rule, targets.slice(0, n), grads, slotOps);
        });
        return;
      }
      pairs.forEach((p, i) => {
        const owner = { kind: 'optimizer', name: this.className, variable: p.variable.name } as const;
        e.framed({ owner, composite: 'optimizerUpdate' }, () =>
          this.updateVariable(p.variable, clipped[i]!, this.slotsOf(p.variable), lr),
        );
      });
    });
    this.iterations++;
  }

  private resolve(
    grads: GradientInput,
    varList: readonly Variable[] | undefined,
  ): { variable: Variable; grad: Tensor }[] {
    const where = `${this.where}.applyGradients`;
    let pairs: { variable: Variable; grad: Tensor }[];
    if (Array.isArray(grads)) {
      if (varList !== undefined) {
        throw new Error(`${where}: 'varList' is only used with a record of gradients keyed by variable name`);
      }
      pairs = (grads as ReadonlyArray<{ variable: Variable; grad: Tensor }>).map((p, i) => {
        if (!p || !(p.variable instanceof Variable)) {
          throw new Error(
            `${where}: pair ${i} has no 'variable' (expected { variable: Variable; grad: Tensor })`,
          );
        }
        return p;
      });
    } else {
      if (grads === null || typeof grads !== 'object') {
        throw new Error(`${where}: expected { variable, grad } pairs or a record of gradients, got ${grads}`);
      }
      if (!varList) {
        throw new Error(
          `${where}: a record of gradients keyed by variable name needs 'varList' (the variables the names refer to)`,
        );
      }
      const byName = new Map<string, Variable>();
      for (const v of varList) {
        if (byName.has(v.name)) throw new Error(`${where}: two variables in varList are named '${v.name}'`);
        byName.set(v.name, v);
      }
      const record = grads as Readonly<Record<string, Tensor>>;
      for (const name of Object.keys(record)) {
        if (!byName.has(name)) {
          throw new Error(
            `${where}: gradient '${name}' matches no variable in varList (names: ${[...byName.keys()].join(', ')})`,
          );
        }
      }
      pairs = varList
        .filter((v) => record[v.name] !== undefined)
        .map((v) => ({ variable: v, grad: record[v.name]! }));
    }
    const seen = new Set<Variable>();
    for (const { variable: v, grad: g } of pairs) {
      if (seen.has(v)) throw new Error(`${where}: variable '${v.name}' appears twice`);
      seen.add(v);
      v.assertLive(`${where}: variable '${v.name}'`);
      if (!(g instanceof Tensor))
        throw new Error(`${where}: gradient of '${v.name}' is not a Tensor (got ${g})`);
      g.assertLive(`${where}: gradient of '${v.name}'`);
      if (v.dtype !== 'float32') {
        throw new Error(`${where}: variable '${v.name}' is ${v.dtype}; optimizers update float32 variables`);
      }
      if (g.dtype !== 'float32' || !shapesEqual(g.shape, v.shape)) {
        throw new Error(
          `${where}: gradient of variable '${v.name}' must be float32 ${fmt(v.shape)}, got ${g.dtype} ${fmt(g.shape)}`,
        );
      }
    }
    return pairs;
  }

  /** Keras clipping: g * c / max(norm, c), per gradient (clipNorm) or with the joint norm (globalClipNorm). */
  private clip(grads: Tensor[]): Tensor[] {
    let out = grads;
    const scaled = (g: Tensor, norm: Tensor, c: number): Tensor => mul(g, div(c, maximum(norm, c)));
    if (this.clipNorm !== undefined) {
      const c = this.clipNorm;
      out = out.map((g) => scaled(g, sqrt(sum(square(g))), c));
    } else if (this.globalClipNorm !== undefined) {
      const c = this.globalClipNorm;
      let total: Tensor = scalar(0);
      for (const g of out) total = add(total, sum(square(g)));
      const norm = sqrt(total);
      out = out.map((g) => scaled(g, norm, c));
    }
    if (this.clipValue !== undefined) {
      const c = this.clipValue;
      out = out.map((g) => clipByValue(g, -c, c));
    }
    return out;
  }

  /** Hyper-parameters, the learning rate (a number or a serialised schedule) and clipping. */
  getConfig(): ConfigDict {
    const lr = this.lr;
    const config: ConfigDict = {
      learningRate: typeof lr === 'number' ? lr : { className: lr.className, config: lr.config },
      ...this.ownConfig(),
    };
    if (this.clipNorm !== undefined) config.clipNorm = this.clipNorm;
    if (this.globalClipNorm !== undefined) config.globalClipNorm = this.globalClipNorm;
    if (this.clipValue !== undefined) config.clipValue = this.clipValue;
    return config;
  }

  /**
   * Fresh tensors (owned by the caller): `iterations` as an int32 scalar, then the slots in the order
   * described on the class.
   */
  getWeights(): Tensor[] {
    this.assertLive('getWeights');
    const out: Tensor[] = [scalar(this.iterations, 'int32')];
    const perVariable = [...this.slots.values()];
    this.slotNames().forEach((_, k) => {
      for (const s of perVariable) out.push(clone(s[k]!));
    });
    return out;
  }

  /**
   * Names of the tensors {@link Optimizer.getWeights} returns, in the same order: `'iter'`, then each slot
   * variable's name (for example `'dense/kernel/m'`). Saved models use them in their weights manifest.
   */
  getWeightNames(): string[] {
    this.assertLive('getWeightNames');
    const perVariable = [...this.slots.values()];
    const out = ['iter'];
    this.slotNames().forEach((_, k) => {
      for (const s of perVariable) out.push(s[k]!.name);
    });
    return out;
  }

  /**
   * Restore weights saved by {@link Optimizer.getWeights}: the same count and shapes, so the slots must
   * exist (call {@link Optimizer.build} with the variables, in their original order, on a fresh optimizer).
   * Validation errors throw at once and the slots are set at once; `iterations` is read from weight 0
   * synchronously where the backend can (CPU, WASM) and otherwise when the returned promise resolves, so
   * await it before the next update (as with TensorFlow.js). The tensors are shared, not copied; the
   * caller may dispose them once the call has returned.
   */
  setWeights(weights: readonly Tensor[]): Promise<void> {
    const where = `${this.where}.setWeights`;
    this.assertLive('setWeights');
    const perVariable = [...this.slots.values()];
    const names = this.slotNames();
    const expected = 1 + names.length * perVariable.length;
    if (weights.length !== expected) {
      throw new Error(
        `${where}: expected ${expected} weights (iterations + ${names.length} slot(s) for each of ${perVariable.length} variable(s)), got ${weights.length}` +
          (perVariable.length === 0 && weights.length > 1
            ? '; call build(variables) first to create the slots'
            : ''),
      );
    }
    const it = weights[0]!;
    if (!(it instanceof Tensor) || it.size !== 1) {
      throw new Error(`${where}: weight 0 (iterations) must be a scalar tensor, got ${it}`);
    }
    let k = 1;
    const targets: [Variable, Tensor][] = [];
    names.forEach((_, s) => {
      for (const slots of perVariable) {
        const slot = slots[s]!;
        const w = weights[k]!;
        if (!(w instanceof Tensor) || w.dtype !== slot.dtype || !shapesEqual(w.shape, slot.shape)) {
          throw new Error(
            `${where}: weight ${k} ('${slot.name}') must be ${slot.dtype} ${fmt(slot.shape)}, got ${w instanceof Tensor ? `${w.dtype} ${fmt(w.shape)}` : w}`,
          );
        }
        targets.push([slot, w]);
        k++;
      }
    });
    const checked = (data: ArrayLike<number>): number => {
      const iterations = data[0]!;
      if (!Number.isInteger(iterations) || iterations < 0) {
        throw new Error(`${where}: iterations must be an integer >= 0, got ${iterations}`);
      }
      return iterations;
    };
    it.assertLive(`${where}: weight 0 (iterations)`);
    const backend = it.storage.backend;
    if (backend.readSync) {
      this.iterations = checked(backend.readSync(it.storage.handle));
      for (const [slot, w] of targets) slot.assign(w);
      return Promise.resolve();
    }
    // Start the read before returning (the caller may dispose `it`), then set the slots now.
    const pending = it.data();
    for (const [slot, w] of targets) slot.assign(w);
    return pending.then((data) => {
      this.iterations = checked(data);
    });
  }

  /** Free every slot variable; the optimizer cannot be used afterwards. */
  dispose(): void {
    for (const s of this.slots.values()) for (const v of s) v.dispose();
    this.slots.clear();
    this.disposed = true;
  }

  private assertLive(what: string): void {
    if (this.disposed) throw new Error(`${this.where}.${what}: the optimizer is disposed`);
  }
}
