import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../../backend-cpu/src/index.js';
import * as nr from '../../index.js';
import { testLayer } from '../testing/harness.js';
import { expectClose, expectTfjsAgrees, randomData } from '../testing/tfjs.js';
import { Bidirectional } from './bidirectional.js';
import { TimeDistributed } from './time-distributed.js';

beforeAll(async () => {
  await nr.setBackend(cpu({ fast: false }));
});

testLayer(
  'TimeDistributed(Dense)',
  () => nr.layers.timeDistributed({ layer: nr.layers.dense({ units: 3 }) }),
  [2, 4, 5],
  {
    params: 18,
  },
);
testLayer(
  'TimeDistributed(Conv2D)',
  () => nr.layers.timeDistributed({ layer: nr.layers.conv2d({ filters: 2, kernelSize: 2 }) }),
  [2, 3, 4, 4, 1],
);
testLayer(
  'Bidirectional(LSTM) concat, sequences',
  () => nr.layers.bidirectional({ layer: nr.layers.lstm({ units: 2, returnSequences: true }) }),
  [2, 3, 2],
  { params: 2 * 4 * 2 * (2 + 2 + 1) },
);
testLayer(
  'Bidirectional(GRU) ave',
  () => nr.layers.bidirectional({ layer: nr.layers.gru({ units: 2 }), mergeMode: 'ave' }),
  [2, 3, 2],
);
testLayer(
  'Bidirectional(SimpleRNN) mul, sequences',
  () =>
    nr.layers.bidirectional({
      layer: nr.layers.simpleRNN({ units: 3, returnSequences: true }),
      mergeMode: 'mul',
    }),
  [2, 4, 2],
);

/** Copy every weight of `from` into the same-shaped weights of `to`. */
function copyWeights(from: nr.Layer, to: nr.Layer): void {
  const ws = from.getWeights();
  to.setWeights(ws);
  nr.dispose(ws);
}

describe('TimeDistributed', () => {
  it('equals the inner layer applied to each step (independent oracle: a loop over steps)', async () => {
    const td = new TimeDistributed({ layer: nr.layers.dense({ units: 3, activation: 'tanh' }) });
    const x = nr.tensor(randomData([2, 4, 5], 3), [2, 4, 5]);
    const y = td.apply(x);
    expect(y.shape).toEqual([2, 4, 3]);
    const dense = nr.layers.dense({ units: 3, activation: 'tanh' });
    nr.dispose(dense.apply(nr.zeros([1, 5])));
    copyWeights(td, dense);
    const steps = nr.tidy(() =>
      nr.stack(
        Array.from({ length: 4 }, (_, t) =>
          dense.apply(nr.reshape(nr.slice(x, [0, t, 0], [2, 1, 5]), [2, 5])),
        ),
        1,
      ),
    );
    expectClose(await y.data(), await steps.data(), 1e-6);
    expect(td.weights.map((w) => w.name)).toEqual([`${td.name}/kernel`, `${td.name}/bias`]);
    nr.dispose([x, y, steps]);
    td.dispose();
    dense.dispose();
  });

  it('follows trainable, saves the nested layer, and rejects short inputs', () => {
    const td = new TimeDistributed({
      name: 'td',
      layer: { className: 'Dense', config: { units: 2, name: 'd' } },
    });
    expect(td.computeOutputShape([null, 7, 3])).toEqual([null, 7, 2]);
    expect(td.getConfig().layer).toMatchObject({ className: 'Dense', config: { name: 'd', units: 2 } });
    expect(() => td.computeOutputShape([null, 3])).toThrow(
      "TimeDistributed 'td': expected input of rank >= 3 [batch, time, ...], got [null, 3]",
    );
    nr.dispose(td.apply(nr.zeros([1, 2, 3])));
    expect(td.trainableWeights).toHaveLength(2);
    td.trainable = false;
    expect(td.trainableWeights).toHaveLength(0);
    expect(td.nonTrainableWeights).toHaveLength(2);
    expect(() => new TimeDistributed({ name: 'x', layer: 3 as never })).toThrow(
      "TimeDistributed 'x': layer must be a Layer or { className, config }, got 3",
    );
    td.dispose();
  });

  it('agrees with tfjs-layers 4.22 both ways (weights named time_distributed/kernel)', async () => {
    const names = await expectTfjsAgrees(
      [
        nr.layers.timeDistributed({ name: 'td', layer: nr.layers.dense({ units: 3 }), inputShape: [4, 5] }),
        nr.layers.timeDistributed({ name: 'td2', layer: nr.layers.reLU({ maxValue: 0.5 }) }),
      ],
      [2, 4, 5],
    );
    expect(names).toEqual(['td/kernel', 'td/bias']);
  });
});

describe('Bidirectional', () => {
  it('is the forward layer and the time-reversed backward layer, joined (independent oracle)', async () => {
    const x = nr.tensor(randomData([2, 5, 3], 4), [2, 5, 3]);
    for (const mergeMode of ['concat', 'sum', 'mul', 'ave'] as const) {
      const bi = new Bidirectional({ layer: nr.layers.lstm({ units: 2, returnSequences: true }), mergeMode });
      const y = bi.apply(x);
      // The oracle: two separate LSTMs with the same weights, the backward one run on the reversed sequence.
      const fwd = nr.layers.lstm({ units: 2, returnSequences: true });
      const bwd = nr.layers.lstm({ units: 2, returnSequences: true });
      const rev = nr.tidy(() => nr.gather(x, nr.tensor1d([4, 3, 2, 1, 0], 'int32'), 1));
      nr.dispose([fwd.apply(x), bwd.apply(rev)]);
      copyWeights(bi.forwardLayer, fwd);
      copyWeights(bi.backwardLayer, bwd);
      const want = nr.tidy(() => {
        const a = fwd.apply(x);
        const b = nr.gather(bwd.apply(rev), nr.tensor1d([4, 3, 2, 1, 0], 'int32'), 1);
        if (mergeMode === 'concat') return nr.concat([a, b], 2);
        if (mergeMode === 'sum') return nr.add(a, b);
        if (mergeMode === 'mul') return nr.mul(a, b);
        return nr.div(nr.add(a, b), 2);
      });
      expect(y.shape).toEqual(want.shape);
      expectClose(await y.data(), await want.data(), 1e-6);
      nr.dispose([y, want, rev]);
      for (const l of [bi, fwd, bwd]) l.dispose();
    }
    x.dispose();
  });

  it('names, flips goBackwards, saves the original layer config, and rejects what it cannot do', () => {
    const bi = new Bidirectional({ name: 'bi', layer: nr.layers.gru({ units: 3, name: 'g' }) });
    nr.dispose(bi.apply(nr.zeros([1, 2, 4])));
    expect(bi.forwardLayer.goBackwards).toBe(false);
    expect(bi.backwardLayer.goBackwards).toBe(true);
    expect(bi.weights.map((w) => w.name)).toEqual([
      'bi/forward_g/kernel',
      'bi/forward_g/recurrent_kernel',
      'bi/forward_g/bias',
      'bi/backward_g/kernel',
      'bi/backward_g/recurrent_kernel',
      'bi/backward_g/bias',
    ]);
    expect(bi.computeOutputShape([null, 2, 4])).toEqual([null, 6]);
    const config = bi.getConfig();
    expect(config.mergeMode).toBe('concat');
    expect(config.layer).toMatchObject({
      className: 'GRU',
      config: { name: 'g', goBackwards: false, units: 3 },
    });
    bi.dispose();
    expect(() => new Bidirectional({ name: 'b', layer: nr.layers.dense({ units: 2 }) })).toThrow(
      "Bidirectional 'b': layer must be a recurrent layer (SimpleRNN, LSTM, GRU), got Dense",
    );
    expect(
      () => new Bidirectional({ name: 'b2', layer: nr.layers.lstm({ units: 2 }), mergeMode: null }),
    ).toThrow("Bidirectional 'b2': mergeMode null (separate forward and backward outputs) is not supported");
    expect(
      () => new Bidirectional({ name: 'b3', layer: nr.layers.lstm({ units: 2 }), mergeMode: 'max' as 'sum' }),
    ).toThrow(`Bidirectional 'b3': mergeMode must be one of concat, sum, mul, ave, got "max"`);
    expect(() =>
      new Bidirectional({ name: 'b4', layer: nr.layers.lstm({ units: 2 }) }).computeOutputShape([null, 3]),
    ).toThrow(
      /^Bidirectional 'b4': LSTM 'forward_lstm.*': expected input of rank 3 \[batch, time, features\], got shape \[null, 3\]/,
    );
  });

  it('trains inside a Sequential model and leaves no tensors behind', async () => {
    const model = nr.sequential({
      layers: [
        nr.layers.bidirectional({ layer: nr.layers.lstm({ units: 3 }), inputShape: [4, 2] }),
        nr.layers.dense({ units: 1 }),
      ],
    });
    model.compile({ optimizer: nr.optimizers.adam({ learningRate: 0.05 }), loss: 'meanSquaredError' });
    const x = nr.tensor(randomData([8, 4, 2], 9), [8, 4, 2]);
    const y = nr.tidy(() => nr.reshape(nr.sum(x, [1, 2]), [8, 1]));
    const before = nr.memory().numTensors;
    const h = await model.fit(x, y, { epochs: 15, verbose: 0 });
    expect(nr.memory().numTensors).toBe(before);
    const loss = h.history.loss as number[];
    expect(loss[loss.length - 1]!).toBeLessThan(loss[0]! * 0.5);
    nr.dispose([x, y]);
    model.dispose();
  });

  it('agrees with tfjs-layers 4.22 both ways, weights named bidirectional/forward_lstm/...', async () => {
    // (tfjs's default orthogonal initializer needs its chained ops, which its ESM build under vitest lacks)
    const lstm = (returnSequences: boolean): nr.Layer =>
      nr.layers.lstm({ units: 3, returnSequences, recurrentInitializer: 'glorotUniform' });
    const names = await expectTfjsAgrees(
      [
        nr.layers.bidirectional({ name: 'bidirectional', layer: lstm(true), inputShape: [5, 2] }),
        nr.layers.bidirectional({ name: 'bi_sum', layer: lstm(false), mergeMode: 'sum' }),
      ],
      [2, 5, 2],
    );
    expect(names.slice(0, 3)).toEqual([
      expect.stringMatching(/^bidirectional\/forward_lstm(_\d+)?\/kernel$/),
      expect.stringMatching(/^bidirectional\/forward_lstm(_\d+)?\/recurrent_kernel$/),
      expect.stringMatching(/^bidirectional\/forward_lstm(_\d+)?\/bias$/),
    ]);
    expect(names[3]).toMatch(/^bidirectional\/backward_lstm(_\d+)?\/kernel$/);
    await expectTfjsAgrees(
      [
        nr.layers.bidirectional({
          layer: nr.layers.gru({ units: 2, returnSequences: true, recurrentInitializer: 'glorotUniform' }),
          mergeMode: 'mul',
          inputShape: [4, 3],
        }),
        nr.layers.timeDistributed({ layer: nr.layers.dense({ units: 2 }) }),
      ],
      [2, 4, 3],
    );
  });
});
