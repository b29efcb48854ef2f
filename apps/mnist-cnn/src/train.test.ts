import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as nr from '@neurona/core';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { bundledMnistDir, loadTest } from './data.js';
import { evaluate, predict } from './inference.js';
import { train } from './train.js';

describe('train on real MNIST (2,000 examples, 1 epoch)', () => {
  it('reaches > 85% on 1,000 test images, saves a model that evaluate and predict agree with', async () => {
    const out = mkdtempSync(join(tmpdir(), 'mnist-train-'));
    const lines: string[] = [];
    const log = (s: string): void => {
      lines.push(s);
    };
    const r = await train({
      backend: 'cpu',
      model: 'small',
      epochs: 1,
      batchSize: 16,
      learningRate: 0.01,
      seed: 1,
      validationSize: 0,
      limit: 2000,
      testLimit: 1000,
      out,
      dataset: 'mnist',
      verbose: 0,
      log,
      env: {},
    });
    expect(r.testAccuracy).toBeGreaterThan(0.85);
    expect(r.confusion.counts.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(r.history.loss).toHaveLength(1);
    expect(lines.join('\n')).toContain(
      `Test accuracy: ${(100 * r.testAccuracy).toFixed(2)}% on 1000 test images`,
    );

    const weightsFile = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')).weightsManifest[0].paths[0];
    for (const f of ['model.json', weightsFile, 'training-curves.svg', 'mnist-cnn.json']) {
      expect(existsSync(join(out, f))).toBe(true);
    }
    const meta = JSON.parse(readFileSync(join(out, 'mnist-cnn.json'), 'utf8'));
    expect(meta).toMatchObject({
      dataset: 'mnist',
      model: 'small',
      trainingExamples: 2000,
      testAccuracy: r.testAccuracy,
    });

    // The saved model, loaded again, must score exactly the same on the same 1,000 images.
    const before = nr.memory().numTensors;
    const ev = await evaluate({ backend: 'cpu', modelDir: out, limit: 1000, log: () => {}, env: {} });
    expect(ev.accuracy).toBeCloseTo(r.testAccuracy, 10);
    expect(ev.loss).toBeCloseTo(r.testLoss, 5);

    // predict --index: the probabilities sum to 1 and the argmax is the reported class.
    const shown: string[] = [];
    const p = await predict({ backend: 'cpu', modelDir: out, index: 0, log: (s) => shown.push(s), env: {} });
    const test = await loadTest(bundledMnistDir(), 1);
    expect(p.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(p.probabilities[p.predicted]).toBe(Math.max(...p.probabilities));
    expect(shown.join('\n')).toContain(`true class: ${test.labels[0]}`);

    // The same test image as a 56x56 black-on-white PNG: resized and inverted back, it must give the same answer.
    const img = new PNG({ width: 56, height: 56 });
    for (let i = 0; i < 56 * 56; i++) {
      const v = 255 - Math.round(255 * test.images[Math.floor(i / 112) * 28 + Math.floor((i % 56) / 2)]!);
      img.data.set([v, v, v, 255], 4 * i);
    }
    const file = join(out, 'digit.png');
    writeFileSync(file, PNG.sync.write(img));
    const fromPng = await predict({ backend: 'cpu', modelDir: out, image: file, log: () => {}, env: {} });
    expect(fromPng.predicted).toBe(p.predicted);
    for (let c = 0; c < 10; c++) expect(fromPng.probabilities[c]).toBeCloseTo(p.probabilities[c]!, 4);
    expect(nr.memory().numTensors).toBe(before);
  });

  it('fails before training when the test split is missing (it is only read after fit)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnist-no-test-'));
    for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'])
      symlinkSync(join(bundledMnistDir(), f), join(dir, f));
    const lines: string[] = [];
    await expect(
      train({
        backend: 'cpu',
        model: 'small',
        epochs: 1,
        batchSize: 16,
        seed: 1,
        validationSize: 0,
        limit: 100,
        out: join(dir, 'out'),
        dataset: 'mnist',
        data: dir,
        verbose: 0,
        log: (s) => lines.push(s),
      }),
    ).rejects.toThrow(`data: no t10k-images-idx3-ubyte (or t10k-images-idx3-ubyte.gz) in ${dir}`);
    expect(lines).toEqual([]);
  });

  it('says clearly when there is no saved model', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'mnist-empty-'));
    await expect(evaluate({ backend: 'cpu', modelDir: empty, log: () => {} })).rejects.toThrow(
      `--model-dir ${empty}: no model.json there; train one first`,
    );
  });
});
