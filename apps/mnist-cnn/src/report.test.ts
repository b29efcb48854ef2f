import { describe, expect, it } from 'vitest';
import { asciiArt, probabilityBars, sideBySide } from './ascii.js';
import { trainingCurvesSvg } from './chart.js';
import {
  accuracyOf,
  confusionMatrix,
  formatConfusion,
  formatPerClass,
  formatSeconds,
  scorePredictions,
} from './report.js';

describe('scores and tables', () => {
  const labels = Int32Array.of(0, 0, 1, 2, 2, 2);
  const predicted = Int32Array.of(0, 1, 1, 2, 0, 2);

  it('tallies a confusion matrix and its accuracy by hand', () => {
    const cm = confusionMatrix(labels, predicted, 3);
    expect(Array.from(cm.counts)).toEqual([1, 1, 0, 0, 1, 0, 1, 0, 2]);
    expect(accuracyOf(cm)).toBeCloseTo(4 / 6, 12);
    expect(() => confusionMatrix(Int32Array.of(3), Int32Array.of(0), 3)).toThrow(
      'confusionMatrix: example 0 has label 3 / prediction 0, expected 0..2',
    );
  });

  it('takes the argmax and the mean cross-entropy of the true class', () => {
    const probs = Float32Array.of(0.7, 0.2, 0.1, 0.25, 0.5, 0.25);
    const s = scorePredictions(probs, Int32Array.of(0, 2), 3);
    expect(Array.from(s.predicted)).toEqual([0, 1]);
    expect(s.loss).toBeCloseTo(-(Math.log(0.7) + Math.log(0.25)) / 2, 6);
  });

  it('prints per-class accuracy with the most frequent confusion, and the matrix', () => {
    const cm = confusionMatrix(labels, predicted, 3);
    const table = formatPerClass(cm, ['0', '1', '2']).split('\n');
    expect(table[1]).toMatch(/^0\s+2\s+1\s+50\.00%\s+1 \(1\)$/);
    expect(table[2]).toMatch(/^1\s+1\s+1\s+100\.00%\s+-$/);
    expect(table[3]).toMatch(/^2\s+3\s+2\s+66\.67%\s+0 \(1\)$/);
    const matrix = formatConfusion(cm, ['0', '1', '2']).split('\n');
    expect(matrix[4]).toBe('   2     1   .   2');
    expect(formatConfusion(cm, ['a', 'b', 'c'])).toContain('(0 = a, 1 = b, 2 = c)');
  });

  it('formats durations', () => {
    expect(formatSeconds(12.34)).toBe('12.3 s');
    expect(formatSeconds(83.4)).toBe('1 min 23.4 s');
  });
});

describe('training-curves.svg', () => {
  it('draws one line per series with points at the right places', () => {
    const svg = trainingCurvesSvg(
      { loss: [1, 0.5], val_loss: [1.2, 0.6], accuracy: [0.8, 0.9], val_accuracy: [0.7, 0.95] },
      'T',
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(4);
    expect(svg.match(/<circle /g)).toHaveLength(8);
    // Both loss lines share one y-axis: the training line starts 1/1.2 of the way up from the padded bottom.
    const lines = [...svg.matchAll(/<polyline points="([^"]+)"/g)].map((m) =>
      m[1]!.split(' ').map((p) => p.split(',').map(Number)),
    );
    const [train, val] = lines as number[][][];
    expect(train![0]![0]).toBe(val![0]![0]);
    expect(train![0]![1]).toBeGreaterThan(val![0]![1]!); // 1.0 is drawn lower than 1.2
    expect(train![1]![1]).toBeGreaterThan(train![0]![1]!); // the loss falls
  });

  it('draws a single epoch as points and escapes the title', () => {
    const svg = trainingCurvesSvg({ loss: [0.3], accuracy: [0.9] }, 'a < b');
    expect(svg).not.toContain('<polyline');
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).toContain('a &lt; b');
  });
});

describe('ASCII art', () => {
  it('draws each pixel two characters wide from dark to bright', () => {
    const px = new Float32Array(4);
    px[1] = 1;
    px[2] = 0.5;
    expect(asciiArt(px, 2)).toEqual(['  @@', '++  ']);
  });

  it('puts probability bars beside the art and marks the winner', () => {
    const bars = probabilityBars(Float32Array.of(0.25, 0.75), ['a', 'b'], 4);
    expect(bars).toEqual(['a  0.250  #...', 'b  0.750  ###.  <']);
    expect(sideBySide(['xx', 'yy', 'zz'], ['1'], 1)).toEqual(['xx', 'yy 1', 'zz']);
  });
});
