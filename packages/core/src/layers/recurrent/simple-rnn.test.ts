import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../../backend-cpu/src/index.js';
import * as nr from '../../index.js';
import { SimpleRNN, simpleRNN } from './simple-rnn.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

describe('SimpleRNN', () => {
  it('computes two hand-worked steps (units 2, one feature)', () => {
    const layer = simpleRNN({ units: 2, returnSequences: true });
    layer.apply(nr.zeros([1, 1, 1])).dispose();
    // kernel [[0.5, -0.3]], recurrent [[1, 0.2], [0, -1]], bias [0.1, 0]; x = 1 then 2
    layer.setWeights([
      nr.tensor2d([[0.5, -0.3]]),
      nr.tensor2d([
        [1, 0.2],
        [0, -1],
      ]),
      nr.tensor1d([0.1, 0]),
    ]);
    const y = layer.apply(nr.tensor3d([[[1], [2]]]));
    // h1 = tanh([0.6, -0.3]); h2 = tanh([1.1 + h1[0], -0.6 + 0.2 h1[0] - h1[1]])
    const h1 = [Math.tanh(0.6), Math.tanh(-0.3)];
    const h2 = [Math.tanh(1.1 + h1[0]!), Math.tanh(-0.6 + 0.2 * h1[0]! - h1[1]!)];
    expect(h1[0]).toBeCloseTo(0.5370495669980353, 12);
    expect(h2[1]).toBeCloseTo(-0.19860271764557125, 12);
    const out = y.arraySync() as number[][][];
    [h1, h2].forEach((h, t) => {
      h.forEach((v, j) => {
        expect(out[0]![t]![j]).toBeCloseTo(v, 6);
      });
    });
    // the last-step output is the last row of the sequence; goBackwards reads x = 2 first
    const last = new SimpleRNN({ units: 2, goBackwards: true });
    last.apply(nr.zeros([1, 1, 1])).dispose();
    last.setWeights(layer.getWeights());
    const back = last.apply(nr.tensor3d([[[2], [1]]]));
    expect((back.arraySync() as number[][])[0]![0]).toBeCloseTo(h2[0]!, 6);
    nr.dispose([y, back]);
    layer.dispose();
    last.dispose();
  });

  it('has Keras parameter counts: SimpleRNN(32) on 8 features = 1312', () => {
    const layer = simpleRNN({ units: 32 });
    layer.ensureBuilt([null, 10, 8]);
    expect(layer.countParams()).toBe(8 * 32 + 32 * 32 + 32);
    expect(layer.countParams()).toBe(1312);
    expect(layer.className).toBe('SimpleRNN');
    expect(SimpleRNN.className).toBe('SimpleRNN');
    expect(layer.name).toMatch(/^simple_rnn(_\d+)?$/);
    layer.dispose();
  });

  it('accepts a linear activation and a Keras-saved config (snake_case values)', () => {
    const layer = new SimpleRNN({
      units: 1,
      activation: 'linear',
      kernelInitializer: { className: 'Constant', config: { value: 2 } },
      recurrentInitializer: 'ones',
      biasRegularizer: { className: 'L2', config: { l2: 0.5 } },
    });
    // linear: h1 = 2·1 = 2, h2 = 2·1 + h1 = 4
    const y = layer.apply(nr.ones([1, 2, 1]));
    expect(y.arraySync()).toEqual([[4]]);
    expect(layer.getConfig().biasRegularizer).toEqual({ className: 'L1L2', config: { l1: 0, l2: 0.5 } });
    y.dispose();
    layer.dispose();
  });
});
