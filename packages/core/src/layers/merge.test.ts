import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { testMultiInputLayer } from './testing/multi-input.js';

beforeAll(async () => {
  await nr.setBackend(cpu({ fast: false }));
});

const A = [
  [1, -2, 3],
  [0.5, 4, -1],
];
const B = [
  [2, 2, -1],
  [-3, 1, 1],
];
const C = [
  [0, 1, 1],
  [1, 0, 2],
];

/** Apply `layer` to host arrays and read the result back. */
async function run(layer: nr.Layer, ...xs: number[][][]): Promise<number[][]> {
  const ts = xs.map((x) => nr.tensor2d(x));
  const y = layer.apply(ts);
  const out = (await y.array()) as number[][];
  nr.dispose([...ts, y]);
  layer.dispose();
  return out;
}

const zip3 = (f: (a: number, b: number, c: number) => number): number[][] =>
  A.map((row, i) => row.map((a, j) => f(a, B[i]![j]!, C[i]![j]!)));

describe('merge layers compute hand-checked values', () => {
  it('add, subtract, multiply, average, maximum, minimum', async () => {
    expect(await run(nr.layers.add(), A, B, C)).toEqual(zip3((a, b, c) => a + b + c));
    expect(await run(nr.layers.subtract(), A, B)).toEqual(zip3((a, b) => a - b));
    expect(await run(nr.layers.multiply(), A, B, C)).toEqual(zip3((a, b, c) => a * b * c));
    const avg = await run(nr.layers.average(), A, B, C);
    zip3((a, b, c) => (a + b + c) / 3).forEach((r, i) => {
      for (const [j, v] of r.entries()) expect(avg[i]![j]).toBeCloseTo(v, 6);
    });
    expect(await run(nr.layers.maximum(), A, B, C)).toEqual(zip3((a, b, c) => Math.max(a, b, c)));
    expect(await run(nr.layers.minimum(), A, B, C)).toEqual(zip3((a, b, c) => Math.min(a, b, c)));
  });

  it('concatenate and dot (with normalize: cosine similarity)', async () => {
    expect(await run(nr.layers.concatenate(), A, [[7], [8]])).toEqual([
      [1, -2, 3, 7],
      [0.5, 4, -1, 8],
    ]);
    const d = await run(nr.layers.dot({ axes: 1 }), A, B);
    expect(d).toEqual(A.map((r, i) => [r.reduce((s, a, j) => s + a * B[i]![j]!, 0)]));
    const cos = await run(nr.layers.dot({ axes: -1, normalize: true }), A, B);
    A.forEach((r, i) => {
      const dotv = r.reduce((s, a, j) => s + a * B[i]![j]!, 0);
      const n = Math.hypot(...r) * Math.hypot(...B[i]!);
      expect(cos[i]![0]).toBeCloseTo(dotv / n, 5);
    });
  });

  it('dot of rank-3 inputs is a batched matrix product over the given axes', async () => {
    const x = nr.tensor([1, 2, 3, 4, 5, 6], [1, 2, 3]); // [[1,2,3],[4,5,6]]
    const y = nr.tensor([1, 0, 0, 1, 1, 1], [1, 3, 2]); // [[1,0],[0,1],[1,1]]
    const layer = nr.layers.dot({ axes: [2, 1] });
    const out = layer.apply([x, y]);
    expect(out.shape).toEqual([1, 2, 2]);
    expect(Array.from(await out.data())).toEqual([4, 5, 10, 11]);
    const sym = layer.apply([nr.input({ shape: [2, 3] }), nr.input({ shape: [3, 2] })]);
    expect(sym.shape).toEqual([null, 2, 2]);
    nr.dispose([x, y, out]);
  });

  it('throws clear errors for bad shapes and input counts', () => {
    const a = nr.input({ shape: [3] });
    const b = nr.input({ shape: [4] });
    expect(() => nr.layers.add({ name: 'sum' }).apply([a, b])).toThrow(
      /Add 'sum': input shapes \[null, 3\], \[null, 4\] do not match/,
    );
    expect(() => nr.layers.add({ name: 'one' }).apply(a)).toThrow(/Add 'one': expects at least 2 inputs/);
    expect(() => nr.layers.subtract({ name: 's3' }).apply([a, a, a])).toThrow(/expects 2 inputs/);
    expect(() => nr.layers.concatenate({ axis: 0, name: 'c0' }).apply([a, b])).toThrow(
      /Concatenate 'c0': axis 0 is out of range/,
    );
    const m1 = nr.input({ shape: [2, 3] });
    const m2 = nr.input({ shape: [5, 3] });
    expect(() =>
      nr.layers.concatenate({ axis: 1, name: 'c1' }).apply([m1, nr.input({ shape: [2, 4] })]),
    ).toThrow(/inputs must match except along axis 1/);
    expect(nr.layers.concatenate({ axis: 1 }).apply([m1, m2]).shape).toEqual([null, 7, 3]);
    expect(() => nr.layers.dot({ axes: 1, name: 'd' }).apply([a, b])).toThrow(
      /Dot 'd': the contracted dimensions differ/,
    );
    expect(nr.layers.add().apply([nr.input({ shape: [4, 1] }), nr.input({ shape: [4, 5] })]).shape).toEqual([
      null,
      4,
      5,
    ]);
  });

  it('saves the Keras config keys', () => {
    expect(nr.layers.concatenate({ axis: 1, name: 'cat' }).getConfig()).toMatchObject({
      axis: 1,
      name: 'cat',
    });
    expect(nr.layers.dot({ axes: [1, 2], normalize: true }).getConfig()).toMatchObject({
      axes: [1, 2],
      normalize: true,
    });
  });
});

testMultiInputLayer('Add', () => nr.layers.add(), [
  [3, 4],
  [3, 4],
  [3, 4],
]);
testMultiInputLayer('Add (broadcast)', () => nr.layers.add(), [
  [3, 1],
  [3, 4],
]);
testMultiInputLayer('Subtract', () => nr.layers.subtract(), [
  [3, 4],
  [3, 4],
]);
testMultiInputLayer('Multiply', () => nr.layers.multiply(), [
  [3, 4],
  [3, 4],
]);
testMultiInputLayer('Average', () => nr.layers.average(), [
  [3, 4],
  [3, 4],
]);
/** Two inputs at least 0.2 apart everywhere, so finite differences never cross the max/min kink. */
const apart = (): nr.Tensor[] => {
  nr.seed(78);
  const a = nr.randomUniform([3, 4], -1, 1);
  const gap = nr.tidy(() =>
    nr.mul(nr.sign(nr.randomUniform([3, 4], -1, 1)), nr.randomUniform([3, 4], 0.2, 0.6)),
  );
  const b = nr.add(a, gap);
  gap.dispose();
  return [a, b];
};
const twoBy34 = [
  [3, 4],
  [3, 4],
];
testMultiInputLayer('Maximum', () => nr.layers.maximum(), twoBy34, { inputs: apart });
testMultiInputLayer('Minimum', () => nr.layers.minimum(), twoBy34, { inputs: apart });
testMultiInputLayer('Concatenate', () => nr.layers.concatenate({ axis: 1 }), [
  [2, 3, 2],
  [2, 1, 2],
]);
testMultiInputLayer('Dot', () => nr.layers.dot({ axes: 1 }), [
  [3, 4],
  [3, 4],
]);
testMultiInputLayer('Dot (normalize)', () => nr.layers.dot({ axes: 1, normalize: true }), [
  [3, 4],
  [3, 4],
]);
testMultiInputLayer('Dot (rank 3)', () => nr.layers.dot({ axes: [1, 2] }), [
  [2, 3, 4],
  [2, 5, 3],
]);
