import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../backend-cpu/src/index.js';
import * as nr from '../index.js';

beforeAll(async () => {
  await nr.setBackend(cpu({ fast: false }));
});

async function close(a: nr.Tensor, b: nr.Tensor, tol = 1e-6): Promise<void> {
  expect(a.shape).toEqual(b.shape);
  const [x, y] = [await a.data(), await b.data()];
  for (let i = 0; i < x.length; i++) expect(Math.abs(x[i]! - y[i]!)).toBeLessThanOrEqual(tol);
}

describe('functional models', () => {
  it('nr.input and symbolic apply record shapes and nodes; a shared layer gets two nodes', () => {
    const a = nr.input({ shape: [4], name: 'fa' });
    expect(a.shape).toEqual([null, 4]);
    expect(a.dtype).toBe('float32');
    expect(a.sourceLayer.className).toBe('InputLayer');
    const shared = nr.layers.dense({ units: 3 });
    const h1 = shared.apply(a);
    const h2 = shared.apply(nr.input({ shape: [4] }));
    expect(h1.shape).toEqual([null, 3]);
    expect([h1.nodeIndex, h2.nodeIndex]).toEqual([0, 1]);
    expect(shared.inboundNodes).toHaveLength(2);
    expect(shared.inboundNodes[0]!.inboundLayers.map((l) => l.name)).toEqual(['fa']);
    expect(() => nr.layers.dense({ units: 2 }).apply([a, nr.ones([1, 4])] as never)).toThrow(/mix symbolic/);
    shared.dispose();
  });

  it('predicts what the layers compute eagerly (shared layer, two inputs, two outputs)', async () => {
    nr.seed(3);
    const a = nr.input({ shape: [4], name: 'a' });
    const b = nr.input({ shape: [4], name: 'b' });
    const shared = nr.layers.dense({ units: 3, activation: 'tanh', name: 'shared' });
    const head1 = nr.layers.dense({ units: 2, name: 'head1' });
    const head2 = nr.layers.dense({ units: 1, activation: 'sigmoid', name: 'head2' });
    const ha = shared.apply(a);
    const hb = shared.apply(b);
    const m = nr.model({ inputs: [a, b], outputs: [head1.apply(ha), head2.apply(hb)] });
    expect(m.layers.map((l) => l.name)).toEqual(['a', 'b', 'shared', 'head1', 'head2']);
    expect(m.outputNames).toEqual(['head1', 'head2']);
    expect(m.countParams()).toBe(15 + 8 + 4);
    const xa = nr.randomUniform([5, 4], -1, 1);
    const xb = nr.randomUniform([5, 4], -1, 1);
    const before = nr.memory().numTensors;
    const [p1, p2] = m.predict([xa, xb]);
    const [q1, q2] = m.predict({ b: xb, a: xa });
    expect(nr.memory().numTensors).toBe(before + 4);
    const e1 = nr.tidy(() => head1.apply(shared.apply(xa)));
    const e2 = nr.tidy(() => head2.apply(shared.apply(xb)));
    await close(p1!, e1);
    await close(p2!, e2);
    await close(q1!, e1);
    await close(q2!, e2);
    expect(() => m.predict([xa])).toThrow(/expected 2 inputs/);
    expect(() => m.predict({ a: xa, c: xb })).toThrow(/unknown name\(s\) c/);
    nr.dispose([xa, xb, p1!, p2!, q1!, q2!, e1, e2]);
    m.dispose();
  });

  it('rejects a disconnected graph naming the layer', () => {
    const a = nr.input({ shape: [2], name: 'in_a' });
    const b = nr.input({ shape: [2], name: 'in_b' });
    const d = nr.layers.dense({ units: 1, name: 'needs_b' });
    const y = d.apply(b);
    expect(() => nr.model({ inputs: a, outputs: y })).toThrow(
      /graph disconnected: layer 'needs_b' needs 'in_b'/,
    );
    d.dispose();
  });

  it('fits two outputs with a loss each and lossWeights, logging Keras names, without leaks', async () => {
    nr.seed(5);
    const x = nr.input({ shape: [3], name: 'x' });
    const h = nr.layers.dense({ units: 8, activation: 'relu' }).apply(x);
    const cls = nr.layers.dense({ units: 2, activation: 'softmax', name: 'cls' }).apply(h);
    const val = nr.layers.dense({ units: 1, name: 'val' }).apply(h);
    const m = nr.model({ inputs: x, outputs: [cls, val] });
    m.compile({
      optimizer: nr.optimizers.adam({ learningRate: 0.05 }),
      loss: { cls: 'sparseCategoricalCrossentropy', val: 'meanSquaredError' },
      lossWeights: [1, 0.5],
      metrics: { cls: ['accuracy'], val: [] },
    });
    const xs = nr.randomUniform([32, 3], -1, 1);
    const labels = nr.tidy(() => nr.cast(nr.greater(nr.sum(xs, 1), 0), 'int32'));
    const target = nr.tidy(() => nr.reshape(nr.sum(nr.mul(xs, xs), 1), [32, 1]));
    const before = nr.memory().numTensors;
    const hist = await m.fit(xs, { cls: labels, val: target }, { epochs: 40, batchSize: 8, verbose: 0 });
    const ev = await m.evaluate(xs, [labels, target]);
    expect(nr.memory().numTensors).toBe(before);
    expect(Object.keys(hist.history).sort()).toEqual(['cls_accuracy', 'cls_loss', 'loss', 'val_loss'].sort());
    const l = hist.history.loss!;
    expect(l.at(-1)!).toBeLessThan(l[0]! / 2);
    // The total is the weighted sum of the output losses (no regularizers here).
    expect(ev.loss!).toBeCloseTo(ev.cls_loss! + 0.5 * ev.val_loss!, 4);
    expect(ev.cls_accuracy!).toBeGreaterThan(0.8);
    await expect(m.fit(xs, labels)).rejects.toThrow(/expected 2 targets/);
    // The training config keeps a loss, metrics and a weight per output, keyed by output name.
    const mem = nr.io.memory();
    await m.save(mem);
    expect(mem.artifacts!.trainingConfig).toMatchObject({
      loss: { cls: 'sparse_categorical_crossentropy', val: 'mean_squared_error' },
      metrics: { cls: ['accuracy'], val: [] },
    });
    // tfjs-layers 4.22 refuses files with loss_weights, so they are not written (the loaded model weighs 1 each).
    expect(mem.artifacts!.trainingConfig).not.toHaveProperty('loss_weights');
    const loaded = await nr.loadModel(mem);
    const ev2 = await loaded.evaluate(xs, { cls: labels, val: target });
    for (const k of ['cls_loss', 'val_loss', 'cls_accuracy']) expect(ev2[k]!).toBeCloseTo(ev[k]!, 5);
    expect(ev2.loss!).toBeCloseTo(ev.cls_loss! + ev.val_loss!, 4);
    loaded.dispose();
    // A Keras file's loss_weights are read.
    const keras = structuredClone(mem.artifacts!);
    Object.assign(keras.trainingConfig!, { loss_weights: { cls: 1, val: 0.5 } });
    const weighted = await nr.loadModel(nr.io.memory(keras));
    expect((await weighted.evaluate(xs, [labels, target])).loss!).toBeCloseTo(ev.loss!, 5);
    weighted.dispose();
    nr.dispose([xs, labels, target]);
    m.dispose();
  });
});
