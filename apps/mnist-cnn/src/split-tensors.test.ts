import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpu } from '@neurona/backend-cpu';
import * as nr from '@neurona/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundledMnistDir, decodeImages, decodeLabels, readIdxSplit, splitFromIdx } from './data.js';
import { parseIdx } from './idx.js';
import { idxTensors } from './split-tensors.js';

/**
 * The reference: MNIST's training files read by hand as the IDX format describes them (16 header bytes
 * before the images, 8 before the labels, one byte per pixel or label), without the app's parser.
 */
function handDecoded(index: number): { pixels: number[]; label: number } {
  const dir = bundledMnistDir();
  const images = readFileSync(join(dir, 'train-images-idx3-ubyte'));
  const labels = readFileSync(join(dir, 'train-labels-idx1-ubyte'));
  const from = 16 + index * 784;
  return { pixels: Array.from(images.subarray(from, from + 784), (b) => b / 255), label: labels[8 + index]! };
}

beforeAll(async () => {
  await nr.setBackend(cpu());
});

describe('decodeImages / decodeLabels', () => {
  it('decode a range of a hand-made IDX pair (pixel p of image i is (3i + p) % 256)', () => {
    const header = (dims: number[]): number[] => [
      0,
      0,
      8,
      dims.length,
      ...dims.flatMap((d) => [0, 0, d >> 8, d & 255]),
    ];
    const px = Array.from({ length: 3 * 784 }, (_, k) => (3 * Math.floor(k / 784) + (k % 784)) % 256);
    const images = parseIdx(Uint8Array.from([...header([3, 28, 28]), ...px]), 'images');
    const labels = parseIdx(Uint8Array.from([...header([3]), 7, 0, 9]), 'labels');
    const two = decodeImages(images, 1, 2);
    expect(two.length).toBe(2 * 784);
    expect(two[0]).toBeCloseTo(3 / 255, 7);
    expect(two[783]).toBeCloseTo(((3 + 783) % 256) / 255, 7);
    expect(two[784 + 10]).toBeCloseTo(16 / 255, 7);
    expect(Array.from(decodeLabels(labels, 1, 2, 'labels'))).toEqual([0, 9]);
    const bad = parseIdx(Uint8Array.from([...header([2]), 3, 10]), 'bad labels');
    expect(() => decodeLabels(bad, 0, 2, 'bad labels')).toThrow(
      'data: bad labels label 1 is 10, expected a class id 0..9',
    );
    // The whole-split decode the web page uses is the same decode.
    const all = splitFromIdx(images, labels, undefined, 'labels');
    expect(Array.from(all.images.subarray(784))).toEqual(Array.from(two));
  });
});

describe('idxTensors on the real MNIST files', () => {
  it('gives the hand-decoded pixels and labels of a range, as [n, 28, 28, 1] float32 and [n] int32', async () => {
    const raw = await readIdxSplit(bundledMnistDir(), 'train', 100);
    expect(raw.n).toBe(100);
    const before = nr.memory().numTensors;
    const { x, y, n } = idxTensors(raw.images, raw.labels, 40, 3, raw.name);
    try {
      expect(n).toBe(3);
      expect(x.shape).toEqual([3, 28, 28, 1]);
      expect(x.dtype).toBe('float32');
      expect(y.shape).toEqual([3]);
      expect(y.dtype).toBe('int32');
      const xs = await x.data();
      const ys = await y.data();
      for (let i = 0; i < 3; i++) {
        const ref = handDecoded(40 + i);
        expect(ys[i]).toBe(ref.label);
        for (let p = 0; p < 784; p++) expect(xs[i * 784 + p]).toBeCloseTo(ref.pixels[p]!, 7);
      }
    } finally {
      nr.dispose([x, y]);
    }
    expect(nr.memory().numTensors).toBe(before);
  });

  it('throws at a bad label before making any tensor', () => {
    const images = parseIdx(
      Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 28, 0, 0, 0, 28, ...new Array(784).fill(0)]),
      'i',
    );
    const labels = parseIdx(Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 1, 12]), 'l');
    const before = nr.memory().numTensors;
    expect(() => idxTensors(images, labels, 0, 1, 'l')).toThrow('data: l label 0 is 12');
    expect(nr.memory().numTensors).toBe(before);
  });
});
