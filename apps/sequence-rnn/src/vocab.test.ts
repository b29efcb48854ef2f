import { describe, expect, it } from 'vitest';
import { unigramEntropy, Vocab } from './vocab.js';

describe('Vocab', () => {
  it('sorts the distinct code points and maps them to dense ids', () => {
    const v = Vocab.fromText('banana, Ab');
    expect(v.chars).toEqual([' ', ',', 'A', 'a', 'b', 'n']);
    expect(Array.from(v.encode('ban'))).toEqual([4, 3, 5]);
    expect(v.decode([2, 4, 0])).toBe('Ab ');
  });

  it('treats a character outside the BMP as one character', () => {
    const v = Vocab.fromText('a🐋a');
    expect(v.size).toBe(2);
    expect(Array.from(v.encode('🐋a'))).toEqual([1, 0]);
    expect(v.decode([1])).toBe('🐋');
  });

  it('names the unknown character and the bad id', () => {
    const v = Vocab.fromText('abc');
    expect(() => v.encode('abz')).toThrow(/character "z" \(position 2\) is not in the vocabulary of 3/);
    expect(() => v.decode([0, 3])).toThrow(/id 3 \(position 1\) is not in \[0, 3\)/);
    expect(() => new Vocab(['a', 'a'])).toThrow(/appears twice/);
    expect(() => Vocab.fromText('')).toThrow(/empty/);
  });
});

describe('unigramEntropy', () => {
  it('is ln(k) for k equally frequent characters', () => {
    expect(unigramEntropy([0, 1, 2, 3], 4)).toBeCloseTo(Math.log(4), 12);
    expect(unigramEntropy([2, 2, 2], 3)).toBe(0);
  });

  it('matches a hand computation for frequencies 2/3 and 1/3', () => {
    // -(2/3 ln 2/3 + 1/3 ln 1/3) = ln 3 - (2/3) ln 2 = 0.636514168294813
    expect(unigramEntropy([1, 1, 0], 2)).toBeCloseTo(0.636514168294813, 12);
  });

  it('rejects ids outside the vocabulary', () => {
    expect(() => unigramEntropy([0, 5], 3)).toThrow(/id 5 \(position 1\) is not in \[0, 3\)/);
  });
});
