/**
 * What is special about the WebGPU backend (the shared conformance suite covers the kernels): command
 * batching, the pipeline cache, the ordering of uploads against pending kernels, 32-bit storage of int32
 * and bool, size-0 tensors, and the absence of synchronous reads.
 */
import * as nr from '@neurona/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireCapability } from '../../../test-utils/capabilities.js';
import { type WebGpuBackend, webgpu } from '../src/index.js';

const gpu = await requireCapability('webgpu', 'backend-webgpu runtime tests');

let be: WebGpuBackend;

beforeAll(async () => {
  be = await webgpu();
  await nr.setBackend(be);
});
afterAll(() => be?.destroy());

const f32 = (data: number[]): nr.Operand => {
  const shape = [data.length];
  return { handle: be.upload(new Float32Array(data), { shape, dtype: 'float32' }), shape, dtype: 'float32' };
};

describe.runIf(gpu)('command batching', () => {
  it('records kernels without submitting until data is read, then submits once', async () => {
    const x = nr.tensor([1, 2, 3]);
    await x.data();
    const before = be.runtime.submits;
    let y = x;
    const made: nr.Tensor[] = [];
    for (let i = 0; i < 50; i++) {
      y = nr.add(nr.mul(y, 1.5), 1);
      made.push(y);
    }
    expect(be.runtime.submits, 'kernels alone do not submit').toBe(before);
    const got = await y.data();
    expect(be.runtime.submits - before, 'one submit for the read').toBe(1);
    let want = [1, 2, 3];
    for (let i = 0; i < 50; i++) want = want.map((v) => Math.fround(Math.fround(v * 1.5) + 1));
    expect(Array.from(got)).toEqual(want.map((v) => Math.fround(v)));
    nr.dispose([x, ...made]);
  });

  it('submits at the batch limit without a read', async () => {
    const limit = be.runtime.batchLimit;
    be.runtime.batchLimit = 8;
    try {
      const before = be.runtime.submits;
      const x = nr.tensor([1]);
      const ys = Array.from({ length: 20 }, () => nr.exp(x));
      expect(be.runtime.submits - before).toBe(2);
      nr.dispose([x, ...ys]);
    } finally {
      be.runtime.batchLimit = limit;
    }
  });

  it('compiles one pipeline per shader and shape class, not per size', async () => {
    const a = nr.tensor([1, 2]);
    const b = nr.tensor([1, 2, 3, 4, 5, 6, 7]);
    const ya = nr.sqrt(a);
    await ya.data();
    const count = be.runtime.pipelineCount;
    const yb = nr.sqrt(b);
    expect(Array.from(await yb.data())).toEqual([1, 2, 3, 4, 5, 6, 7].map((v) => Math.fround(Math.sqrt(v))));
    expect(be.runtime.pipelineCount).toBe(count);
    nr.dispose([a, b, ya, yb]);
  });
});

describe.runIf(gpu)('memory', () => {
  it('an upload never lands in a buffer that a recorded kernel still reads', async () => {
    const x = f32([1, 2, 3, 4]);
    const y = be.kernels.unary('neg', x, { shape: [4], dtype: 'float32' });
    be.dispose(x.handle); // its buffer is free for later kernels of this batch, not for uploads
    const z = f32([9, 9, 9, 9]);
    expect(Array.from(await be.read(y))).toEqual([-1, -2, -3, -4]);
    expect(Array.from(await be.read(z.handle))).toEqual([9, 9, 9, 9]);
    be.dispose(y);
    be.dispose(z.handle);
  });

  it('reuses pooled buffers: repeated steps allocate nothing new', async () => {
    const run = async (): Promise<void> => {
      const y = nr.tidy(() => nr.sum(nr.relu(nr.matMul(nr.ones([8, 8]), nr.ones([8, 8])))));
      await y.data();
      y.dispose();
    };
    await run();
    const bytes = be.runtime.pool.bytes;
    for (let i = 0; i < 5; i++) await run();
    expect(be.runtime.pool.bytes).toBe(bytes);
  });

  it('counts live handles and their device bytes (4 per element, bool included)', () => {
    const before = be.stats();
    const h = be.upload(new Uint8Array([1, 0, 1]), { shape: [3], dtype: 'bool' });
    expect(be.stats()).toEqual({ handles: before.handles + 1, bytes: before.bytes + 12 });
    be.dispose(h);
    expect(be.stats()).toEqual(before);
  });
});

describe.runIf(gpu)('dtypes and sizes', () => {
  it('round-trips int32 (full range) and bool (stored as 0/1 words)', async () => {
    const ints = new Int32Array([-2147483648, -1, 0, 255, 256, 2147483647]);
    const hi = be.upload(ints, { shape: [6], dtype: 'int32' });
    expect(Array.from(await be.read(hi))).toEqual(Array.from(ints));
    const hb = be.upload(new Uint8Array([0, 1, 7, 0]), { shape: [4], dtype: 'bool' });
    const read = await be.read(hb);
    expect(read).toBeInstanceOf(Uint8Array);
    expect(Array.from(read)).toEqual([0, 1, 1, 0]);
    be.dispose(hi);
    be.dispose(hb);
  });

  it('casts float32 to int32 like Int32Array stores: truncation, NaN and infinities to 0, wrap-around', async () => {
    const values = [2.9, -2.9, Number.NaN, Number.POSITIVE_INFINITY, 3e9, -3e9, 2 ** 40 + 2 ** 20];
    const y = nr.cast(nr.tensor(values), 'int32');
    expect(Array.from(await y.data())).toEqual(Array.from(Int32Array.from(values.map(Math.fround))));
    y.dispose();
  });

  it('handles size-0 tensors without dispatching', async () => {
    const e = nr.zeros([0, 3]);
    const row = nr.ones([1, 3]);
    const m = nr.ones([3, 2]);
    const dispatches = be.runtime.dispatches;
    const ys = [nr.exp(e), nr.add(e, row), nr.matMul(e, m), nr.transpose(e), nr.concat([e, e], 0)];
    expect(be.runtime.dispatches - dispatches).toBe(0);
    for (const y of ys) expect(Array.from(await y.data())).toEqual([]);
    const s = nr.sum(e, 0); // 3 empty rows: a real kernel writing the identity
    expect(Array.from(await s.data())).toEqual([0, 0, 0]);
    nr.dispose([e, row, m, s, ...ys]);
  });

  it('has no readSync: dataSync() says to await data()', () => {
    expect(be.readSync).toBeUndefined();
    const t = nr.tensor([1]);
    expect(() => t.dataSync()).toThrow(
      /backend 'webgpu' can only read asynchronously.*await tensor\.data\(\)/,
    );
    t.dispose();
  });
});
