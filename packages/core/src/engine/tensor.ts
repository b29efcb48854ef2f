import type { Backend, DType, Handle, Shape, TypedArray } from '../backend/types.js';
import { engine } from './engine.js';
import { type NestedArray, toNested } from './nested.js';

declare global {
  /**
   * `Symbol.dispose` (used by `using t = ...`), declared here so that projects whose `lib` has no
   * `esnext.disposable` and who do not use `@types/node` still compile our declarations. The same
   * declaration as TypeScript's lib and `@types/node`, so it merges with theirs.
   */
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}

/**
 * Backend storage shared by tensors that view the same data (a reshape shares its input's storage).
 * Freed when its last tensor is disposed.
 *
 * @internal
 */
export interface Storage {
  readonly handle: Handle;
  readonly backend: Backend;
  readonly bytes: number;
  refCount: number;
}

let nextTensorId = 0;

/**
 * An n-dimensional array of numbers living on a backend. Tensors are immutable; ops return new tensors.
 * Free a tensor with `dispose()`, `using`, or by creating it inside {@link tidy}.
 *
 * @example
 * ```ts
 * const t = nr.tensor2d([[1, 2], [3, 4]]);
 * console.log(t.shape, await t.array()); // [2, 2] [[1, 2], [3, 4]]
 * t.dispose();
 * ```
 */
export class Tensor {
  /** Unique id, used by the gradient tape. */
  readonly id: number;
  /** Size of each dimension. */
  readonly shape: readonly number[];
  /** Element type. */
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  /** @internal */
  storage: Storage;
  /** @internal */
  disposedFlag = false;
  /** @internal Set once a tape node references this tensor (the backward pass may read it). */
  taped = false;

  /** @internal Use the creation functions ({@link tensor}, {@link zeros}, ...) instead. */
  constructor(storage: Storage, shape: Shape, dtype: DType) {
    this.id = nextTensorId++;
    this.storage = storage;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = sizeOf(shape);
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** True once this tensor has been disposed. */
  get isDisposed(): boolean {
    return this.disposedFlag;
  }

  /** Name of the backend that holds this tensor's data. */
  get backendName(): string {
    return this.storage.backend.name;
  }

  /** Read the data (a fresh copy) as a flat typed array in row-major order. */
  async data(): Promise<TypedArray> {
    this.assertLive('data');
    return this.storage.backend.read(this.storage.handle);
  }

  /**
   * Read the data synchronously. Only backends that declare `readSync` (CPU, WASM) support it;
   * others throw and ask for `await data()`.
   */
  dataSync(): TypedArray {
    this.assertLive('dataSync');
    const b = this.storage.backend;
    if (!b.readSync) {
      throw new Error(
        `dataSync(): backend '${b.name}' can only read asynchronously (its device cannot be read without waiting); use 'await tensor.data()'`,
      );
    }
    return b.readSync(this.storage.handle);
  }

  /** Read the data as nested JavaScript arrays (a number for a scalar; booleans as 0/1). */
  async array(): Promise<NestedArray> {
    return toNested(await this.data(), this.shape);
  }

  /** Synchronous {@link Tensor.array}, where the backend supports `dataSync`. */
  arraySync(): NestedArray {
    return toNested(this.dataSync(), this.shape);
  }

  /** Free this tensor's data (idempotent). */
  dispose(): void {
    engine().disposeTensor(this);
  }

  /** Lets `using t = nr.tensor(...)` dispose the tensor at the end of the block. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Short description: shape, dtype and backend. */
  toString(): string {
    return `Tensor(shape=[${this.shape.join(', ')}], dtype=${this.dtype}, backend=${this.backendName})`;
  }

  /** @internal */
  assertLive(what: string): void {
    if (this.disposedFlag) {
      throw new Error(`${what}: tensor ${this.id} (shape [${this.shape.join(', ')}]) is disposed`);
    }
  }
}

/**
 * A mutable tensor that holds model state (weights). Variables are never disposed by {@link tidy};
 * `assign` replaces the value in place, and gradient functions such as {@link variableGrads} find them.
 *
 * @example
 * ```ts
 * const w = nr.variable(nr.zeros([2]));
 * w.assign(nr.tensor1d([1, 2]));
 * ```
 */
export class Variable extends Tensor {
  /** Name used in serialisation and errors. */
  readonly name: string;
  /** Whether optimizers and {@link variableGrads} update this variable. */
  trainable: boolean;

  /** @internal Use {@link variable}. */
  constructor(storage: Storage, shape: Shape, dtype: DType, name: string, trainable: boolean) {
    super(storage, shape, dtype);
    this.name = name;
    this.trainable = trainable;
  }

  /**
   * Replace the value. The new value must have the same shape and dtype; it is copied by reference
   * (the caller may dispose it afterwards).
   */
  assign(value: Tensor): void {
    this.assertLive('assign');
    value.assertLive('assign');
    if (value.dtype !== this.dtype || !shapesEqual(value.shape, this.shape)) {
      throw new Error(
        `Variable '${this.name}'.assign: expected shape [${this.shape.join(', ')}] ${this.dtype}, got [${value.shape.join(', ')}] ${value.dtype}`,
      );
    }
    engine().replaceStorage(this, value.storage);
  }
}

/**
 * Number of elements of a shape (1 for a scalar).
 *
 * @example
 * ```ts
 * nr.sizeOf([2, 3]); // 6
 * ```
 */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * True when two shapes are equal.
 *
 * @example
 * ```ts
 * nr.shapesEqual([2, 3], [2, 3]); // true
 * ```
 */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
