import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { BatchNormalization, batchNormalization } from './batch-normalization.js';
import { testLayer } from './testing/harness.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5): void => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++) expect(Math.abs(a[i]! - b[i]!), `index ${i}`).toBeLessThanOrEqual(tol);
};

/** A layer whose gamma/beta are not the trivial 1/0, so their gradients are exercised. */
const makeBn =
  (args: ConstructorParameters<typeof BatchNormalization>[0] = {}) =>
  () =>
    batchNormalization({
      gammaInitializer: { className: 'RandomUniform', config: { minval: 0.5, maxval: 1.5 } },
      ...args,
    });

testLayer('BatchNormalization', makeBn(), [4, 3], { params: 12, trainableParams: 6 });
testLayer('BatchNormalization', makeBn(), [4, 3], { training: true });
testLayer('BatchNormalization NHWC', makeBn({ momentum: 0.9 }), [2, 3, 3, 2], { training: true, params: 8 });
testLayer('BatchNormalization axis 1', makeBn({ axis: 1 }), [3, 2, 4], { training: true });
testLayer('BatchNormalization without scale', () => nr.layers.batchNormalization({ scale: false }), [5, 2], {
  training: true,
  params: 6,
  trainableParams: 2,
});

describe('BatchNormalization', () => {
  // batch of 2, two features: means [2, 4], biased variances [1, 4]
  const rows = [
    [1, 2],
    [3, 6],
  ];
  const eps = 1e-3;

  async function prepared(): Promise<{ bn: BatchNormalization; x: nr.Tensor }> {
    const bn = batchNormalization({ momentum: 0.9 });
    const x = nr.tensor2d(rows);
    nr.dispose(bn.apply(x)); // build
    const ws = [nr.tensor1d([2, 1]), nr.tensor1d([0, 1]), nr.tensor1d([0, 0]), nr.tensor1d([1, 1])];
    bn.setWeights(ws);
    nr.dispose(ws);
    return { bn, x };
  }

  it('normalises with the batch statistics while training and updates the moving ones with momentum', async () => {
    const { bn, x } = await prepared();
    const y = bn.apply(x, { training: true });
    const a = 1 / Math.sqrt(1 + eps);
    const b = 2 / Math.sqrt(4 + eps);
    close(await y.data(), [2 * -a + 0, -b + 1, 2 * a + 0, b + 1]);
    // moving = moving * 0.9 + batch * 0.1
    close(await bn.movingMean!.data(), [0.2, 0.4]);
    close(await bn.movingVariance!.data(), [0.9 + 0.1, 0.9 + 0.4]);
    const y2 = bn.apply(x, { training: true });
    close(await bn.movingMean!.data(), [0.2 * 0.9 + 0.2, 0.4 * 0.9 + 0.4]);
    close(await bn.movingVariance!.data(), [1.0 * 0.9 + 0.1, 1.3 * 0.9 + 0.4]);
    nr.dispose([x, y, y2]);
    bn.dispose();
  });

  it('uses the moving statistics at inference and leaves them unchanged', async () => {
    const { bn, x } = await prepared();
    const mm = nr.tensor1d([1, 2]);
    const mv = nr.tensor1d([4, 0.25]);
    bn.setWeights([bn.gamma!, bn.beta!, mm, mv]);
    const y = bn.apply(x);
    const expected = rows.flatMap(([u, v]) => [
      (2 * (u! - 1)) / Math.sqrt(4 + eps),
      (v! - 2) / Math.sqrt(0.25 + eps) + 1,
    ]);
    close(await y.data(), expected);
    close(await bn.movingMean!.data(), [1, 2]);
    close(await bn.movingVariance!.data(), [4, 0.25]);
    nr.dispose([x, y, mm, mv]);
    bn.dispose();
  });

  it('runs in inference mode when frozen, as Keras does', async () => {
    const { bn, x } = await prepared();
    bn.trainable = false;
    const y = bn.apply(x, { training: true });
    close(await y.data(), [
      2 * (1 / Math.sqrt(1 + eps)),
      2 / Math.sqrt(1 + eps) + 1,
      6 / Math.sqrt(1 + eps),
      6 / Math.sqrt(1 + eps) + 1,
    ]);
    close(await bn.movingMean!.data(), [0, 0]);
    nr.dispose([x, y]);
    bn.dispose();
  });

  it('moving statistics converge to the data statistics; no gradient flows to them', async () => {
    const bn = batchNormalization({ momentum: 0.5 });
    const x = nr.tidy(() => nr.add(nr.mul(nr.randomNormal([64, 3]), [1, 2, 3]), [5, -1, 0]));
    for (let i = 0; i < 30; i++) nr.dispose(bn.apply(x, { training: true }));
    const m = nr.mean(x, 0);
    const v = nr.tidy(() => nr.mean(nr.square(nr.sub(x, m)), 0));
    close(await bn.movingMean!.data(), await m.data(), 1e-4);
    close(await bn.movingVariance!.data(), await v.data(), 1e-3);
    const { value, grads } = nr.variableGrads(() => nr.sum(bn.apply(x, { training: true })));
    expect(Object.keys(grads).sort()).toEqual([`${bn.name}/beta`, `${bn.name}/gamma`]);
    nr.dispose([x, m, v, value, grads]);
    bn.dispose();
  });

  it('has Keras weights: gamma, beta (trainable), moving_mean, moving_variance', () => {
    const bn = batchNormalization();
    bn.ensureBuilt([null, 8, 8, 16]);
    expect(bn.countParams()).toBe(64);
    expect(bn.nonTrainableWeights.reduce((n, w) => n + w.size, 0)).toBe(32);
    expect(bn.weights.map((w) => w.name.split('/')[1])).toEqual([
      'gamma',
      'beta',
      'moving_mean',
      'moving_variance',
    ]);
    expect(bn.trainableWeights.map((w) => w.name.split('/')[1])).toEqual(['gamma', 'beta']);
    const noCenter = batchNormalization({ center: false });
    noCenter.ensureBuilt([null, 10]);
    expect(noCenter.countParams()).toBe(30);
    bn.dispose();
    noCenter.dispose();
  });

  it('rejects bad axes and shapes, naming the layer', () => {
    expect(() => batchNormalization({ axis: 3, name: 'bn1' }).ensureBuilt([null, 4])).toThrow(
      "BatchNormalization 'bn1': axis 3 is not a feature axis of input [null, 4] (rank >= 2, not the batch axis)",
    );
    expect(() => batchNormalization({ axis: 0 }).ensureBuilt([null, 4])).toThrow(
      /axis 0 is not a feature axis/,
    );
    expect(() => batchNormalization({ name: 'bn2' }).ensureBuilt([null, 4, null])).toThrow(
      "BatchNormalization 'bn2': input dimension 2 (axis -1) must be known, got [null, 4, null]",
    );
    const bn = batchNormalization({ name: 'bn3' });
    bn.ensureBuilt([null, 4]);
    expect(() => bn.computeOutputShape([null, 5])).toThrow(
      "BatchNormalization 'bn3': expected input with 4 features on axis -1, got [null, 5]",
    );
    expect(() => batchNormalization({ momentum: 2 })).toThrow(/momentum must be in \[0, 1\]/);
    expect(() => batchNormalization({ epsilon: 0 })).toThrow(/epsilon must be positive/);
    expect(() => batchNormalization({ axis: 1.5 })).toThrow(/axis must be an integer/);
    expect(batchNormalization({ axis: [3] }).axis).toBe(3); // tf.keras 2 saves the axis as a list
    bn.dispose();
  });

  it('serialises its config in Keras form and rebuilds from it', () => {
    const bn = batchNormalization({
      name: 'bn_cfg',
      momentum: 0.9,
      gammaRegularizer: nr.regularizers.l2({ l2: 0.1 }),
    });
    const config = bn.getConfig();
    expect(config).toEqual({
      name: 'bn_cfg',
      trainable: true,
      dtype: 'float32',
      axis: -1,
      momentum: 0.9,
      epsilon: 1e-3,
      center: true,
      scale: true,
      betaInitializer: { className: 'Zeros', config: {} },
      gammaInitializer: { className: 'Ones', config: {} },
      movingMeanInitializer: { className: 'Zeros', config: {} },
      movingVarianceInitializer: { className: 'Ones', config: {} },
      betaRegularizer: null,
      gammaRegularizer: { className: 'L1L2', config: { l1: 0, l2: 0.1 } },
    });
    const copy = new BatchNormalization(
      config as unknown as ConstructorParameters<typeof BatchNormalization>[0],
    );
    expect(copy.getConfig()).toEqual(config);
  });
});
