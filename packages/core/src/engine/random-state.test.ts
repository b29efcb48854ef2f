/**
 * `Rng.getState` / `setState`: a generator restored from a state continues exactly where the original was
 * (uniform, integer and normal draws, including the cached second Box-Muller sample), and bad states are
 * refused with the field and the value.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from './random.js';

const draws = (r: Rng): number[] => [
  r.uniform(),
  r.nextUint32(),
  r.int(1000),
  r.normal(),
  r.normal(),
  r.normal(),
];

describe('Rng state', () => {
  it('a copy made from the state continues the same sequence, also with a cached normal sample', () => {
    const a = new Rng(42);
    for (let i = 0; i < 17; i++) a.uniform();
    a.normal(); // leaves the second sample of the pair cached
    const state = a.getState();
    expect(state.spareNormal).not.toBeNull();
    expect(state.words.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)).toBe(true);
    const b = new Rng(1);
    b.setState(JSON.parse(JSON.stringify(state)));
    expect(draws(b)).toEqual(draws(a));
    // A different generator gives other numbers (so the comparison above is not vacuous).
    expect(draws(new Rng(43))).not.toEqual(draws(new Rng(42)));
  });

  it('refuses states that are not four unsigned 32-bit words, all zero, or a non-finite spare', () => {
    const r = new Rng(1);
    expect(() => r.setState({ words: [1, 2, 3], spareNormal: null })).toThrow(
      /Rng\.setState: words must be 4 unsigned 32-bit integers.*\[1,2,3\]/,
    );
    expect(() => r.setState({ words: [0, 0, 0, 0], spareNormal: null })).toThrow(/not all 0/);
    expect(() => r.setState({ words: [1, -2, 3, 4], spareNormal: null })).toThrow(/unsigned/);
    expect(() => r.setState({ words: [1, 2, 3, 4], spareNormal: Number.NaN })).toThrow(
      /spareNormal must be a finite number or null, got NaN/,
    );
  });
});
