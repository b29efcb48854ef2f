import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';
import { Activation, activation } from './activation-layer.js';
import { testLayer } from './testing/harness.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

testLayer('Activation tanh', () => activation({ activation: 'tanh' }), [3, 4], { params: 0 });
testLayer('Activation softmax', () => activation({ activation: 'softmax' }), [2, 5], { params: 0 });
testLayer('Activation sigmoid rank 4', () => nr.layers.activation({ activation: 'sigmoid' }), [1, 2, 2, 3]);

describe('Activation', () => {
  it('applies relu, sigmoid and softmax', async () => {
    const x = nr.tensor2d([
      [-1, 0, 2],
      [1, 1, 1],
    ]);
    const relu = activation({ activation: 'relu' }).apply(x);
    expect(await relu.array()).toEqual([
      [0, 0, 2],
      [1, 1, 1],
    ]);
    const sig = activation({ activation: 'sigmoid' }).apply(x);
    expect((await sig.data())[1]).toBeCloseTo(0.5, 6);
    const soft = activation({ activation: 'softmax' }).apply(x);
    const s = await soft.data();
    expect(s[0]! + s[1]! + s[2]!).toBeCloseTo(1, 6);
    expect(s[3]).toBeCloseTo(1 / 3, 6);
    nr.dispose([x, relu, sig, soft]);
  });

  it('callLogits is the identity (a copy), the logits of a softmax layer', async () => {
    const layer = activation({ activation: 'softmax' });
    const x = nr.tensor2d([[1, 2, 3]]);
    const logits = layer.callLogits(x);
    expect(logits).not.toBe(x);
    logits.dispose();
    expect(x.isDisposed).toBe(false);
    expect(await x.array()).toEqual([[1, 2, 3]]);
    x.dispose();
  });

  it('has no weights and leaves the shape unchanged', () => {
    const layer = activation({ activation: 'relu' });
    expect(layer.computeOutputShape([null, 7, 3])).toEqual([null, 7, 3]);
    layer.ensureBuilt([null, 7, 3]);
    expect(layer.countParams()).toBe(0);
    expect(layer.weights).toEqual([]);
  });

  it('resolves Keras aliases and serialises the canonical name', () => {
    const layer = new Activation({ activation: 'log_softmax' as 'logSoftmax', name: 'act' });
    expect(layer.activation).toBe('logSoftmax');
    expect(layer.getConfig()).toEqual({
      name: 'act',
      trainable: true,
      dtype: 'float32',
      activation: 'logSoftmax',
    });
    expect(layer.className).toBe('Activation');
  });

  it('rejects unknown activations naming the layer', () => {
    // @ts-expect-error: unknown activation name
    expect(() => activation({ activation: 'swishy', name: 'a1' })).toThrow(
      /Activation 'a1': unknown activation 'swishy'/,
    );
  });
});
