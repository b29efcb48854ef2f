/**
 * `Rng.fillUniform` against the per-draw reference: the same values as `uniform()` called once per element,
 * in order (float32-rounded in a Float32Array), and the generator left where those calls leave it.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from './random.js';

describe('Rng.fillUniform', () => {
  it('gives the values of successive uniform() calls and continues the same sequence', () => {
    for (const seed of [0, 42, 2 ** 32 - 1, 123.456]) {
      const ref = new Rng(seed);
      const fast = new Rng(seed);
      ref.nextUint32(); // start both mid-stream, at an odd word
      fast.nextUint32();
      const want = Array.from({ length: 1003 }, () => ref.uniform());
      const got64 = new Float64Array(1003);
      fast.fillUniform(got64);
      expect(Array.from(got64)).toEqual(want);
      expect(fast.getState()).toEqual(ref.getState());
      const got32 = new Float32Array(7);
      fast.fillUniform(got32);
      expect(Array.from(got32)).toEqual(Array.from({ length: 7 }, () => Math.fround(ref.uniform())));
      expect([fast.nextUint32(), fast.normal()]).toEqual([ref.nextUint32(), ref.normal()]);
    }
  });

  it('draws values in [0, 1) with the mean and spread of a uniform distribution', () => {
    const u = new Float64Array(100_000);
    new Rng(5).fillUniform(u);
    let sum = 0;
    let sq = 0;
    for (const v of u) {
      expect(v >= 0 && v < 1).toBe(true);
      sum += v;
      sq += v * v;
    }
    const mean = sum / u.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005); // standard error 0.0009
    expect(Math.abs(sq / u.length - mean * mean - 1 / 12)).toBeLessThan(0.002);
  });

  it('leaves an empty array and the state untouched', () => {
    const a = new Rng(9);
    const before = a.getState();
    a.fillUniform(new Float32Array(0));
    expect(a.getState()).toEqual(before);
  });
});
