/**
 * The size-bucketed pool of storage buffers.
 *
 * Ordering rule behind the two free lists: a buffer released while commands that use it are still
 * being recorded (not yet submitted) may be handed to a later kernel of the same batch (the GPU runs
 * the batch in order), but not to an upload: `queue.writeBuffer` runs before the pending batch is
 * submitted and would overwrite data the batch still reads. Such buffers wait in `recent` until the
 * next submit.
 *
 * @packageDocumentation
 */

/**
 * `GPUBufferUsage` flags (numeric, so no WebGPU globals are needed in Node).
 *
 * @example
 * ```ts
 * device.createBuffer({ size: 64, usage: USAGE.STORAGE | USAGE.COPY_SRC });
 * ```
 */
export const USAGE = {
  MAP_READ: 0x1,
  COPY_SRC: 0x4,
  COPY_DST: 0x8,
  UNIFORM: 0x40,
  STORAGE: 0x80,
} as const;

/**
 * `GPUMapMode.READ`.
 *
 * @example
 * ```ts
 * await staging.mapAsync(MAP_READ);
 * ```
 */
export const MAP_READ = 0x1;

const STORAGE_USAGE = USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST;

/**
 * Bucket size for a request of `bytes`: the next of 1, 1.25, 1.5, 1.75 times a power of two (at least 16
 * bytes, a multiple of 16), so a pooled buffer wastes at most a quarter of its size.
 *
 * @example
 * ```ts
 * bucketSize(100); // 112
 * ```
 */
export function bucketSize(bytes: number): number {
  if (bytes <= 16) return 16;
  const pow = 2 ** Math.floor(Math.log2(bytes));
  const step = Math.max(16, pow / 4);
  return Math.ceil(bytes / step) * step;
}

/**
 * Storage buffers by bucket size, reused across kernels and uploads.
 *
 * @example
 * ```ts
 * const pool = new BufferPool(device);
 * const buf = pool.acquire(1024, false);
 * pool.release(buf);
 * pool.submitted(); // after queue.submit: released buffers become free for uploads too
 * ```
 */
export class BufferPool {
  private readonly free = new Map<number, GPUBuffer[]>();
  private readonly recent = new Map<number, GPUBuffer[]>();
  private allocatedBytes = 0;

  constructor(private readonly device: GPUDevice) {}

  /** Bytes of every buffer the pool created and has not destroyed. */
  get bytes(): number {
    return this.allocatedBytes;
  }

  /**
   * A buffer of at least `bytes`. `forUpload` buffers come only from the list that no pending command
   * uses; kernel outputs may also take a buffer released earlier in the current batch.
   */
  acquire(bytes: number, forUpload: boolean): GPUBuffer {
    const size = bucketSize(bytes);
    const reuse = (forUpload ? undefined : this.recent.get(size)?.pop()) ?? this.free.get(size)?.pop();
    if (reuse) return reuse;
    this.allocatedBytes += size;
    return this.device.createBuffer({ size, usage: STORAGE_USAGE });
  }

  /** Give a buffer back (it may still be used by commands recorded but not yet submitted). */
  release(buffer: GPUBuffer): void {
    const list = this.recent.get(buffer.size);
    if (list) list.push(buffer);
    else this.recent.set(buffer.size, [buffer]);
  }

  /** Called after each submit: buffers released before it are safe for uploads. */
  submitted(): void {
    for (const [size, list] of this.recent) {
      const free = this.free.get(size);
      if (free) free.push(...list);
      else this.free.set(size, [...list]);
    }
    this.recent.clear();
  }

  /** Destroy every pooled (unused) buffer. */
  trim(): void {
    this.submitted();
    for (const list of this.free.values()) {
      for (const b of list) {
        this.allocatedBytes -= b.size;
        b.destroy();
      }
    }
    this.free.clear();
  }
}
