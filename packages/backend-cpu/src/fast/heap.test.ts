import { describe, expect, it } from 'vitest';
import { FreeRanges } from './free-ranges.js';
import { Heap, LARGE_BLOCK, sizeClass } from './heap.js';
import { MEMORY } from './layout.js';
import { createRuntime } from './runtime.js';

describe('size classes', () => {
  it('rounds small blocks to 64 bytes and larger ones to 8 classes per power of two', () => {
    expect(sizeClass(1)).toBe(64);
    expect(sizeClass(64)).toBe(64);
    expect(sizeClass(65)).toBe(128);
    expect(sizeClass(1024)).toBe(1024);
    expect(sizeClass(1025)).toBe(1152);
    expect(sizeClass(2048)).toBe(2048);
    expect(sizeClass(2049)).toBe(2304);
    expect(sizeClass(5000)).toBe(5120);
    for (const n of [3000, 77777, 1 << 20, 12345678]) {
      const c = sizeClass(n);
      expect(c).toBeGreaterThanOrEqual(n);
      expect(c).toBeLessThanOrEqual(n * 1.125 + 64);
      expect(c % 64).toBe(0);
    }
  });
});

describe('heap', () => {
  it('hands out aligned blocks above the runtime area and reuses freed blocks of the same class', () => {
    const heap = new Heap(new WebAssembly.Memory({ initial: 2, maximum: 4096, shared: true }));
    const a = heap.alloc(100);
    const b = heap.alloc(100);
    expect(a).toBeGreaterThanOrEqual(MEMORY.HEAP_BASE);
    expect(a % 64).toBe(0);
    expect(b).not.toBe(a);
    heap.free(a, 100);
    expect(heap.alloc(120)).toBe(a); // same class (128 bytes)
    expect(heap.alloc(0)).toBe(0);
    expect(heap.stats().inUse).toBe(256);
  });

  it('grows the memory on demand; in shared memory, views made before growth stay valid', () => {
    const heap = new Heap(new WebAssembly.Memory({ initial: 2, maximum: 4096, shared: true }));
    const rec = heap.record('float32', [3], 3);
    rec.data.set([1, 2, 3]);
    const before = rec.data;
    const big = heap.alloc(8 << 20);
    expect(heap.stats().size).toBeGreaterThanOrEqual(big + (8 << 20));
    expect(Array.from(before)).toEqual([1, 2, 3]);
    expect(rec.data).toBe(before);
    rec.release();
    rec.release(); // idempotent
  });

  it('in unshared memory, records re-create their views after growth detaches the old ones', () => {
    const heap = new Heap(new WebAssembly.Memory({ initial: 2, maximum: 4096 }));
    expect(heap.shared).toBe(false);
    const rec = heap.record('int32', [2, 2], 4);
    rec.data.set([5, 6, 7, 8]);
    const before = rec.data;
    heap.alloc(8 << 20);
    expect(before.length).toBe(0); // detached by growth
    expect(Array.from(rec.data)).toEqual([5, 6, 7, 8]);
  });

  it('keeps the records of an owner in its set while they are live', () => {
    const heap = new Heap(new WebAssembly.Memory({ initial: 2, maximum: 4096, shared: true }));
    const owned = heap.track({});
    const a = heap.record('float32', [4], 4, owned);
    const b = heap.record('bool', [3], 3, owned);
    expect([...owned]).toEqual([a, b]);
    a.release();
    expect([...owned]).toEqual([b]);
    expect(heap.stats().inUse).toBe(64);
  });

  it('hands a freed large block out again for a smaller size, and merges neighbours for a larger one', () => {
    const heap = new Heap(new WebAssembly.Memory({ initial: 2, maximum: 4096, shared: true }));
    const mib = LARGE_BLOCK;
    const a = heap.alloc(3 * mib);
    const b = heap.alloc(2 * mib);
    const guard = heap.alloc(100); // keeps a and b below the top
    heap.free(a, 3 * mib);
    const c = heap.alloc(mib + 5); // best fit inside a's range
    expect(c).toBe(a);
    heap.free(b, 2 * mib);
    heap.free(c, mib + 5);
    const top = heap.stats().top;
    expect(heap.alloc(5 * mib)).toBe(a); // a and b merged
    expect(heap.stats().top).toBe(top);
    expect(heap.stats().inUse).toBe(5 * mib + 128);
    heap.free(guard, 100);
  });

  it('gives a large block freed at the top back to the top of the heap', () => {
    const heap = new Heap(new WebAssembly.Memory({ initial: 2, maximum: 4096, shared: true }));
    const a = heap.alloc(2 * LARGE_BLOCK);
    heap.free(a, 2 * LARGE_BLOCK);
    expect(heap.stats().top).toBe(a);
    const b = heap.alloc(3 * LARGE_BLOCK); // grows from the same address
    expect(b).toBe(a);
    expect(heap.stats().top).toBe(a + 3 * LARGE_BLOCK);
  });

  it('reports running out of memory clearly', () => {
    const heap = new Heap(new WebAssembly.Memory({ initial: 2, maximum: 4 }));
    expect(() => heap.alloc(1 << 20)).toThrow(
      /cpu: out of WebAssembly memory: cannot allocate 1048576 bytes/,
    );
  });
});

describe('free ranges', () => {
  it('merges a freed range with both neighbours and cuts the best fit', () => {
    const free = new FreeRanges();
    free.give(1000, 100);
    free.give(1300, 100);
    free.give(2000, 50);
    expect(free.count).toBe(3);
    free.give(1100, 200); // joins [1000, 1100) and [1300, 1400)
    expect(free.count).toBe(2);
    expect(free.bytes).toBe(450);
    expect(free.take(40)).toBe(2000); // the smallest range that fits
    expect(free.take(400)).toBe(1000);
    expect(free.take(1)).toBe(2040);
    expect(free.take(1000)).toBe(-1);
    expect(free.takeEndingAt(2050)).toBe(2041);
    expect(free.takeEndingAt(2050)).toBe(-1);
  });
});

describe('unshared-memory runtime (browsers without cross-origin isolation)', () => {
  it('loads the kernels with an unshared memory and runs them single-threaded', () => {
    const rt = createRuntime(false);
    expect(rt).not.toBeNull();
    expect(rt!.heap.shared).toBe(false);
    expect(rt!.canThread).toBe(false);
    const x = rt!.heap.alloc(16);
    const o = rt!.heap.alloc(16);
    rt!.heap.f32().set([-1, 4, 0, 9], x >> 2);
    rt!.kernels.unaryF32(3, x, o, 4); // sqrt
    expect(Array.from(rt!.heap.f32().subarray(o >> 2, (o >> 2) + 4))).toEqual([Number.NaN, 2, 0, 3]);
  });
});
