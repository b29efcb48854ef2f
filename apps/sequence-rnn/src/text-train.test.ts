import { cpu } from '@neurona/backend-cpu';
import * as nr from '@neurona/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { silentOutput } from './progress.js';
import { loadText } from './text-source.js';
import { trainText } from './text-train.js';

describe('trainText', () => {
  beforeAll(async () => {
    await nr.setBackend(cpu());
  });

  it('learns a 20k-character slice of Moby-Dick below the unigram baseline on held-out text', async () => {
    const { text } = loadText(undefined, 20_000);
    expect(Array.from(text)).toHaveLength(20_000);
    const before = nr.memory().numTensors;
    const r = await trainText(
      {
        text,
        cell: 'lstm',
        units: 64,
        layers: 1,
        embeddingDim: 16,
        seqLen: 32,
        batchSize: 16,
        epochs: 2,
        learningRate: 0.01,
        seed: 1,
        temperature: 0.5,
        prompt: 'Call me',
        sampleLength: 20,
      },
      silentOutput(),
    );
    // The held-out text is the last 10%; the baseline is the entropy of its own character frequencies.
    expect(r.heldOutChars).toBe(2_000);
    expect(r.initialValLoss).toBeGreaterThan(r.unigramEntropy);
    expect(r.valLoss).toBeLessThan(r.unigramEntropy - 0.1);
    expect(r.valPerplexity).toBeCloseTo(Math.exp(r.valLoss), 10);
    expect(r.epochs).toHaveLength(2);
    expect(r.epochs[1]!.valLoss).toBeLessThan(r.epochs[0]!.valLoss);
    expect(r.epochs[1]!.samples.map(([t]) => t)).toEqual([0.5, 1]);
    expect(Array.from(r.epochs[1]!.samples[0]![1])).toHaveLength(20);
    r.model.dispose();
    expect(nr.memory().numTensors).toBe(before);
  });

  it('explains a window longer than the held-out text', async () => {
    await expect(
      trainText(
        {
          text: 'abcdefghij'.repeat(10),
          cell: 'gru',
          units: 4,
          layers: 1,
          embeddingDim: 2,
          seqLen: 20,
          batchSize: 4,
          epochs: 1,
          learningRate: 0.01,
          seed: 1,
          temperature: 0.5,
          prompt: 'a',
          sampleLength: 0,
        },
        silentOutput(),
      ),
    ).rejects.toThrow(
      /--seq-len 20: the held-out text \(last 10%, 10 characters\) is shorter than one window of 21/,
    );
  });
});
