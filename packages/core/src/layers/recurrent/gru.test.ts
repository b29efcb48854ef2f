import { beforeAll, describe, expect, it } from 'vitest';
import { cpu } from '../../../../backend-cpu/src/index.js';
import * as nr from '../../index.js';
import { GRU, gru } from './gru.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
});

const sig = (v: number): number => 1 / (1 + Math.exp(-v));

describe('GRU', () => {
  // units 1, one feature, gate order z, r, h: kernel [0.5, -0.4, 0.3], recurrent [0.2, 0.6, -0.7]
  const kernel = () => nr.tensor2d([[0.5, -0.4, 0.3]]);
  const recurrent = () => nr.tensor2d([[0.2, 0.6, -0.7]]);

  it('computes two hand-worked steps with resetAfter = false (reset before the recurrent matMul)', () => {
    const layer = gru({ units: 1, returnSequences: true });
    layer.apply(nr.zeros([1, 1, 1])).dispose();
    layer.setWeights([kernel(), recurrent(), nr.tensor1d([0.1, 0.2, -0.1])]);
    const y = layer.apply(nr.tensor3d([[[1], [2]]]));
    // step 1 (h = 0): z = σ(0.6), ĥ = tanh(0.2), h1 = (1 − z)·ĥ
    const h1 = (1 - sig(0.6)) * Math.tanh(0.2);
    // step 2: z = σ(1.1 + 0.2 h1), r = σ(−0.6 + 0.6 h1), ĥ = tanh(0.5 − 0.7·(r·h1)), h2 = z·h1 + (1 − z)·ĥ
    const z = sig(1.1 + 0.2 * h1);
    const r = sig(-0.6 + 0.6 * h1);
    const h2 = z * h1 + (1 - z) * Math.tanh(0.5 - 0.7 * r * h1);
    expect(h1).toBeCloseTo(0.06993870002835895, 12);
    expect(h2).toBeCloseTo(0.16336520002241808, 12);
    const out = (y.arraySync() as number[][][])[0]!;
    expect(out[0]![0]).toBeCloseTo(h1, 6);
    expect(out[1]![0]).toBeCloseTo(h2, 6);
    y.dispose();
    layer.dispose();
  });

  it('computes two hand-worked steps with resetAfter = true (bias [2, 3u], reset after the matMul)', () => {
    const layer = new GRU({ units: 1, resetAfter: true, returnSequences: true });
    layer.apply(nr.zeros([1, 1, 1])).dispose();
    expect(layer.weights[2]!.shape).toEqual([2, 3]);
    layer.setWeights([
      kernel(),
      recurrent(),
      nr.tensor2d([
        [0.1, 0.2, -0.1],
        [0.05, -0.05, 0.3],
      ]),
    ]);
    const y = layer.apply(nr.tensor3d([[[1], [2]]]));
    // step 1 (h = 0): z = σ(0.65), r = σ(−0.25), ĥ = tanh(0.2 + r·0.3)
    const h1 = (1 - sig(0.65)) * Math.tanh(0.2 + sig(-0.25) * 0.3);
    // step 2: z = σ(1.15 + 0.2 h1), r = σ(−0.65 + 0.6 h1), ĥ = tanh(0.5 + r·(−0.7 h1 + 0.3))
    const z = sig(1.15 + 0.2 * h1);
    const r = sig(-0.65 + 0.6 * h1);
    const h2 = z * h1 + (1 - z) * Math.tanh(0.5 + r * (-0.7 * h1 + 0.3));
    expect(h1).toBeCloseTo(0.10966426469851337, 12);
    expect(h2).toBeCloseTo(0.20732606960853814, 12);
    const out = (y.arraySync() as number[][][])[0]!;
    expect(out[0]![0]).toBeCloseTo(h1, 6);
    expect(out[1]![0]).toBeCloseTo(h2, 6);
    expect(layer.getConfig()).toMatchObject({ resetAfter: true, recurrentActivation: 'sigmoid' });
    y.dispose();
    layer.dispose();
  });

  it('has Keras parameter counts: GRU(64) on 8 features = 14016, with resetAfter = 14208', () => {
    const a = gru({ units: 64 });
    a.ensureBuilt([null, 5, 8]);
    expect(a.countParams()).toBe(14016);
    const b = gru({ units: 64, resetAfter: true });
    b.ensureBuilt([null, 5, 8]);
    expect(b.countParams()).toBe(14208);
    expect(a.className).toBe('GRU');
    a.dispose();
    b.dispose();
  });

  it('works without bias in both modes', () => {
    for (const resetAfter of [false, true]) {
      const layer = gru({ units: 1, useBias: false, resetAfter });
      layer.apply(nr.zeros([1, 1, 1])).dispose();
      layer.setWeights([kernel(), recurrent()]);
      const y = layer.apply(nr.tensor3d([[[1]]]));
      // z = σ(0.5), ĥ = tanh(0.3), h1 = (1 − z)·ĥ
      expect((y.arraySync() as number[][])[0]![0]).toBeCloseTo((1 - sig(0.5)) * Math.tanh(0.3), 6);
      y.dispose();
      layer.dispose();
    }
  });
});
