/**
 * Grayscale images and turning them into MNIST-style inputs (no Node imports: the web page's drawing canvas
 * uses the same code as the CLI's `predict --image`).
 *
 * @packageDocumentation
 */
import { SIDE } from './dataset.js';

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

/**
 * Frame a drawn digit the way MNIST frames its digits (light ink on a dark background): crop to the ink's
 * bounding box, area-resize it so its longer side is 20 pixels (keeping the aspect ratio), and place it in a
 * 28x28 image with its centre of mass at the centre. Pixels below `threshold` count as background when
 * finding the box. A blank image gives all zeros.
 *
 * @example
 * ```ts
 * const pixels = centerDigit({ width: 280, height: 280, pixels: canvasLuma }); // 784 values
 * ```
 */
export function centerDigit(img: GrayImage, threshold = 0.1): Float32Array {
  const { width: w, height: h, pixels } = img;
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (pixels[y * w + x]! >= threshold) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  const out = new Float32Array(SIDE * SIDE);
  if (x1 < 0) return out;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const crop = new Float32Array(bw * bh);
  for (let y = 0; y < bh; y++) crop.set(pixels.subarray((y0 + y) * w + x0, (y0 + y) * w + x0 + bw), y * bw);
  const scale = 20 / Math.max(bw, bh);
  const sw = Math.max(1, Math.round(bw * scale));
  const sh = Math.max(1, Math.round(bh * scale));
  const small = resizeArea({ width: bw, height: bh, pixels: crop }, sw, sh).pixels;
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const v = small[y * sw + x]!;
      mass += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  const ox = Math.round(SIDE / 2 - mx / mass);
  const oy = Math.round(SIDE / 2 - my / mass);
  for (let y = 0; y < sh; y++) {
    for (let x = 0; x < sw; x++) {
      const tx = x + ox;
      const ty = y + oy;
      if (tx >= 0 && tx < SIDE && ty >= 0 && ty < SIDE) out[ty * SIDE + tx] = Math.min(1, small[y * sw + x]!);
    }
  }
  return out;
}
