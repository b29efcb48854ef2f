import type { Handle, Operand } from '@neurona/core';
import { describe, expect, it } from 'vitest';
import { cpu } from './index.js';

describe('cpu storage', () => {
  it('uses Float32Array / Int32Array / Uint8Array per dtype', () => {
    const be = cpu();
    const f = be.upload(new Float32Array([1.5]), { shape: [1], dtype: 'float32' });
    const i = be.upload(new Int32Array([-3, 4]), { shape: [2], dtype: 'int32' });
    const b = be.upload(new Uint8Array([1, 0, 1]), { shape: [3], dtype: 'bool' });
    expect(be.readSync(f)).toEqual(new Float32Array([1.5]));
    expect(be.readSync(i)).toEqual(new Int32Array([-3, 4]));
    expect(be.readSync(b)).toEqual(new Uint8Array([1, 0, 1]));
    for (const h of [f, i, b]) be.dispose(h);
  });

  it('upload copies the data, and reads return fresh copies', async () => {
    const be = cpu();
    const src = new Float32Array([1, 2, 3]);
    const h = be.upload(src, { shape: [3], dtype: 'float32' });
    src[0] = 100; // changing the source after upload must not change the handle
    const r1 = be.readSync(h);
    expect(Array.from(r1)).toEqual([1, 2, 3]);
    r1[1] = 200; // nor may changing a read result
    const r2 = await be.read(h);
    expect(Array.from(r2)).toEqual([1, 2, 3]);
    expect(r2).not.toBe(r1);
    be.dispose(h);
  });

  it('upload converts data to the declared dtype and checks the length', () => {
    const be = cpu();
    const h = be.upload(new Float32Array([1, 2]), { shape: [2], dtype: 'int32' });
    expect(be.readSync(h)).toBeInstanceOf(Int32Array);
    expect(() => be.upload(new Float32Array(3), { shape: [2, 2], dtype: 'float32' })).toThrow(
      /3 values.*4 elements/,
    );
    be.dispose(h);
  });

  it('scalars and size-0 tensors', () => {
    const be = cpu();
    const s = be.upload(new Float32Array([7]), { shape: [], dtype: 'float32' });
    const z = be.upload(new Float32Array(0), { shape: [0, 4], dtype: 'float32' });
    expect(Array.from(be.readSync(s))).toEqual([7]);
    expect(be.readSync(z).length).toBe(0);
    be.dispose(s);
    be.dispose(z);
  });

  it('dispose of an unknown or already disposed handle throws a clear error', () => {
    const be = cpu();
    const other = cpu();
    const h = be.upload(new Float32Array([1]), { shape: [1], dtype: 'float32' });
    expect(() => other.dispose(h)).toThrow(/unknown or already disposed/);
    expect(() => other.readSync(h)).toThrow(/unknown or already disposed/);
    be.dispose(h);
    expect(() => be.dispose(h)).toThrow(/unknown or already disposed/);
    expect(() => be.readSync(h)).toThrow(/unknown or already disposed/);
    expect(() => be.dispose({} as unknown as Handle)).toThrow(/unknown or already disposed/);
  });

  it('read of a disposed handle rejects', async () => {
    const be = cpu();
    const h = be.upload(new Float32Array([1]), { shape: [1], dtype: 'float32' });
    be.dispose(h);
    await expect(be.read(h)).rejects.toThrow(/unknown or already disposed/);
  });

  it('stats() counts live handles and bytes, back to 0 after disposing', () => {
    const be = cpu();
    expect(be.stats()).toEqual({ handles: 0, bytes: 0 });
    const f = be.upload(new Float32Array(6), { shape: [2, 3], dtype: 'float32' }); // 6 * 4 = 24 bytes
    const i = be.upload(new Int32Array(4), { shape: [4], dtype: 'int32' }); // 4 * 4 = 16 bytes
    const b = be.upload(new Uint8Array(5), { shape: [5], dtype: 'bool' }); // 5 * 1 = 5 bytes
    expect(be.stats()).toEqual({ handles: 3, bytes: 45 });
    const x: Operand = { handle: f, shape: [2, 3], dtype: 'float32' };
    const y = be.kernels.unary('exp', x, { shape: [2, 3], dtype: 'float32' }); // another 24 bytes
    const c = be.kernels.binary('less', x, x, { shape: [2, 3], dtype: 'bool' }); // another 6 bytes
    expect(be.stats()).toEqual({ handles: 5, bytes: 75 });
    for (const h of [f, i, b, y, c]) be.dispose(h);
    expect(be.stats()).toEqual({ handles: 0, bytes: 0 });
  });

  it('kernels see the operand shape, not the upload shape (views share handles)', () => {
    const be = cpu();
    const h = be.upload(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [6], dtype: 'float32' });
    // The same handle seen as [2, 3]: sum over rows -> [1+2+3, 4+5+6] = [6, 15]
    const s = be.kernels.reduce(
      'sum',
      { handle: h, shape: [2, 3], dtype: 'float32' },
      { shape: [2], dtype: 'float32' },
    );
    expect(Array.from(be.readSync(s))).toEqual([6, 15]);
    be.dispose(s);
    be.dispose(h);
  });

  it('every fused kernel is provided', () => {
    const names = [
      'conv2d',
      'conv2dGradInput',
      'conv2dGradFilter',
      'maxPool',
      'maxPoolGrad',
      'avgPool',
      'avgPoolGrad',
      'softmax',
      'logSoftmax',
      'unsortedSegmentSum',
    ] as const;
    const be = cpu();
    expect(be.name).toBe('cpu');
    for (const n of names) expect(typeof be.kernels[n]).toBe('function');
  });
});
