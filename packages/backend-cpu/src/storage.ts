/**
 * Handle storage of the CPU backend: every handle is a {@link CpuRecord} holding a typed array.
 *
 * @packageDocumentation
 */
import type { BackendStats, DType, Handle, Shape, TensorInfo, TypedArray } from '@neurona/core';

/**
 * What a CPU handle points at: the data plus the shape and dtype it was created with.
 *
 * @example
 * ```ts
 * const rec: CpuRecord = { data: new Float32Array(2), shape: [2], dtype: 'float32' };
 * ```
 */
export interface CpuRecord {
  readonly data: TypedArray;
  readonly shape: Shape;
  readonly dtype: DType;
  /** Frees memory the record owns outside the JavaScript heap (e.g. in WebAssembly memory); called once, on dispose. */
  release?(): void;
  /** Bytes of `data`, for records that can tell without making `data` (equals `data.byteLength`). */
  readonly byteLength?: number;
}

/**
 * Number of elements of a shape (1 for a scalar, 0 if any dimension is 0).
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
 * Row-major strides of a shape (in elements).
 *
 * @example
 * ```ts
 * stridesOf([2, 3, 4]); // [12, 4, 1]
 * ```
 */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/**
 * A zero-filled typed array of the kind that holds `dtype`.
 *
 * @example
 * ```ts
 * allocate('bool', 3); // Uint8Array [0, 0, 0]
 * ```
 */
export function allocate(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
    default:
      throw new Error(`cpu: unknown dtype '${String(dtype)}'`);
  }
}

/**
 * Live handle table of one CPU backend instance, with the counters behind `stats()`.
 *
 * @example
 * ```ts
 * const store = new CpuStorage();
 * const h = store.register(new Float32Array([1, 2]), { shape: [2], dtype: 'float32' });
 * store.data(h); // Float32Array [1, 2]
 * store.dispose(h);
 * ```
 */
export class CpuStorage {
  private readonly live = new Set<CpuRecord>();
  private liveBytes = 0;

  /** Wrap `data` (taken over, not copied) in a new handle with shape and dtype from `info`. */
  register(data: TypedArray, info: TensorInfo): Handle {
    return this.adopt({ data, shape: Object.freeze([...info.shape]), dtype: info.dtype });
  }

  /** Track a record built by the caller (for example one whose data lives in WebAssembly memory). */
  adopt(rec: CpuRecord): Handle {
    this.live.add(rec);
    this.liveBytes += rec.byteLength ?? rec.data.byteLength;
    return rec as unknown as Handle;
  }

  /** The record behind a live handle; throws for a foreign, unknown or disposed handle. */
  get(handle: Handle): CpuRecord {
    const rec = handle as unknown as CpuRecord;
    if (!this.live.has(rec)) {
      throw new Error('cpu: unknown or already disposed handle (was it created by another backend?)');
    }
    return rec;
  }

  /** The typed array behind a live handle (not a copy: kernels must not write to it). */
  data(handle: Handle): TypedArray {
    return this.get(handle).data;
  }

  /** Free a handle (running the record's `release`); throws if it is unknown or already disposed. */
  dispose(handle: Handle): void {
    const rec = this.get(handle);
    this.live.delete(rec);
    this.liveBytes -= rec.byteLength ?? rec.data.byteLength;
    rec.release?.();
  }

  /** Live handles and bytes. */
  stats(): BackendStats {
    return { handles: this.live.size, bytes: this.liveBytes };
  }
}
