/**
 * The WebAssembly memory that holds tensors and scratch, with a size-bucketed allocator: freed small blocks
 * go to a free list per size class, freed large ones (from {@link LARGE_BLOCK} bytes) to address-ordered free
 * ranges that merge with their neighbours and serve any smaller size (or give the space back to the top of
 * the heap), and both are handed out again before the memory grows. Tensors created by the
 * fast kernels (and uploads) live here permanently, so kernels read and write them in place.
 *
 * @packageDocumentation
 */
import type { DType, Shape, TypedArray } from '@neurona/core';
import type { CpuRecord } from '../storage.js';
import { FreeRanges } from './free-ranges.js';
import { MEMORY } from './layout.js';

const PAGE = 65536;
/** Bytes kept readable past the last block: vector loads may read a little past the end of an array. */
const GUARD = 64;

/**
 * Size class of an allocation: multiples of 64 bytes up to 1 KiB, then 8 classes per power of two
 * (at most 12.5% unused).
 *
 * @example
 * ```ts
 * sizeClass(100); // 128
 * sizeClass(5000); // 5120
 * ```
 */
export function sizeClass(bytes: number): number {
  if (bytes <= 1024) return Math.max(64, Math.ceil(bytes / 64) * 64);
  const step = 2 ** (Math.floor(Math.log2(bytes - 1)) - 3);
  return Math.ceil(bytes / step) * step;
}

/**
 * Smallest block (bytes) kept in the free ranges rather than a size class; it is rounded to 4 KiB.
 *
 * @example
 * ```ts
 * const large = bytes >= LARGE_BLOCK;
 * ```
 */
export const LARGE_BLOCK = 1 << 20;

/** Bytes a block of `bytes` takes: its size class, or for a large block a multiple of 4 KiB. */
function blockSize(bytes: number): number {
  return bytes >= LARGE_BLOCK ? Math.ceil(bytes / 4096) * 4096 : sizeClass(bytes);
}

const BYTES: Record<DType, number> = { float32: 4, int32: 4, bool: 1 };

/**
 * The WebAssembly memory with its allocator and typed-array views (re-created after the memory grows).
 *
 * @example
 * ```ts
 * const heap = new Heap(new WebAssembly.Memory({ initial: 2, maximum: 1024, shared: true }));
 * const p = heap.alloc(64);
 * heap.f32()[p >> 2] = 1;
 * heap.free(p, 64);
 * ```
 */
export class Heap {
  readonly memory: WebAssembly.Memory;
  readonly shared: boolean;
  private top: number = MEMORY.HEAP_BASE;
  private readonly freeLists = new Map<number, number[]>();
  private readonly freeRanges = new FreeRanges();
  private buffer: ArrayBufferLike;
  private f32View: Float32Array;
  private i32View: Int32Array;
  private u8View: Uint8Array;
  /** Bytes handed out and not yet freed (by size class). */
  private inUse = 0;
  private readonly finalizer: FinalizationRegistry<Set<HeapRecord>>;

  /**
   * `minGrowPages`: smallest growth of the memory, in 64 KiB pages (default 256; tests use 1 to make the
   * memory grow, and unshared views detach, as often as possible).
   */
  constructor(
    memory: WebAssembly.Memory,
    private readonly minGrowPages = 256,
  ) {
    this.memory = memory;
    this.buffer = memory.buffer;
    this.shared = typeof SharedArrayBuffer === 'function' && this.buffer instanceof SharedArrayBuffer;
    this.f32View = new Float32Array(this.buffer);
    this.i32View = new Int32Array(this.buffer);
    this.u8View = new Uint8Array(this.buffer);
    // When a backend is garbage-collected with live handles, free their blocks (see `track`).
    this.finalizer = new FinalizationRegistry((owned) => {
      for (const rec of [...owned]) rec.release();
    });
  }

  private refresh(): void {
    if (this.buffer === this.memory.buffer) return;
    this.buffer = this.memory.buffer;
    this.f32View = new Float32Array(this.buffer);
    this.i32View = new Int32Array(this.buffer);
    this.u8View = new Uint8Array(this.buffer);
  }

  /** Float32 view of the whole memory (valid until the next allocation). */
  f32(): Float32Array {
    this.refresh();
    return this.f32View;
  }

  /** Int32 view of the whole memory (valid until the next allocation). */
  i32(): Int32Array {
    this.refresh();
    return this.i32View;
  }

  /** Byte view of the whole memory (valid until the next allocation). */
  u8(): Uint8Array {
    this.refresh();
    return this.u8View;
  }

  /** A typed array of `length` elements of `dtype` at byte address `ptr`. */
  view(dtype: DType, ptr: number, length: number): TypedArray {
    this.refresh();
    if (dtype === 'float32') return new Float32Array(this.buffer, ptr, length);
    if (dtype === 'int32') return new Int32Array(this.buffer, ptr, length);
    return new Uint8Array(this.buffer, ptr, length);
  }

  /** Allocate at least `bytes` bytes, 64-byte aligned, contents undefined. Returns 0 for 0 bytes. */
  alloc(bytes: number): number {
    if (bytes <= 0) return 0;
    const cls = blockSize(bytes);
    this.inUse += cls;
    let ptr: number;
    if (cls >= LARGE_BLOCK) {
      const fit = this.freeRanges.take(cls);
      if (fit >= 0) return fit;
      // A free range at the top of the heap is extended rather than left behind.
      const tail = this.freeRanges.takeEndingAt(this.top);
      ptr = tail >= 0 ? tail : this.top;
    } else {
      const list = this.freeLists.get(cls);
      if (list !== undefined && list.length > 0) return list.pop()!;
      ptr = this.top;
    }
    const need = ptr + cls + GUARD;
    const have = this.memory.buffer.byteLength;
    if (need > have) {
      // Grow by at least a quarter of the current size (and `minGrowPages`) to keep growth rare.
      const minimum = Math.max(Math.ceil(have / PAGE / 4), this.minGrowPages);
      const pages = Math.max(Math.ceil((need - have) / PAGE), this.minGrowPages === 1 ? 1 : minimum);
      try {
        this.memory.grow(pages);
      } catch {
        try {
          this.memory.grow(Math.ceil((need - have) / PAGE));
        } catch {
          this.inUse -= cls;
          if (ptr < this.top) this.freeRanges.give(ptr, this.top - ptr);
          throw new Error(
            `cpu: out of WebAssembly memory: cannot allocate ${bytes} bytes (${have} bytes in use by the fast kernels)`,
          );
        }
      }
    }
    this.top = ptr + cls;
    return ptr;
  }

  /** Return a block from {@link alloc} (the same `bytes`) to its size class's free list, or to the free ranges. */
  free(ptr: number, bytes: number): void {
    if (ptr === 0) return;
    const cls = blockSize(bytes);
    this.inUse -= cls;
    if (cls >= LARGE_BLOCK) {
      this.freeRanges.give(ptr, cls);
      const start = this.freeRanges.takeEndingAt(this.top);
      if (start >= 0) this.top = start;
      return;
    }
    let list = this.freeLists.get(cls);
    if (list === undefined) {
      list = [];
      this.freeLists.set(cls, list);
    }
    list.push(ptr);
  }

  /**
   * A set in which records of one owner (a backend) are kept while live: once `owner` is
   * garbage-collected, the records still in the set are released, so a dropped backend does not leak
   * WebAssembly memory.
   */
  track(owner: object): Set<HeapRecord> {
    const owned = new Set<HeapRecord>();
    this.finalizer.register(owner, owned);
    return owned;
  }

  /** A record of `dtype` and `shape` backed by a new block (contents undefined), kept in `owned` while live. */
  record(dtype: DType, shape: Shape, length: number, owned?: Set<HeapRecord>): HeapRecord {
    const bytes = length * BYTES[dtype];
    const ptr = this.alloc(bytes);
    const rec = new HeapRecord(this, ptr, length, bytes, dtype, shape, owned);
    owned?.add(rec);
    return rec;
  }

  /** Memory statistics: bytes reserved by blocks in use, high-water mark, memory size. */
  stats(): { inUse: number; top: number; size: number } {
    return { inUse: this.inUse, top: this.top, size: this.memory.buffer.byteLength };
  }
}

/**
 * A CPU handle whose data lives in the WebAssembly memory. `data` is a typed-array view, re-created if a
 * growth of an unshared memory detached it; `release` (on dispose) returns the block to the allocator.
 *
 * @example
 * ```ts
 * const rec = heap.record('float32', [2], 2);
 * rec.data.set([1, 2]);
 * rec.release();
 * ```
 */
export class HeapRecord implements CpuRecord {
  readonly shape: Shape;
  private current: TypedArray | null = null;
  private released = false;
  /** Data derived from this record's contents and kept with it (packed GEMM panels); freed with it. */
  private derivedBlock: DerivedBlock | null = null;
  /** Key of the last derivation asked for that was not kept (a second ask with the same key keeps it). */
  private lastAsked = '';

  constructor(
    private readonly heap: Heap,
    /** Byte address of the data (0 for an empty tensor). */
    readonly ptr: number,
    /** Number of elements. */
    readonly length: number,
    /** Bytes requested from the allocator. */
    readonly bytes: number,
    readonly dtype: DType,
    shape: Shape,
    private readonly owned?: Set<HeapRecord>,
  ) {
    this.shape = Object.freeze([...shape]);
  }

  /** Bytes of the data. */
  get byteLength(): number {
    return this.bytes;
  }

  /** The data as a typed array, made on first use (fast kernels only need `ptr`). */
  get data(): TypedArray {
    const cur = this.current;
    if (cur !== null && cur.length === this.length) return cur;
    const view = this.heap.view(this.dtype, this.ptr, this.length);
    this.current = view;
    return view;
  }

  /**
   * The kept derivation with `key` (its block's address), or 0. Derived data is kept only from the second
   * ask for the same key with no write in between: a weight read again and again (inference) keeps its
   * packed panels, while one that changes after every use (training) never pays for keeping them.
   */
  derived(key: string): number {
    const d = this.derivedBlock;
    return d !== null && d.key === key ? d.ptr : 0;
  }

  /** Whether a derivation with `key` just made should be kept (see {@link derived}); records the ask. */
  wantsKept(key: string): boolean {
    if (this.lastAsked === key) return true;
    this.lastAsked = key;
    return false;
  }

  /** Keep `bytes` at `ptr` (a block from this record's heap, now owned by it) as derivation `key`. */
  keep(key: string, ptr: number, bytes: number): void {
    this.forget();
    this.derivedBlock = { key, ptr, bytes };
  }

  /** Drop derived data: call before writing to the record's contents in place. */
  forget(): void {
    const d = this.derivedBlock;
    this.lastAsked = '';
    if (d === null) return;
    this.derivedBlock = null;
    this.heap.free(d.ptr, d.bytes);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.forget();
    this.owned?.delete(this);
    this.heap.free(this.ptr, this.bytes);
  }
}

/** A block of derived data kept with a record. */
interface DerivedBlock {
  readonly key: string;
  readonly ptr: number;
  readonly bytes: number;
}
