import { SIDE } from './dataset.js';

/** Darkest to brightest; each pixel is drawn two characters wide so the digit keeps its aspect. */
const RAMP = ' .:-=+*#%@';

/**
 * A 28x28 image (intensities in [0, 1]) as 28 lines of ASCII art, two characters per pixel.
 *
 * @example
 * ```ts
 * console.log(asciiArt(new Float32Array(784)).join('\n')); // 28 blank lines
 * ```
 */
export function asciiArt(pixels: Float32Array, side = SIDE): string[] {
  const lines: string[] = [];
  for (let y = 0; y < side; y++) {
    let line = '';
    for (let x = 0; x < side; x++) {
      const v = Math.min(1, Math.max(0, pixels[y * side + x]!));
      const ch = RAMP[Math.min(RAMP.length - 1, Math.floor(v * RAMP.length))]!;
      line += ch + ch;
    }
    lines.push(line);
  }
  return lines;
}

/**
 * Class probabilities as lines `name  0.953  ██████████`, the predicted class marked with `<`.
 *
 * @example
 * ```ts
 * probabilityBars(Float32Array.of(0.2, 0.8), ['cat', 'dog']);
 * ```
 */
export function probabilityBars(probs: Float32Array, names: readonly string[], width = 24): string[] {
  let best = 0;
  for (let i = 1; i < probs.length; i++) if (probs[i]! > probs[best]!) best = i;
  const nameWidth = Math.max(...names.map((n) => n.length));
  return Array.from(probs, (p, i) => {
    const bar = '#'.repeat(Math.round(p * width)).padEnd(width, '.');
    return `${names[i]!.padStart(nameWidth)}  ${p.toFixed(3)}  ${bar}${i === best ? '  <' : ''}`;
  });
}

/**
 * Place `right` beside `left`, vertically centred, separated by `gap` spaces.
 *
 * @example
 * ```ts
 * sideBySide(['ab', 'cd'], ['x']).join('\n');
 * ```
 */
export function sideBySide(left: readonly string[], right: readonly string[], gap = 4): string[] {
  const width = Math.max(0, ...left.map((l) => l.length));
  const offset = Math.max(0, Math.floor((left.length - right.length) / 2));
  const rows = Math.max(left.length, offset + right.length);
  return Array.from({ length: rows }, (_, i) => {
    const r = right[i - offset];
    const l = (left[i] ?? '').padEnd(width);
    return r === undefined ? l.trimEnd() : `${l}${' '.repeat(gap)}${r}`;
  });
}
