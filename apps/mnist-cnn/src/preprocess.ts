import { PNG } from 'pngjs';
import type { GrayImage } from './image.js';

export {
  borderMean,
  type GrayImage,
  type MnistInput,
  resizeArea,
  toMnistInput,
} from './image.js';

/**
 * Decode a PNG (any colour type and bit depth pngjs reads) into grayscale: luma `0.299 R + 0.587 G + 0.114 B`,
 * with transparent pixels composited over white (so a dark digit drawn on a transparent canvas stays visible).
 *
 * @example
 * ```ts
 * const img = decodePng(readFileSync('digit.png'));
 * ```
 */
export function decodePng(bytes: Uint8Array, name = 'PNG image'): GrayImage {
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new Error(`predict --image ${name}: not a readable PNG (${(e as Error).message})`);
  }
  const { width, height, data } = png;
  if (width === 0 || height === 0)
    throw new Error(`predict --image ${name}: the image is empty (${width}x${height})`);
  const pixels = new Float32Array(width * height);
  for (let i = 0; i < pixels.length; i++) {
    const r = data[4 * i]!;
    const g = data[4 * i + 1]!;
    const b = data[4 * i + 2]!;
    const a = data[4 * i + 3]! / 255;
    const luma = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    pixels[i] = a * luma + (1 - a);
  }
  return { width, height, pixels };
}
