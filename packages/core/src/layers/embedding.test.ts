import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { Embedding, embedding } from './embedding.js';
import { testLayer } from './testing/harness.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

const ids = (shape: number[], dim: number) => (): nr.Tensor => {
  const n = shape.reduce((p, d) => p * d, 1);
  return nr.tensor(
    Array.from({ length: n }, (_, i) => (i * 3) % dim),
    shape,
  );
};

testLayer('Embedding (float ids)', () => embedding({ inputDim: 5, outputDim: 3 }), [2, 4], {
  input: ids([2, 4], 5),
  gradInput: false,
  params: 15,
});
testLayer(
  'Embedding (int32 ids, rank 3)',
  () => nr.layers.embedding({ inputDim: 4, outputDim: 2 }),
  [2, 2, 3],
  {
    input: () => nr.cast(ids([2, 2, 3], 4)(), 'int32'),
    gradInput: false,
  },
);

describe('Embedding', () => {
  it('looks up rows of the embedding matrix for int32 and float ids', async () => {
    const layer = embedding({ inputDim: 3, outputDim: 2 });
    const x = nr.tensor2d([[2, 0, 2]], [1, 3], 'int32');
    nr.dispose(layer.apply(x));
    const table = nr.tensor2d([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    layer.setWeights([table]);
    const y = layer.apply(x);
    expect(await y.array()).toEqual([
      [
        [4, 5],
        [0, 1],
        [4, 5],
      ],
    ]);
    const xf = nr.tensor2d([[1, 0, 1.0]]);
    const yf = layer.apply(xf);
    expect(await yf.array()).toEqual([
      [
        [2, 3],
        [0, 1],
        [2, 3],
      ],
    ]);
    nr.dispose([x, table, y, xf, yf]);
    layer.dispose();
  });

  it('accumulates gradients of repeated ids', async () => {
    const layer = embedding({ inputDim: 3, outputDim: 2 });
    const x = nr.tensor2d([[2, 0, 2]]);
    const { value, grads } = nr.variableGrads(() => nr.sum(layer.apply(x)));
    expect(await grads[`${layer.name}/embeddings`]!.array()).toEqual([
      [1, 1],
      [0, 0],
      [2, 2],
    ]);
    nr.dispose([x, value, grads]);
    layer.dispose();
  });

  it('initialises uniformly in [-0.05, 0.05) and has inputDim * outputDim parameters', async () => {
    const layer = embedding({ inputDim: 1000, outputDim: 16 });
    layer.ensureBuilt([null, 10]);
    expect(layer.countParams()).toBe(16000);
    const d = await layer.embeddings!.data();
    expect(Math.max(...Array.from(d, Math.abs))).toBeLessThanOrEqual(0.05);
    expect(layer.computeOutputShape([null, 10])).toEqual([null, 10, 16]);
    layer.dispose();
  });

  it('rejects out-of-range ids, naming the layer', () => {
    const layer = embedding({ inputDim: 4, outputDim: 2, name: 'emb' });
    const x = nr.tensor2d([[1, 4]]);
    expect(() => layer.apply(x)).toThrow(
      "Embedding 'emb': id 4 (flat position 1 of input [1, 2]) is out of range [0, 4) for inputDim 4",
    );
    const neg = nr.tensor2d([[-1, 0]], [1, 2], 'int32');
    expect(() => layer.apply(neg)).toThrow(/Embedding 'emb': id -1/);
    nr.dispose([x, neg]);
    layer.dispose();
  });

  it('validates its arguments', () => {
    expect(() =>
      embedding({ inputDim: 10, outputDim: 4, maskZero: 'yes' as unknown as boolean, name: 'mz' }),
    ).toThrow(`Embedding 'mz': maskZero must be a boolean, got "yes"`);
    expect(() => embedding({ inputDim: 0, outputDim: 4 })).toThrow(
      /inputDim must be a positive integer, got 0/,
    );
    expect(() => embedding({ inputDim: 3, outputDim: 1.5 })).toThrow(/outputDim must be a positive integer/);
    const fixed = embedding({ inputDim: 3, outputDim: 2, inputLength: 5, name: 'fixed' });
    expect(() => fixed.computeOutputShape([null, 4])).toThrow(
      "Embedding 'fixed': expected input with sequence length 5 (inputLength), got [null, 4]",
    );
  });

  it('serialises its config and rebuilds from it', () => {
    const layer = embedding({ inputDim: 7, outputDim: 3, name: 'emb_cfg', embeddingsRegularizer: 'l2' });
    const config = layer.getConfig();
    expect(config).toEqual({
      name: 'emb_cfg',
      trainable: true,
      dtype: 'float32',
      inputDim: 7,
      outputDim: 3,
      embeddingsInitializer: {
        className: 'RandomUniform',
        config: { minval: -0.05, maxval: 0.05, seed: null },
      },
      embeddingsRegularizer: { className: 'L1L2', config: { l1: 0, l2: 0.01 } },
      maskZero: false,
      inputLength: null,
    });
    const copy = new Embedding(config as unknown as ConstructorParameters<typeof Embedding>[0]);
    expect(copy.getConfig()).toEqual(config);
  });
});
