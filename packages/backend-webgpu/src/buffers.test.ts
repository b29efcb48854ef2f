import { describe, expect, it } from 'vitest';
import { BufferPool, bucketSize } from './buffers.js';

/** A stand-in device: buffers are plain objects with a size. */
function fakeDevice(): { device: GPUDevice; created: number[] } {
  const created: number[] = [];
  const device = {
    createBuffer: ({ size }: GPUBufferDescriptor) => {
      created.push(size);
      return { size, destroy: () => {} } as unknown as GPUBuffer;
    },
  } as unknown as GPUDevice;
  return { device, created };
}

describe('bucketSize', () => {
  it('rounds up to 1, 1.25, 1.5 or 1.75 times a power of two, at least 16 bytes', () => {
    expect([1, 16, 17, 20, 24, 28, 32, 33, 100, 4096, 4097].map(bucketSize)).toEqual([
      16, 16, 32, 32, 32, 32, 32, 48, 112, 4096, 5120,
    ]);
  });

  it('never wastes more than a quarter (for sizes above 64 bytes)', () => {
    for (let b = 65; b < 100_000; b += 37) {
      const s = bucketSize(b);
      expect(s).toBeGreaterThanOrEqual(b);
      expect(s / b).toBeLessThanOrEqual(1.25 + 1e-9);
      expect(s % 16).toBe(0);
    }
  });
});

describe('BufferPool', () => {
  it('reuses a released buffer of the same bucket for kernel outputs at once', () => {
    const { device, created } = fakeDevice();
    const pool = new BufferPool(device);
    const a = pool.acquire(1000, false);
    pool.release(a);
    expect(pool.acquire(1000, false)).toBe(a);
    expect(created).toEqual([1024]);
  });

  it('keeps a buffer released in the current batch away from uploads until the next submit', () => {
    const { device, created } = fakeDevice();
    const pool = new BufferPool(device);
    const a = pool.acquire(64, false);
    pool.release(a);
    const b = pool.acquire(64, true);
    expect(b, 'an upload must not overwrite data the pending batch still reads').not.toBe(a);
    pool.release(b);
    pool.submitted();
    expect([pool.acquire(64, true), pool.acquire(64, true)]).toEqual(expect.arrayContaining([a, b]));
    expect(created).toEqual([64, 64]);
    expect(pool.bytes).toBe(128);
  });

  it('trim destroys the free buffers and forgets their bytes', () => {
    const { device } = fakeDevice();
    const pool = new BufferPool(device);
    const a = pool.acquire(100, false);
    pool.acquire(100, false);
    pool.release(a);
    pool.trim();
    expect(pool.bytes).toBe(112);
  });
});
