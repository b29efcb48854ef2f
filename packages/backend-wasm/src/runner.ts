/**
 * The thin layer between our kernels and tfjs-wasm: run a registered tfjs-wasm kernel function on tfjs
 * tensor infos, make views and scratch tensors, call an exported WebAssembly function directly, and free
 * what we made. Everything allocates on the one `BackendWasm` heap.
 *
 * @packageDocumentation
 */
import type { DType, Shape, TypedArray } from '@neurona/core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import {
  getKernel,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo as TfInfo,
} from '@tensorflow/tfjs-core';

export type { TfInfo };

/** An exported C function of the tfjs-wasm binary that takes only numbers (tensor ids and sizes). */
type NumericFn = (...args: number[]) => void;

interface Cwrap {
  cwrap(name: string, returnType: null, argTypes: readonly string[]): NumericFn;
}

/**
 * Number of elements of a shape (1 for a scalar).
 *
 * @example
 * ```ts
 * sizeOf([2, 3]); // 6
 * ```
 */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/**
 * Runs tfjs-wasm kernels on one `BackendWasm`. Kernel functions are looked up once by name in tfjs-core's
 * kernel registry (`getKernel(name, 'wasm')`).
 *
 * @example
 * ```ts
 * const tw = new Runner(backend);
 * const y = tw.run('Exp', { x });
 * tw.free(y);
 * ```
 */
export class Runner {
  private readonly fns = new Map<string, KernelFunc>();
  private readonly cfns = new Map<string, NumericFn>();
  /** Tensors computed from another one (by data id), freed together with it. */
  private readonly derivedOf = new Map<object, Map<string, TfInfo>>();
  /** The shape each data id was first used with as XNNPACK matmul weights. */
  private readonly weightShapes = new Map<object, string>();

  constructor(readonly backend: BackendWasm) {}

  /** Run the tfjs-wasm kernel `name`; the result is a fresh tensor the caller frees. */
  run(name: string, inputs: Readonly<Record<string, TfInfo>>, attrs: NamedAttrMap = {}): TfInfo {
    return this.kernel(name)({
      inputs: inputs as NamedTensorInfoMap,
      backend: this.backend,
      attrs,
    }) as TfInfo;
  }

  /** Run a kernel that takes a list of inputs (`Concat`). */
  runList(name: string, inputs: readonly TfInfo[], attrs: NamedAttrMap = {}): TfInfo {
    // tfjs passes list inputs as the array itself (its kernels call `inputs.map`).
    const list = inputs as unknown as NamedTensorInfoMap;
    return this.kernel(name)({ inputs: list, backend: this.backend, attrs }) as TfInfo;
  }

  private kernel(name: string): KernelFunc {
    let fn = this.fns.get(name);
    if (!fn) {
      const config = getKernel(name, 'wasm');
      if (!config) throw new Error(`wasm: tfjs-backend-wasm has no '${name}' kernel registered`);
      fn = config.kernelFunc;
      this.fns.set(name, fn);
    }
    return fn;
  }

  /** Call an exported C function of the binary directly (numbers only: tensor ids and sizes). */
  call(name: string, ...args: number[]): void {
    let fn = this.cfns.get(name);
    if (!fn) {
      const module = this.backend.wasm as unknown as Cwrap;
      fn = module.cwrap(
        name,
        null,
        args.map(() => 'number'),
      );
      this.cfns.set(name, fn);
    }
    fn(...args);
  }

  /** The tfjs-wasm tensor id of `x` (what the C functions take). */
  id(x: TfInfo): number {
    return this.backend.dataIdMap.get(x.dataId).id;
  }

  /** The same data seen with another shape of equal size (no copy; free only the original). */
  view(x: TfInfo, shape: Shape): TfInfo {
    return { dataId: x.dataId, shape: [...shape], dtype: x.dtype };
  }

  /** A fresh tensor with uninitialised contents. */
  empty(shape: Shape, dtype: DType): TfInfo {
    return this.backend.makeOutput([...shape], dtype);
  }

  /** A fresh tensor holding a copy of `values`. */
  upload(values: TypedArray, shape: Shape, dtype: DType): TfInfo {
    return this.backend.makeOutput([...shape], dtype, undefined, values);
  }

  /** A fresh tensor filled with `value`. */
  fill(shape: Shape, dtype: DType, value: number): TfInfo {
    const out = this.empty(shape, dtype);
    this.heap(out).fill(value);
    return out;
  }

  /** A live view of `x`'s data on the WebAssembly heap: valid only until the next allocation. */
  heap(x: TfInfo): TypedArray {
    return this.backend.typedArrayFromHeap(x) as TypedArray;
  }

  /**
   * A tensor computed from `x` once and kept while `x` lives (its data never changes: kernels do not write
   * their inputs), e.g. a transposed weight matrix that XNNPACK then packs only once. `key` names the
   * computation; the view's shape is part of the key. Do not free the result: it goes with `x`.
   */
  derived(x: TfInfo, key: string, make: () => TfInfo): TfInfo {
    let byKey = this.derivedOf.get(x.dataId);
    const full = `${key}:${x.shape.join(',')}`;
    const hit = byKey?.get(full);
    if (hit) return hit;
    const made = make();
    if (!byKey) {
      byKey = new Map();
      this.derivedOf.set(x.dataId, byKey);
    }
    byKey.set(full, made);
    return made;
  }

  /**
   * `b` ready to be the weights of tfjs-wasm's XNNPACK matmul, which caches the packed weights by tensor
   * id alone: a data id already used as weights with another shape (a reshaped view) gets a copy of its
   * own, so that it cannot pick up an operator packed for the other shape.
   */
  asWeights(b: TfInfo): TfInfo {
    const shape = b.shape.join(',');
    const first = this.weightShapes.get(b.dataId);
    if (first === undefined) this.weightShapes.set(b.dataId, shape);
    if (first === undefined || first === shape) return b;
    return this.derived(b, 'weights', () => this.run('Identity', { x: b }));
  }

  /** Free tensors made by this runner or returned by a kernel (and, with the data, what was derived from it). */
  free(...xs: TfInfo[]): void {
    for (const x of xs) {
      // A data id shared through tfjs reference counting stays alive until its last owner lets go.
      if (!this.backend.disposeData(x.dataId)) continue;
      this.weightShapes.delete(x.dataId);
      const derived = this.derivedOf.get(x.dataId);
      if (derived) {
        this.derivedOf.delete(x.dataId);
        for (const d of derived.values()) this.free(d);
      }
    }
  }
}
