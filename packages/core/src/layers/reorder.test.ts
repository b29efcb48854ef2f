import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { Permute } from './permute.js';
import { RepeatVector } from './repeat-vector.js';
import { testLayer } from './testing/harness.js';
import { expectTfjsAgrees } from './testing/tfjs.js';

beforeAll(async () => {
  await nr.setBackend(cpu({ fast: false }));
});

testLayer('RepeatVector', () => nr.layers.repeatVector({ n: 3 }), [2, 4], { params: 0 });
testLayer('Permute', () => nr.layers.permute({ dims: [3, 1, 2] }), [2, 3, 4, 5]);

describe('RepeatVector and Permute', () => {
  it('repeat and reorder (hand-computed)', async () => {
    const x = nr.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const r = new RepeatVector({ n: 2 }).apply(x);
    expect(await r.array()).toEqual([
      [
        [1, 2],
        [1, 2],
      ],
      [
        [3, 4],
        [3, 4],
      ],
    ]);
    const p = new Permute({ dims: [2, 1] }).apply(
      nr.tensor3d([
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
      ]),
    );
    expect(await p.array()).toEqual([
      [
        [1, 4],
        [2, 5],
        [3, 6],
      ],
    ]);
    expect(new Permute({ dims: [3, 1, 2] }).computeOutputShape([null, 2, 3, 4])).toEqual([null, 4, 2, 3]);
    nr.dispose([x, r, p]);
  });

  it('reject bad arguments and inputs, naming the layer and the shapes', () => {
    expect(() => new RepeatVector({ name: 'r', n: 0 })).toThrow(
      "RepeatVector 'r': n must be a positive integer, got 0",
    );
    expect(() => new RepeatVector({ name: 'r2', n: 2 }).computeOutputShape([null, 3, 4])).toThrow(
      "RepeatVector 'r2': expected input of rank 2 [batch, features], got [null, 3, 4]",
    );
    expect(() => new Permute({ name: 'p', dims: [0, 1] })).toThrow(
      "Permute 'p': dims must be a permutation of 1..2 (1-based, the batch axis excluded), got [0,1]",
    );
    expect(() => new Permute({ name: 'p2', dims: [2, 1] }).computeOutputShape([null, 2, 3, 4])).toThrow(
      "Permute 'p2': dims [2,1] need an input of rank 3, got [null, 2, 3, 4]",
    );
  });

  it('agree with tfjs-layers 4.22 both ways', async () => {
    await expectTfjsAgrees(
      [
        nr.layers.repeatVector({ n: 3, inputShape: [4] }),
        nr.layers.permute({ dims: [2, 1] }),
        nr.layers.dense({ units: 2 }),
      ],
      [2, 4],
    );
  });
});
