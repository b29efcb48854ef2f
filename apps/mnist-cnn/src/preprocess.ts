import { PNG } from 'pngjs';
import { SIDE } from './data.js';

/**
 * A grayscale image: `width * height` intensities in [0, 1], row-major (0 = black, 1 = white).
 *
 * @example
 * ```ts
 * const img: GrayImage = { width: 2, height: 1, pixels: Float32Array.of(0, 1) };
 * ```
 */
export interface GrayImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Float32Array;
}

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

/**
 * Resize with area sampling: each output pixel is the mean of the source area it covers (partial pixels
 * weighted by their covered fraction). Exact for downscaling; for upscaling it blends the nearest pixels.
 *
 * @example
 * ```ts
 * resizeArea({ width: 2, height: 2, pixels: Float32Array.of(0, 1, 1, 0) }, 1, 1).pixels; // [0.5]
 * ```
 */
export function resizeArea(img: GrayImage, width: number, height: number): GrayImage {
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new Error(`resizeArea: output size must be positive integers, got ${width}x${height}`);
  }
  const sx = img.width / width;
  const sy = img.height / height;
  const out = new Float32Array(width * height);
  for (let oy = 0; oy < height; oy++) {
    const y0 = oy * sy;
    const y1 = y0 + sy;
    for (let ox = 0; ox < width; ox++) {
      const x0 = ox * sx;
      const x1 = x0 + sx;
      let acc = 0;
      for (let y = Math.floor(y0); y < Math.min(Math.ceil(y1), img.height); y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < Math.min(Math.ceil(x1), img.width); x++) {
          const wx = Math.min(x + 1, x1) - Math.max(x, x0);
          acc += wx * wy * img.pixels[y * img.width + x]!;
        }
      }
      out[oy * width + ox] = acc / (sx * sy);
    }
  }
  return { width, height, pixels: out };
}

/**
 * Mean intensity of the outermost ring of pixels: the background shade of a digit photo or drawing.
 *
 * @example
 * ```ts
 * borderMean({ width: 3, height: 3, pixels: new Float32Array(9).fill(1) }); // 1
 * ```
 */
export function borderMean(img: GrayImage): number {
  const { width: w, height: h, pixels } = img;
  let sum = 0;
  let count = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (y === 0 || y === h - 1 || x === 0 || x === w - 1) {
        sum += pixels[y * w + x]!;
        count++;
      }
    }
  }
  return sum / count;
}

/**
 * What {@link toMnistInput} did to the image, for the CLI to report.
 *
 * @example
 * ```ts
 * const { pixels, inverted } = toMnistInput(img);
 * ```
 */
export interface MnistInput {
  /** 28 x 28 intensities in [0, 1], light ink on a dark background like MNIST. */
  readonly pixels: Float32Array;
  /** True when the image had a light background and was inverted. */
  readonly inverted: boolean;
  /** True when the image was not 28x28 and was resized. */
  readonly resized: boolean;
}

/**
 * Turn any grayscale image into an MNIST-style input: area-resize to 28x28, then invert when the background
 * (the border's mean) is light, since MNIST digits are white on black.
 *
 * @example
 * ```ts
 * const input = toMnistInput(decodePng(bytes));
 * const x = nr.tensor(input.pixels, [1, 28, 28, 1]);
 * ```
 */
export function toMnistInput(img: GrayImage): MnistInput {
  const resized = img.width !== SIDE || img.height !== SIDE;
  const small = resized ? resizeArea(img, SIDE, SIDE) : img;
  const inverted = borderMean(small) > 0.5;
  const pixels = Float32Array.from(small.pixels, (v) => Math.min(1, Math.max(0, inverted ? 1 - v : v)));
  return { pixels, inverted, resized };
}
