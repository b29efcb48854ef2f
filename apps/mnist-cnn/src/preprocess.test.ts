import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { borderMean, decodePng, resizeArea, toMnistInput } from './preprocess.js';

/** Encode an RGBA PNG whose pixel (x, y) is `rgba(x, y)`. */
function png(width: number, height: number, rgba: (x: number, y: number) => number[]): Uint8Array {
  const img = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) img.data.set(rgba(x, y), 4 * (y * width + x));
  }
  return PNG.sync.write(img);
}

describe('decodePng', () => {
  it('converts colour to luma and composites transparency over white', () => {
    const bytes = png(
      4,
      1,
      (x) =>
        [
          [255, 0, 0, 255],
          [0, 0, 255, 255],
          [0, 0, 0, 0],
          [0, 0, 0, 128],
        ][x]!,
    );
    const img = decodePng(bytes);
    expect([img.width, img.height]).toEqual([4, 1]);
    expect(img.pixels[0]).toBeCloseTo(0.299, 5);
    expect(img.pixels[1]).toBeCloseTo(0.114, 5);
    expect(img.pixels[2]).toBeCloseTo(1, 5);
    expect(img.pixels[3]).toBeCloseTo(1 - 128 / 255, 5);
  });

  it('reads a grayscale (colour type 0) PNG', () => {
    const img = new PNG({ width: 2, height: 1, colorType: 0, inputColorType: 6 } as ConstructorParameters<
      typeof PNG
    >[0]);
    img.data.set([51, 51, 51, 255, 204, 204, 204, 255]);
    const bytes = PNG.sync.write(img, { colorType: 0 });
    expect(Array.from(decodePng(bytes).pixels, (v) => Math.round(v * 255))).toEqual([51, 204]);
  });

  it('names the file when the bytes are not a PNG', () => {
    expect(() => decodePng(Uint8Array.of(1, 2, 3), 'x.png')).toThrow(
      'predict --image x.png: not a readable PNG',
    );
  });
});

describe('resizeArea', () => {
  it('averages whole blocks when shrinking by an integer factor', () => {
    const img = { width: 4, height: 2, pixels: Float32Array.of(0, 1, 1, 1, 0, 1, 0, 0) };
    expect(Array.from(resizeArea(img, 2, 1).pixels)).toEqual([0.5, 0.5]);
  });

  it('weights partly covered pixels by their covered fraction (3 -> 2)', () => {
    // Output pixel 0 covers source [0, 1.5): 1 * a + 0.5 * b; pixel 1 covers [1.5, 3): 0.5 * b + 1 * c.
    const img = { width: 3, height: 1, pixels: Float32Array.of(0.3, 0.6, 0.9) };
    const out = resizeArea(img, 2, 1).pixels;
    expect(out[0]).toBeCloseTo((0.3 + 0.5 * 0.6) / 1.5, 6);
    expect(out[1]).toBeCloseTo((0.5 * 0.6 + 0.9) / 1.5, 6);
  });

  it('repeats pixels when enlarging by an integer factor', () => {
    const img = { width: 2, height: 1, pixels: Float32Array.of(0.25, 0.75) };
    expect(Array.from(resizeArea(img, 4, 2).pixels)).toEqual([
      0.25, 0.25, 0.75, 0.75, 0.25, 0.25, 0.75, 0.75,
    ]);
  });

  it('rejects a non-positive size', () => {
    expect(() => resizeArea({ width: 1, height: 1, pixels: Float32Array.of(0) }, 0, 28)).toThrow(
      'resizeArea: output size must be positive integers, got 0x28',
    );
  });
});

describe('toMnistInput', () => {
  it('shrinks a 56x56 black-on-white drawing to 28x28 and inverts it', () => {
    // A black 4x4 square at (20..23, 8..11) on white: it becomes a white 2x2 square at (10..11, 4..5).
    const bytes = png(56, 56, (x, y) =>
      x >= 20 && x < 24 && y >= 8 && y < 12 ? [0, 0, 0, 255] : [255, 255, 255, 255],
    );
    const { pixels, inverted, resized } = toMnistInput(decodePng(bytes));
    expect(inverted).toBe(true);
    expect(resized).toBe(true);
    expect(pixels.length).toBe(784);
    const lit = Array.from(pixels.keys()).filter((i) => pixels[i]! > 0.5);
    expect(lit).toEqual([4 * 28 + 10, 4 * 28 + 11, 5 * 28 + 10, 5 * 28 + 11]);
    expect(pixels[4 * 28 + 10]).toBeCloseTo(1, 6);
    expect(pixels[0]).toBeCloseTo(0, 6);
  });

  it('keeps a 28x28 white-on-black image as it is', () => {
    const bytes = png(28, 28, (x, y) => (x === 14 && y === 3 ? [200, 200, 200, 255] : [0, 0, 0, 255]));
    const { pixels, inverted, resized } = toMnistInput(decodePng(bytes));
    expect(inverted).toBe(false);
    expect(resized).toBe(false);
    expect(pixels[3 * 28 + 14]).toBeCloseTo(200 / 255, 6);
    expect(pixels.reduce((a, b) => a + b, 0)).toBeCloseTo(200 / 255, 5);
  });

  it('half-covers a pixel when the digit edge falls inside it (42x42 -> 28x28)', () => {
    // Source column 0 is black, the rest white; output column 0 covers 1.5 source columns: (1 * 0 + 0.5 * 1) / 1.5.
    const bytes = png(42, 42, (x) => (x === 0 ? [0, 0, 0, 255] : [255, 255, 255, 255]));
    const { pixels } = toMnistInput(decodePng(bytes));
    expect(pixels[0]).toBeCloseTo(1 - 0.5 / 1.5, 5);
    expect(pixels[1]).toBeCloseTo(0, 6);
  });

  it('measures the background on the border', () => {
    const pixels = new Float32Array(9).fill(1);
    pixels[4] = 0;
    expect(borderMean({ width: 3, height: 3, pixels })).toBe(1);
  });
});
