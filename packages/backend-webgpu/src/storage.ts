/**
 * Handles of the WebGPU backend: each one a {@link GpuRecord} naming a pooled storage buffer. Every dtype
 * takes 32 bits per element on the GPU (bool as u32 0/1); conversion happens at upload and read.
 *
 * @packageDocumentation
 */
import type { BackendStats, DType, Handle, Operand, Shape, TensorInfo, TypedArray } from '@neurona/core';
import type { Runtime } from './runtime.js';

/**
 * What a WebGPU handle points at. A size-0 tensor has no buffer.
 *
 * @example
 * ```ts
 * const rec: GpuRecord = { buffer: null, size: 0, shape: [0], dtype: 'float32' };
 * ```
 */
export interface GpuRecord {
  readonly buffer: GPUBuffer | null;
  readonly size: number;
  readonly shape: Shape;
  readonly dtype: DType;
}

/**
 * Number of elements of a shape.
 *
 * @example
 * ```ts
 * sizeOf([2, 3]); // 6
 * ```
 */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * The live handles of one backend, their buffers, and host <-> device conversion.
 *
 * @example
 * ```ts
 * const store = new GpuStorage(runtime);
 * const h = store.upload(new Float32Array([1, 2]), { shape: [2], dtype: 'float32' });
 * await store.read(h); // Float32Array [1, 2]
 * ```
 */
export class GpuStorage {
  private readonly live = new Set<GpuRecord>();
  private liveBytes = 0;

  constructor(private readonly rt: Runtime) {}

  /** A new output handle of `info`'s size (no buffer when empty). */
  allocate(info: TensorInfo): { handle: Handle; buffer: GPUBuffer | null } {
    const size = sizeOf(info.shape);
    const buffer = size > 0 ? this.rt.pool.acquire(size * 4, false) : null;
    return { handle: this.register(buffer, size, info), buffer };
  }

  /** Copy host data into a new handle (int32 and bool widen to 32 bits). */
  upload(data: TypedArray, info: TensorInfo): Handle {
    const size = sizeOf(info.shape);
    if (data.length !== size) {
      throw new Error(
        `webgpu: upload got ${data.length} values for shape [${info.shape.join(', ')}] (${size} elements)`,
      );
    }
    if (size === 0) return this.register(null, 0, info);
    const buffer = this.rt.pool.acquire(size * 4, true);
    let words: Float32Array | Int32Array | Uint32Array;
    if (info.dtype === 'float32') words = data instanceof Float32Array ? data : Float32Array.from(data);
    else if (info.dtype === 'int32') words = data instanceof Int32Array ? data : Int32Array.from(data);
    else words = Uint32Array.from(data, (v) => (v !== 0 ? 1 : 0));
    this.rt.device.queue.writeBuffer(buffer, 0, words.buffer, words.byteOffset, size * 4);
    return this.register(buffer, size, info);
  }

  /** Read a handle back as the typed array of its dtype. */
  async read(handle: Handle): Promise<TypedArray> {
    const rec = this.get(handle);
    if (rec.size === 0 || !rec.buffer) return empty(rec.dtype);
    const bytes = await this.rt.read(rec.buffer, rec.size * 4);
    if (rec.dtype === 'float32') return new Float32Array(bytes);
    if (rec.dtype === 'int32') return new Int32Array(bytes);
    return Uint8Array.from(new Uint32Array(bytes));
  }

  /** The record behind a live handle; throws for a foreign or disposed one. */
  get(handle: Handle): GpuRecord {
    const rec = handle as unknown as GpuRecord;
    if (!this.live.has(rec)) {
      throw new Error('webgpu: unknown or already disposed handle (was it created by another backend?)');
    }
    return rec;
  }

  /** The buffer of an operand, or the runtime's placeholder for a size-0 tensor. */
  buffer(x: Operand): GPUBuffer {
    return this.get(x.handle).buffer ?? this.rt.empty;
  }

  /** Free a handle: its buffer goes back to the pool. */
  dispose(handle: Handle): void {
    const rec = this.get(handle);
    this.live.delete(rec);
    this.liveBytes -= rec.size * 4;
    if (rec.buffer) this.rt.pool.release(rec.buffer);
  }

  /** Live handles and the device bytes they hold (4 per element). */
  stats(): BackendStats {
    return { handles: this.live.size, bytes: this.liveBytes };
  }

  private register(buffer: GPUBuffer | null, size: number, info: TensorInfo): Handle {
    const rec: GpuRecord = { buffer, size, shape: Object.freeze([...info.shape]), dtype: info.dtype };
    this.live.add(rec);
    this.liveBytes += size * 4;
    return rec as unknown as Handle;
  }
}

function empty(dtype: DType): TypedArray {
  return dtype === 'float32'
    ? new Float32Array(0)
    : dtype === 'int32'
      ? new Int32Array(0)
      : new Uint8Array(0);
}
