/** The data sets of the XOR playground: points in the unit square with 0/1 labels, seeded. */
import { Rng } from '@neurona/core';

/** A data set the playground offers. */
export type DatasetName = 'and' | 'or' | 'xor' | 'circles';

/** Points (`[x, y]` in the unit square) and their labels (0 or 1). */
export interface Dataset {
  /** One `[x, y]` pair per point. */
  readonly points: number[][];
  /** The label of each point, 0 or 1. */
  readonly labels: number[];
}

const CORNERS = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
const TRUTH: Record<Exclude<DatasetName, 'circles'>, number[]> = {
  and: [0, 0, 0, 1],
  or: [0, 1, 1, 1],
  xor: [0, 1, 1, 0],
};

/**
 * The named data set: for the logic gates, 20 jittered copies of each corner of the square (the truth table);
 * for circles, a disc of 1s inside a ring of 0s.
 *
 * @example
 * ```ts
 * makeDataset('xor').labels.length; // 80
 * ```
 */
export function makeDataset(name: DatasetName, seed = 1): Dataset {
  const rng = new Rng(seed);
  const points: number[][] = [];
  const labels: number[] = [];
  if (name === 'circles') {
    for (let i = 0; i < 160; i++) {
      const inner = i % 2 === 0;
      const r = inner ? rng.uniform() * 0.2 : 0.32 + rng.uniform() * 0.12;
      const a = rng.uniform() * 2 * Math.PI;
      points.push([0.5 + r * Math.cos(a), 0.5 + r * Math.sin(a)]);
      labels.push(inner ? 1 : 0);
    }
    return { points, labels };
  }
  CORNERS.forEach(([cx, cy], c) => {
    for (let i = 0; i < 20; i++) {
      points.push([cx * 0.8 + 0.1 + rng.normal() * 0.06, cy * 0.8 + 0.1 + rng.normal() * 0.06]);
      labels.push(TRUTH[name][c]);
    }
  });
  return { points, labels };
}
