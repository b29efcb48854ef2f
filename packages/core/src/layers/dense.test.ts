import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { Dense, dense } from './dense.js';
import { testLayer } from './testing/harness.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5): void => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(tol);
};

testLayer('Dense linear', () => dense({ units: 3 }), [4, 5], { params: 18, trainableParams: 18 });
testLayer('Dense tanh without bias', () => dense({ units: 2, activation: 'tanh', useBias: false }), [3, 4], {
  params: 8,
});
testLayer('Dense softmax on rank-3 input', () => dense({ units: 3, activation: 'softmax' }), [2, 3, 4], {
  params: 15,
});

describe('Dense', () => {
  it('computes relu(x · W + b) with known weights', async () => {
    const layer = dense({ units: 2, activation: 'relu' });
    const x = nr.tensor2d([
      [1, 0, -1],
      [2, 1, 0],
    ]);
    nr.dispose(layer.apply(x));
    const w = nr.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const b = nr.tensor1d([0.5, -1]);
    layer.setWeights([w, b]);
    const y = layer.apply(x);
    expect(await y.array()).toEqual([
      [0, 0],
      [5.5, 7],
    ]);
    const logits = layer.callLogits(x);
    expect(await logits.array()).toEqual([
      [-3.5, -5],
      [5.5, 7],
    ]);
    expect(layer.activation).toBe('relu');
    nr.dispose([x, w, b, y, logits]);
    layer.dispose();
  });

  it('callLogits returns the pre-softmax output and builds on first use', async () => {
    const layer = dense({ units: 4, activation: 'softmax' });
    const x = nr.randomNormal([3, 5]);
    const logits = layer.callLogits(x);
    expect(layer.built).toBe(true);
    const y = layer.apply(x);
    const expected = nr.softmax(logits);
    close(await y.data(), await expected.data());
    nr.dispose([x, logits, y, expected]);
    layer.dispose();
  });

  it('applies to the last axis of rank-3 inputs like a per-row matMul', async () => {
    const layer = dense({ units: 2, biasInitializer: 'ones' });
    const x = nr.randomNormal([2, 3, 4]);
    const y = layer.apply(x);
    expect(y.shape).toEqual([2, 3, 2]);
    const ref = nr.tidy(() =>
      nr.add(nr.reshape(nr.matMul(nr.reshape(x, [6, 4]), layer.kernel!), [2, 3, 2]), 1),
    );
    close(await y.data(), await ref.data());
    nr.dispose([x, y, ref]);
    layer.dispose();
  });

  it('casts int32 inputs to float32', async () => {
    const layer = dense({ units: 1, kernelInitializer: 'ones' });
    const x = nr.tensor2d([[1, 2, 3]], [1, 3], 'int32');
    const y = layer.apply(x);
    expect(y.dtype).toBe('float32');
    expect(await y.array()).toEqual([[6]]);
    nr.dispose([x, y]);
    layer.dispose();
  });

  it('has Keras parameter counts', () => {
    const a = dense({ units: 10 });
    a.ensureBuilt([null, 256]);
    expect(a.countParams()).toBe(2570);
    const b = dense({ units: 128, useBias: false });
    b.ensureBuilt([null, 784]);
    expect(b.countParams()).toBe(100352);
    expect(a.weights.map((w) => w.name)).toEqual([`${a.name}/kernel`, `${a.name}/bias`]);
    a.dispose();
    b.dispose();
  });

  it('initialises the kernel Glorot-uniform and the bias with zeros', async () => {
    nr.seed(7);
    const layer = dense({ units: 30 });
    layer.ensureBuilt([null, 20]);
    const limit = Math.sqrt(6 / 50);
    const k = await layer.kernel!.data();
    expect(Math.max(...Array.from(k, Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...Array.from(k, Math.abs))).toBeGreaterThan(limit * 0.9);
    expect(Array.from(await layer.bias!.data())).toEqual(new Array(30).fill(0));
    layer.dispose();
  });

  it('rejects inputs of the wrong last dimension or rank with the layer name and shapes', () => {
    const layer = new Dense({ units: 10, name: 'dense_1' });
    const x = nr.zeros([2, 784]);
    nr.dispose(layer.apply(x));
    const bad = nr.zeros([2, 10]);
    expect(() => layer.apply(bad)).toThrow(
      "Dense 'dense_1': expected input with last dimension 784, got [null, 10]",
    );
    expect(() => layer.callLogits(bad)).toThrow(/last dimension 784, got \[null, 10\]/);
    expect(() => layer.computeOutputShape([null, 10])).toThrow(/last dimension 784/);
    const flat = nr.zeros([3]);
    expect(() => dense({ units: 2, name: 'd_rank' }).apply(flat)).toThrow(
      "Dense 'd_rank': expected input of rank >= 2 [batch, ..., features], got [null]",
    );
    expect(() => dense({ units: 2, name: 'd_unknown' }).ensureBuilt([null, null])).toThrow(
      /'d_unknown': the last dimension of the input must be known/,
    );
    nr.dispose([x, bad, flat]);
    layer.dispose();
  });

  it('validates its arguments', () => {
    expect(() => dense({ units: 0, name: 'd0' })).toThrow(
      "Dense 'd0': units must be a positive integer, got 0",
    );
    expect(() => dense({ units: 2.5 })).toThrow(/units must be a positive integer/);
    // @ts-expect-error: unknown activation name
    expect(() => dense({ units: 2, activation: 'nope', name: 'dn' })).toThrow(
      /Dense 'dn': unknown activation 'nope'/,
    );
    expect(() => dense({ units: 2, kernelInitializer: 'bogus' })).toThrow(/unknown initializer 'bogus'/);
    expect(() => dense({ units: 2, kernelRegularizer: 'l3' })).toThrow(/unknown regularizer 'l3'/);
  });

  it('serialises its config in Keras form and accepts it back', async () => {
    const layer = dense({
      units: 3,
      activation: 'leaky_relu' as 'leakyRelu',
      kernelInitializer: 'heNormal',
      kernelRegularizer: nr.regularizers.l2({ l2: 0.5 }),
      biasRegularizer: { className: 'L1', config: { l1: 0.25 } },
      name: 'cfg_dense',
      inputShape: [4],
    });
    const config = layer.getConfig();
    expect(config).toEqual({
      name: 'cfg_dense',
      trainable: true,
      dtype: 'float32',
      batchInputShape: [null, 4],
      units: 3,
      activation: 'leakyRelu',
      useBias: true,
      kernelInitializer: {
        className: 'HeNormal',
        config: { seed: null }, // Keras's named initializers take only a seed
      },
      biasInitializer: { className: 'Zeros', config: {} },
      kernelRegularizer: { className: 'L1L2', config: { l1: 0, l2: 0.5 } },
      biasRegularizer: { className: 'L1L2', config: { l1: 0.25, l2: 0 } },
    });
    const copy = new Dense(config as unknown as ConstructorParameters<typeof Dense>[0]);
    expect(copy.getConfig()).toEqual(config);
    expect(copy.batchInputShape).toEqual([null, 4]);
    layer.dispose();
    copy.dispose();
  });

  it('adds its regularizer penalties to regularizationLoss', async () => {
    const layer = dense({
      units: 2,
      kernelRegularizer: { className: 'L1L2', config: { l2: 0.5 } },
      biasRegularizer: 'l1',
    });
    const x = nr.zeros([1, 2]);
    nr.dispose(layer.apply(x));
    const w = nr.tensor2d([
      [1, -2],
      [3, 0],
    ]);
    const b = nr.tensor1d([-1, 2]);
    layer.setWeights([w, b]);
    const loss = layer.regularizationLoss()!;
    close(await loss.data(), [0.5 * 14 + 0.01 * 3]);
    nr.dispose([x, w, b, loss]);
    layer.dispose();
  });

  it('lists no trainable weights when frozen', () => {
    const layer = dense({ units: 2, trainable: false });
    layer.ensureBuilt([null, 3]);
    expect(layer.trainableWeights).toEqual([]);
    expect(layer.nonTrainableWeights.length).toBe(2);
    expect(layer.getConfig().trainable).toBe(false);
    layer.dispose();
  });
});
