import { describe, expect, it } from 'vitest';
import { centerDigit } from './image.js';

/** A `w` x `h` black image with the rectangle [x0, x1) x [y0, y1) set to 1. */
function rect(w: number, h: number, x0: number, y0: number, x1: number, y1: number): Float32Array {
  const p = new Float32Array(w * h);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) p[y * w + x] = 1;
  return p;
}

describe('centerDigit', () => {
  it('gives zeros for a blank drawing', () => {
    expect(Array.from(centerDigit({ width: 50, height: 40, pixels: new Float32Array(2000) }))).toEqual(
      new Array(784).fill(0),
    );
  });

  it('scales a tall bar in a corner to 20 pixels high, centred on its centre of mass', () => {
    // A 10 x 100 bar in the top-left corner of a 280 x 280 canvas: scale 20/100 -> 2 x 20, mass centre (1, 10)
    // inside it, so it lands at columns 13..14 and rows 4..23 of the 28 x 28 image (hand-computed).
    const out = centerDigit({ width: 280, height: 280, pixels: rect(280, 280, 0, 0, 10, 100) });
    const want = rect(28, 28, 13, 4, 15, 24);
    expect(Array.from(out)).toEqual(Array.from(want));
  });

  it('keeps the aspect ratio of a wide shape and ignores faint pixels below the threshold', () => {
    const pixels = rect(200, 100, 50, 40, 150, 60); // 100 x 20 -> 20 x 4
    pixels[0] = 0.05; // below the threshold: not part of the box
    const out = centerDigit({ width: 200, height: 100, pixels });
    // 20 x 4 with mass centre (10, 2): columns 4..23, rows 12..15.
    expect(Array.from(out)).toEqual(Array.from(rect(28, 28, 4, 12, 24, 16)));
  });
});
