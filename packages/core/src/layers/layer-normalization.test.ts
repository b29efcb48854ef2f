import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { LayerNormalization, layerNormalization } from './layer-normalization.js';
import { testLayer } from './testing/harness.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5): void => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++) expect(Math.abs(a[i]! - b[i]!), `index ${i}`).toBeLessThanOrEqual(tol);
};

const gammaInit = { className: 'RandomUniform', config: { minval: 0.5, maxval: 1.5 } };
testLayer('LayerNormalization', () => layerNormalization({ gammaInitializer: gammaInit }), [3, 4], {
  params: 8,
});
testLayer('LayerNormalization', () => layerNormalization({ gammaInitializer: gammaInit }), [3, 4], {
  training: true,
});
testLayer(
  'LayerNormalization over two axes',
  () => nr.layers.layerNormalization({ axis: [-2, -1], gammaInitializer: gammaInit }),
  [2, 3, 4],
  { params: 24 },
);
testLayer('LayerNormalization without center', () => layerNormalization({ center: false }), [2, 5], {
  params: 5,
});

describe('LayerNormalization', () => {
  it('normalises each example over the last axis', async () => {
    const ln = layerNormalization();
    const x = nr.tensor2d([
      [1, 2, 3],
      [10, 10, 40],
    ]);
    const y = ln.apply(x);
    const s1 = Math.sqrt(2 / 3 + 1e-3);
    const s2 = Math.sqrt(200 + 1e-3);
    close(await y.data(), [-1 / s1, 0, 1 / s1, -10 / s2, -10 / s2, 20 / s2]);
    const yt = ln.apply(x, { training: true });
    expect(Array.from(await yt.data())).toEqual(Array.from(await y.data()));
    nr.dispose([x, y, yt]);
    ln.dispose();
  });

  it('applies gamma and beta shaped like the normalised axes', async () => {
    const ln = layerNormalization({ axis: 1 });
    const x = nr.tensor3d([
      [
        [1, 5],
        [3, 7],
      ],
    ]); // [1, 2, 2]: normalise over axis 1 for each of the 2 last-axis columns
    nr.dispose(ln.apply(x));
    expect(ln.gamma!.shape).toEqual([2]);
    const g = nr.tensor1d([2, 3]);
    const b = nr.tensor1d([1, -1]);
    ln.setWeights([g, b]);
    const y = ln.apply(x);
    const n = 1 / Math.sqrt(1 + 1e-3);
    // column 0: [1, 3] -> [-n, n]; column 1: [5, 7] -> [-n, n]; row i scaled by gamma[i], shifted by beta[i]
    close(await y.data(), [2 * -n + 1, 2 * -n + 1, 3 * n - 1, 3 * n - 1]);
    nr.dispose([x, g, b, y]);
    ln.dispose();
  });

  it('has Keras weights and parameter counts', () => {
    const ln = layerNormalization();
    ln.ensureBuilt([null, 10, 64]);
    expect(ln.countParams()).toBe(128);
    expect(ln.weights.map((w) => w.name.split('/')[1])).toEqual(['gamma', 'beta']);
    ln.dispose();
  });

  it('rejects bad axes and shapes, naming the layer', () => {
    expect(() => layerNormalization({ axis: 0, name: 'ln1' }).ensureBuilt([null, 4])).toThrow(
      "LayerNormalization 'ln1': axis 0 is invalid for input [null, 4] (distinct axes, not the batch axis)",
    );
    expect(() => layerNormalization({ axis: [1, -1] }).ensureBuilt([null, 4])).toThrow(
      /axis \[1,-1\] is invalid/,
    );
    expect(() => layerNormalization({ name: 'ln2' }).ensureBuilt([null, null])).toThrow(
      "LayerNormalization 'ln2': the normalised dimensions [1] of the input must be known, got [null, null]",
    );
    const ln = layerNormalization({ name: 'ln3' });
    ln.ensureBuilt([null, 4]);
    expect(() => ln.computeOutputShape([null, 6])).toThrow(
      "LayerNormalization 'ln3': expected normalised dimensions [4], got input [null, 6]",
    );
    expect(() => layerNormalization({ axis: [] })).toThrow(/axis must be an integer or a non-empty list/);
    expect(() => layerNormalization({ epsilon: -1 })).toThrow(/epsilon must be positive/);
    ln.dispose();
  });

  it('serialises its config and rebuilds from it', () => {
    const ln = layerNormalization({ name: 'ln_cfg', axis: [1, 2], epsilon: 1e-5 });
    const config = ln.getConfig();
    expect(config).toEqual({
      name: 'ln_cfg',
      trainable: true,
      dtype: 'float32',
      axis: [1, 2],
      epsilon: 1e-5,
      center: true,
      scale: true,
      betaInitializer: { className: 'Zeros', config: {} },
      gammaInitializer: { className: 'Ones', config: {} },
      betaRegularizer: null,
      gammaRegularizer: null,
    });
    const copy = new LayerNormalization(
      config as unknown as ConstructorParameters<typeof LayerNormalization>[0],
    );
    expect(copy.getConfig()).toEqual(config);
  });
});
