import { cpu } from '@neurona/backend-cpu';
import * as nr from '@neurona/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCharModel } from './char-model.js';
import { generate, sampleIndex } from './sampling.js';
import { Vocab } from './vocab.js';

/** A generator that returns the given values in turn. */
const fixed = (...us: number[]) => ({ uniform: () => us.shift()! });

describe('sampleIndex', () => {
  const probs = [0.2, 0.3, 0.5];

  it('walks the cumulative distribution at temperature 1', () => {
    expect(sampleIndex(probs, 1, fixed(0.1))).toBe(0); // 0.1 < 0.2
    expect(sampleIndex(probs, 1, fixed(0.45))).toBe(1); // 0.2 <= 0.45 < 0.5
    expect(sampleIndex(probs, 1, fixed(0.6))).toBe(2);
  });

  it('sharpens with p^(1/T): at T = 0.5 the weights are 0.04, 0.09, 0.25 (total 0.38)', () => {
    expect(sampleIndex(probs, 0.5, fixed(0.1))).toBe(0); // 0.038 < 0.04
    expect(sampleIndex(probs, 0.5, fixed(0.11))).toBe(1); // 0.0418 in [0.04, 0.13)
    expect(sampleIndex(probs, 0.5, fixed(0.35))).toBe(2); // 0.133 >= 0.13
  });

  it('is greedy at T = 0 and never draws a class of probability 0', () => {
    expect(sampleIndex(probs, 0, fixed())).toBe(2);
    expect(sampleIndex([0, 1, 0], 2, fixed(0.999999))).toBe(1);
  });

  it('draws classes at their probabilities', () => {
    const rng = new nr.Rng(3);
    const counts = [0, 0, 0];
    const n = 20_000;
    for (let i = 0; i < n; i++) counts[sampleIndex(probs, 1, rng)]!++;
    // Standard error of each frequency is at most sqrt(0.25 / n) = 0.0035: allow about 4 of them.
    for (const [i, c] of counts.entries()) expect(Math.abs(c / n - probs[i]!)).toBeLessThan(0.015);
  });

  it('rejects a negative temperature', () => {
    expect(() => sampleIndex(probs, -1, fixed(0.5))).toThrow(
      /temperature must be a finite number >= 0, got -1/,
    );
  });
});

describe('generate', () => {
  beforeAll(async () => {
    await nr.setBackend(cpu());
  });

  it('gives the same text for the same seed and another text for another seed', async () => {
    const vocab = Vocab.fromText('abcdefgh ');
    nr.seed(11);
    const model = buildCharModel({
      vocabSize: vocab.size,
      cell: 'gru',
      units: 8,
      layers: 1,
      embeddingDim: 4,
    });
    const before = nr.memory().numTensors;
    const run = async (seed: number) => {
      nr.seed(seed);
      return generate(model, vocab, { prompt: 'abc', length: 40, temperatures: [1, 0.5], context: 6 });
    };
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    expect(a).toEqual(b);
    expect(a[0]).toHaveLength(40);
    expect(a[0]).not.toBe(c[0]);
    expect(nr.memory().numTensors).toBe(before);
    expect(Array.from(a[1]!).every((ch) => vocab.has(ch))).toBe(true);
    await expect(
      generate(model, vocab, { prompt: 'abz', length: 3, temperatures: [1], context: 6 }),
    ).rejects.toThrow(/character "z"/);
    model.dispose();
  });

  it('reports each new character as it comes and stops when aborted', async () => {
    const vocab = Vocab.fromText('abcdefgh ');
    nr.seed(3);
    const model = buildCharModel({
      vocabSize: vocab.size,
      cell: 'lstm',
      units: 8,
      layers: 1,
      embeddingDim: 4,
    });
    const seen: string[][] = [];
    nr.seed(9);
    const [full] = await generate(model, vocab, {
      prompt: 'ab',
      length: 12,
      temperatures: [1],
      context: 6,
      onChars: (chars) => {
        seen.push([...chars]);
      },
    });
    expect(seen).toHaveLength(12);
    expect(seen.map((c) => c[0]).join('')).toBe(full);
    const stop = new AbortController();
    let n = 0;
    nr.seed(9);
    const [cut] = await generate(model, vocab, {
      prompt: 'ab',
      length: 12,
      temperatures: [1],
      context: 6,
      signal: stop.signal,
      onChars: () => {
        if (++n === 5) stop.abort();
      },
    });
    expect(cut).toBe(full!.slice(0, 5));
    model.dispose();
  });
});
