// Masking: `Embedding({ maskZero })` and `Masking` make a mask, the layers that pass it on carry it, the
// recurrent layers and GlobalAveragePooling1D read it. References: the same weights run on the sequence
// with its padding cut off (no mask at all), hand-computed values, and tfjs-layers 4.22 as second opinion.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { testLayer } from './testing/harness.js';
import { expectClose } from './testing/tfjs.js';
import { savedByTfjs } from './testing/tfjs-compare.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await nr.setBackend(cpu());
});

type Rnn = 'simpleRNN' | 'lstm' | 'gru';
const RNNS: Rnn[] = ['simpleRNN', 'lstm', 'gru'];
const VOCAB = 7;

/** Embedding (maskZero as given) then a recurrent layer, seeded. */
function embedRnn(kind: Rnn, maskZero: boolean, rnn: Partial<nr.layers.RNNBaseArgs> = {}): nr.Sequential {
  nr.seed(5);
  return nr.sequential({
    layers: [
      nr.layers.embedding({ inputDim: VOCAB, outputDim: 3, maskZero, inputShape: [null] }),
      nr.layers[kind]({ units: 4, ...rnn }),
    ],
  });
}

/** A copy of `model`'s weights into `other`. */
function copyWeights(model: nr.LayersModel, other: nr.LayersModel): void {
  other.setWeights(model.getWeights());
}

const ids = (rows: number[][]): nr.Tensor => nr.tensor2d(rows, [rows.length, rows[0]!.length], 'int32');

async function predict(model: nr.LayersModel, x: nr.Tensor): Promise<Float32Array> {
  const y = model.predict(x) as nr.Tensor;
  const d = (await y.data()) as Float32Array;
  y.dispose();
  return d;
}

describe('Embedding maskZero + recurrent layers', () => {
  for (const kind of RNNS) {
    for (const goBackwards of [false, true]) {
      it(`${kind}${goBackwards ? ' (goBackwards)' : ''}: padded sequences predict what the unpadded ones do`, async () => {
        const masked = embedRnn(kind, true, { goBackwards });
        const plain = embedRnn(kind, false, { goBackwards });
        copyWeights(masked, plain);
        const before = nr.memory().numTensors;
        const post = ids([[3, 5, 0, 0]]);
        const pre = ids([[0, 0, 3, 5]]);
        const cut = ids([[3, 5]]);
        const want = await predict(plain, cut);
        expectClose(await predict(masked, post), want, 1e-6);
        expectClose(await predict(masked, pre), want, 1e-6);
        // Without the mask the padding changes the answer: the test can tell.
        const unmasked = await predict(plain, post);
        expect(Math.max(...unmasked.map((v, i) => Math.abs(v - want[i]!)))).toBeGreaterThan(1e-4);
        nr.dispose([post, pre, cut]);
        expect(nr.memory().numTensors).toBe(before);
        masked.dispose();
        plain.dispose();
      });
    }
  }

  it('returnSequences: a masked step repeats the previous output (zeros before the first real step)', async () => {
    const masked = embedRnn('lstm', true, { returnSequences: true });
    const plain = embedRnn('lstm', false, { returnSequences: true });
    copyWeights(masked, plain);
    const got = await predict(masked, ids([[0, 4, 2, 0]]));
    const real = await predict(plain, ids([[4, 2]]));
    const u = 4;
    const step = (d: Float32Array, t: number) => Array.from(d.slice(t * u, (t + 1) * u));
    expect(step(got, 0)).toEqual([0, 0, 0, 0]);
    expectClose(step(got, 1), step(real, 0), 1e-6);
    expectClose(step(got, 2), step(real, 1), 1e-6);
    expectClose(step(got, 3), step(real, 1), 1e-6);
    masked.dispose();
    plain.dispose();
  });

  it('Bidirectional passes the mask to both directions', async () => {
    const make = (maskZero: boolean): nr.Sequential => {
      nr.seed(9);
      return nr.sequential({
        layers: [
          nr.layers.embedding({ inputDim: VOCAB, outputDim: 3, maskZero, inputShape: [null] }),
          nr.layers.bidirectional({ layer: nr.layers.gru({ units: 3 }) }),
        ],
      });
    };
    const masked = make(true);
    const plain = make(false);
    copyWeights(masked, plain);
    expectClose(await predict(masked, ids([[6, 1, 2, 0, 0]])), await predict(plain, ids([[6, 1, 2]])), 1e-6);
    masked.dispose();
    plain.dispose();
  });

  it('the gradients of a padded batch equal those of the unpadded sequences', async () => {
    const masked = embedRnn('lstm', true);
    const plain = embedRnn('lstm', false);
    copyWeights(masked, plain);
    const gradsOf = (m: nr.LayersModel, x: nr.Tensor): Float32Array[] => {
      const { grads } = nr.variableGrads(() => nr.sum(nr.square(m.apply(x) as nr.Tensor)));
      const out = m.trainableWeights.map((w) => grads[w.name]!.dataSync() as Float32Array);
      nr.dispose(grads);
      return out;
    };
    const x = ids([[2, 3, 0]]);
    const cut = ids([[2, 3]]);
    const gm = gradsOf(masked, x);
    const gp = gradsOf(plain, cut);
    for (const [i, g] of gm.entries()) expectClose(g, gp[i]!, 1e-5);
    nr.dispose([x, cut]);
    masked.dispose();
    plain.dispose();
  });
});

testLayer('Masking', () => nr.layers.masking({ maskValue: 2 }), [2, 3, 2]);
// A masked step (all features equal maskValue) is a discontinuity for finite differences: no input gradient.
testLayer('Masking', () => nr.layers.masking({ maskValue: 0.5 }), [2, 3, 2], {
  input: () => nr.tensor3d([0.1, -0.3, 0.5, 0.5, 0.7, 0.2, 0.5, 0.5, -0.9, 0.4, 0.3, 0.5], [2, 3, 2]),
  gradInput: false,
});

describe('Masking', () => {
  it('masks the steps whose features all equal maskValue, and zeroes them', async () => {
    const layer = nr.layers.masking({ maskValue: -1 });
    const x = nr.tensor3d(
      [
        [
          [1, 2],
          [-1, -1],
          [-1, 3],
        ],
      ],
      [1, 3, 2],
    );
    const y = layer.apply(x);
    expect(Array.from(await y.data(), (v) => v + 0)).toEqual([1, 2, 0, 0, -1, 3]); // (+0: -1·0 is -0)
    const mask = layer.computeMask(x, null)!;
    expect(mask.dtype).toBe('bool');
    expect(Array.from(await mask.data())).toEqual([1, 0, 1]);
    nr.dispose([x, y, mask]);
  });

  it('then an LSTM predicts what it does on the sequence without the padding steps', async () => {
    nr.seed(3);
    const model = nr.sequential({
      layers: [nr.layers.masking({ inputShape: [null, 2] }), nr.layers.lstm({ units: 3 })],
    });
    const lstmOnly = nr.sequential({ layers: [nr.layers.lstm({ units: 3, inputShape: [null, 2] })] });
    lstmOnly.setWeights(model.getWeights());
    const padded = nr.tensor3d(
      [
        [
          [0.5, -1],
          [0, 0],
          [0.25, 2],
        ],
      ],
      [1, 3, 2],
    );
    const cut = nr.tensor3d(
      [
        [
          [0.5, -1],
          [0.25, 2],
        ],
      ],
      [1, 2, 2],
    );
    expectClose(await predict(model, padded), await predict(lstmOnly, cut), 1e-6);
    nr.dispose([padded, cut]);
    model.dispose();
    lstmOnly.dispose();
  });
});

describe('GlobalAveragePooling1D after a mask', () => {
  it('averages the unmasked steps only (hand-computed), through Dense, which passes the mask on', async () => {
    const inp = nr.input({ shape: [3], dtype: 'int32' });
    const emb = nr.layers.embedding({
      inputDim: 4,
      outputDim: 1,
      maskZero: true,
      embeddingsInitializer: 'ones',
    });
    const dense = nr.layers.dense({ units: 1, kernelInitializer: 'ones', biasInitializer: 'zeros' });
    const out = nr.layers.globalAveragePooling1d().apply(dense.apply(emb.apply(inp)));
    const model = nr.model({ inputs: inp, outputs: out });
    emb.setWeights([nr.tensor2d([[10], [1], [2], [3]], [4, 1])]);
    // [1, 3, 0] -> steps 1 and 3 (the 0 is masked): (1 + 3) / 2; [0, 0, 0] -> nothing to average: 0.
    const y = await predict(
      model,
      ids([
        [1, 3, 0],
        [2, 0, 2],
        [0, 0, 0],
      ]),
    );
    expect(Array.from(y)).toEqual([2, 2, 0]);
    model.dispose();
  });

  it('predicts what the model does on the unpadded sequence (Keras; tfjs-layers 4.22 ignores the mask here)', async () => {
    const make = (maskZero: boolean): nr.Sequential => {
      nr.seed(12);
      return nr.sequential({
        layers: [
          nr.layers.embedding({ inputDim: VOCAB, outputDim: 4, maskZero, inputShape: [null] }),
          nr.layers.globalAveragePooling1d(),
          nr.layers.dense({ units: 2 }),
        ],
      });
    };
    const masked = make(true);
    const plain = make(false);
    copyWeights(masked, plain);
    expectClose(await predict(masked, ids([[0, 3, 1, 0, 4]])), await predict(plain, ids([[3, 1, 4]])), 1e-6);
    masked.dispose();
    plain.dispose();
  });
});

describe('against tfjs-layers 4.22', () => {
  /** Our model saved, loaded by tfjs, both predicting on padded ids. */
  async function agrees(model: nr.LayersModel, x: number[][]): Promise<void> {
    const mem = nr.io.memory();
    await model.save(mem);
    const theirs = await tfl.loadLayersModel(tf.io.fromMemory(mem.artifacts as tf.io.ModelArtifacts));
    const tx = tf.tensor2d(x, [x.length, x[0]!.length], 'int32');
    const ty = theirs.predict(tx) as tf.Tensor;
    const ours = ids(x);
    expectClose(await predict(model, ours), await ty.data(), 1e-5);
    // and back: tfjs's own save of it loads in Neurona with maskZero kept
    const back = await nr.loadModel(nr.io.memory(await savedByTfjs(theirs)));
    expect((back.layers[0] as nr.layers.Embedding).maskZero).toBe(true);
    expectClose(await predict(back, ours), await ty.data(), 1e-5);
    tf.dispose([tx, ty]);
    ours.dispose();
    theirs.dispose();
    back.dispose();
  }

  const padded = [
    [3, 1, 4, 0, 0],
    [0, 0, 5, 2, 6],
    [1, 0, 2, 0, 3],
  ];

  for (const kind of RNNS) {
    it(`Embedding(maskZero) -> ${kind}(returnSequences) -> ${kind} -> Dense`, async () => {
      nr.seed(11);
      // (tfjs's default orthogonal initializer needs its chained ops, which its ESM build under vitest lacks)
      const rec = { units: 3, recurrentInitializer: 'glorotUniform' as const };
      const model = nr.sequential({
        layers: [
          nr.layers.embedding({ inputDim: VOCAB, outputDim: 4, maskZero: true, inputShape: [5] }),
          nr.layers[kind]({ ...rec, returnSequences: true }),
          nr.layers[kind]({ ...rec, goBackwards: true }),
          nr.layers.dense({ units: 2 }),
        ],
      });
      await agrees(model, padded);
      model.dispose();
    });
  }
});

describe('training with a mask', () => {
  it('fits, learns, and leaves no tensor behind', async () => {
    nr.seed(2);
    const model = nr.sequential({
      layers: [
        nr.layers.embedding({ inputDim: VOCAB, outputDim: 4, maskZero: true, inputShape: [4] }),
        nr.layers.lstm({ units: 6 }),
        nr.layers.dense({ units: 1, activation: 'sigmoid' }),
      ],
    });
    model.compile({ optimizer: nr.optimizers.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy' });
    // label: whether the sequence (left-padded with zeros to length 4) holds the id 6
    const rows = [
      [0, 0, 1, 6],
      [0, 2, 3, 4],
      [6, 2, 3, 1],
      [0, 0, 0, 5],
      [0, 6, 5, 2],
      [0, 0, 2, 1],
      [0, 0, 0, 6],
      [1, 2, 3, 4],
    ];
    const x = ids(rows);
    const y = nr.tensor2d(
      rows.map((r) => [r.includes(6) ? 1 : 0]),
      [rows.length, 1],
    );
    const before = nr.memory().numTensors;
    const h = await model.fit(x, y, { epochs: 40, batchSize: 4, verbose: 0 });
    expect(nr.memory().numTensors).toBe(before);
    const loss = h.history.loss as number[];
    expect(loss.at(-1)!).toBeLessThan(loss[0]! * 0.5);
    nr.dispose([x, y]);
    model.dispose();
  });
});
