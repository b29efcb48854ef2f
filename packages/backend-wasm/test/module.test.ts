/**
 * Loading: one WebAssembly module per process, shared by every `wasm()` backend and by tfjs itself.
 */
import '../../../test-utils/quiet-tfjs.js';
import * as nr from '@neurona/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { wasm } from '../src/index.js';

describe('loading the tfjs-wasm module', () => {
  it('uses the SIMD binary in Node, on one thread', async () => {
    const be = await wasm();
    expect(be.name).toBe('wasm');
    expect(be.features).toEqual({ simd: true, threads: 1 });
  });

  it('registers the module with tfjs, so tfjs ops on "wasm" and ours interleave on one heap', async () => {
    const be = await wasm();
    expect(tf.findBackend('wasm')).toBeDefined();
    await nr.setBackend(be);
    const a = nr.tensor([1, 2, 3]);
    expect(await tf.setBackend('wasm')).toBe(true);
    const t = tf.add(tf.tensor([10, 20, 30]), 1);
    const b = nr.mul(a, 2);
    const u = tf.mul(t, 2);
    const c = nr.add(b, a);
    expect(Array.from(await c.data())).toEqual([3, 6, 9]);
    expect(Array.from(await u.data())).toEqual([22, 42, 62]);
    nr.dispose([a, b, c]);
    tf.dispose([t, u]);
  });

  it('refuses different options once loaded, and accepts the same ones', async () => {
    await wasm();
    await expect(wasm({ threads: true })).resolves.toBeDefined();
    await expect(wasm({ threads: false })).rejects.toThrow(/already loaded with options/);
    await expect(wasm({ wasmPaths: 'https://example.com/wasm/' })).rejects.toThrow(
      /only to the first wasm\(\) call/,
    );
  });
});
