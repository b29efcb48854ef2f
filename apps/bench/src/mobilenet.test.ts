import { cpu } from '@neurona/backend-cpu';
import * as nr from '@neurona/core';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliOptions, timingFrom } from './cli.js';
import { selectColumns } from './columns.js';
import { workloadFlops } from './flops.js';
import { hasResidual, makeDivisible, mobilenetV2Flops, mobilenetV2Spec } from './mobilenet.js';
import { runBench } from './orchestrate.js';
import { neuronaMobileNetV2, neuronaModel } from './run-neurona.js';
import { formatReport } from './table.js';
import { tfjsMobileNetV2 } from './tfjs-models.js';
import { findWorkload, type ModelWorkload, modesOf, selectWorkloads } from './workloads.js';

beforeAll(async () => {
  await nr.setBackend(cpu());
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

describe('the MobileNetV2 architecture (Keras applications, alpha 1.0)', () => {
  it("follows Keras's block table and channel rounding", () => {
    expect([makeDivisible(32 * 0.35, 8), makeDivisible(16 * 0.5, 8), makeDivisible(1280 * 1.4, 8)]).toEqual([
      16, 8, 1792,
    ]);
    const s = mobilenetV2Spec(1);
    expect(s.stemFilters).toBe(32);
    expect(s.lastFilters).toBe(1280);
    expect(s.blocks.map((b) => b.filters)).toEqual([
      16, 24, 24, 32, 32, 32, 64, 64, 64, 64, 96, 96, 96, 160, 160, 160, 320,
    ]);
    expect(s.blocks.filter((b) => b.stride === 2).map((b) => b.id)).toEqual([1, 3, 6, 13]);
    expect(s.blocks.filter(hasResidual).map((b) => b.id)).toEqual([2, 4, 5, 7, 8, 9, 11, 12, 14, 15]);
  });

  it('has 3,538,984 weights with the 1000-class head and 155 trunk layers, as Keras (both builders)', () => {
    // Keras: MobileNetV2(weights=None).count_params() == 3538984, 34112 of them BatchNormalization moving
    // statistics; include_top=False, pooling='avg' has 155 layers counting the input layer.
    const trunk = neuronaMobileNetV2(1, 224);
    const model = nr.sequential({ layers: [trunk, nr.layers.dense({ units: 1000, activation: 'softmax' })] });
    model.build([null, 224, 224, 3]);
    expect(model.countParams()).toBe(3_538_984);
    const frozen = trunk.nonTrainableWeights.reduce((s, w) => s + w.size, 0);
    expect(frozen).toBe(34_112);
    expect(trunk.layers).toHaveLength(155);
    expect(trunk.layers.filter((l) => l.className === 'Add')).toHaveLength(10);

    const peer = tfjsMobileNetV2(1, 224);
    expect(peer.countParams() + 1280 * 1000 + 1000).toBe(3_538_984);
    expect(peer.layers.map((l) => l.name)).toEqual(trunk.layers.map((l) => l.name));
    peer.dispose();
    model.dispose();
  });

  it("counts the paper's ~300M multiply-adds at 224x224 (299.5M in the trunk + 1.28M in the head)", () => {
    const trunk = mobilenetV2Flops(mobilenetV2Spec(1), 224).forward / 2;
    expect(trunk).toBeGreaterThan(295e6);
    expect(trunk).toBeLessThan(305e6);
    const w = findWorkload('mobilenetv2-b16', false);
    expect(workloadFlops(w, 'infer')).toBe(2 * trunk + 2 * 1280 * 1000);
    // Head fine-tuning: the frozen trunk's forward pass, then the head's forward and weight gradient.
    expect(workloadFlops(w, 'train')).toBe(2 * trunk + 2 * 2 * 1280 * 1000);
  });

  it('predicts what tfjs-layers predicts with the same weights (32x32 images)', async () => {
    nr.seed(3);
    const ours = neuronaMobileNetV2(1, 32);
    const peer = tfjsMobileNetV2(1, 32);
    // Give the BatchNormalization layers non-trivial statistics so that they matter.
    for (const l of ours.layers) {
      if (l.className !== 'BatchNormalization') continue;
      const ws = l.getWeights();
      const [gamma, beta, mean, variance] = ws.map((w) => [...w.shape]);
      const u = (shape: number[] | undefined, lo: number, hi: number): nr.Tensor =>
        nr.randomUniform(shape!, lo, hi);
      const fresh = [u(gamma, 0.5, 1.5), u(beta, -0.2, 0.2), u(mean, -0.2, 0.2), u(variance, 0.5, 1.5)];
      l.setWeights(fresh);
      nr.dispose([...fresh, ...ws]);
    }
    for (const [i, l] of ours.layers.entries()) {
      const ws = l.getWeights();
      const values = await Promise.all(ws.map((w) => w.data()));
      peer.layers[i]!.setWeights(ws.map((w, j) => tf.tensor(values[j] as Float32Array, [...w.shape])));
      nr.dispose(ws);
    }
    const x = nr.randomUniform([2, 32, 32, 3], -1, 1);
    const got = ours.predict(x) as nr.Tensor;
    const want = peer.predict(tf.tensor(await x.data(), [2, 32, 32, 3])) as tf.Tensor;
    expect(got.shape).toEqual([2, 1280]);
    const a = await got.data();
    const b = await want.data();
    let scale = 0;
    let diff = 0;
    for (let i = 0; i < a.length; i++) {
      scale = Math.max(scale, Math.abs(b[i]!));
      diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    }
    expect(scale).toBeGreaterThan(0);
    expect(diff / scale).toBeLessThan(1e-4);
    nr.dispose([x, got]);
    ours.dispose();
    peer.dispose();
  });

  it('fine-tunes only the head: the frozen trunk (BatchNormalization statistics included) stays bitwise equal', async () => {
    const w = findWorkload('mobilenetv2-b16', true) as ModelWorkload; // 32x32, batch 2
    nr.seed(1);
    const model = neuronaModel(w);
    const [trunk, head] = model.layers as [nr.Layer, nr.Layer];
    const read = (l: nr.Layer): Promise<Float32Array[]> =>
      Promise.all(l.weights.map(async (v) => Float32Array.from(await v.data())));
    const trunkBefore = await read(trunk);
    const headBefore = await read(head);
    const before = nr.memory().numTensors;
    const x = nr.randomUniform([4, 32, 32, 3], -1, 1);
    const y = nr.tensor1d([1, 7, 999, 0], 'int32');
    await model.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false, verbose: 0 });
    nr.dispose([x, y]);
    expect(nr.memory().numTensors).toBe(before);
    const trunkAfter = await read(trunk);
    const headAfter = await read(head);
    expect(trunkAfter.every((a, i) => a.every((v, j) => Object.is(v, trunkBefore[i]![j])))).toBe(true);
    expect(headAfter.some((a, i) => a.some((v, j) => v !== headBefore[i]![j]))).toBe(true);
    model.dispose();
  });
});

describe('MobileNetV2 bench workloads (quick: 32x32, not timed)', () => {
  const quick: CliOptions = {
    workload: ['mobilenetv2'],
    backend: ['all'],
    mode: ['train'],
    quick: true,
    seed: 1,
  };

  it("selects both batch sizes with 'mobilenetv2'; batch 1 runs inference only", () => {
    const ws = selectWorkloads(['mobilenetv2'], false);
    expect(ws.map((w) => `${w.name}:${modesOf(w, ['train', 'infer']).join('+')}`)).toEqual([
      'mobilenetv2-b1:infer',
      'mobilenetv2-b16:train+infer',
    ]);
    expect(ws.map((w) => (w as ModelWorkload).batchSize)).toEqual([1, 16]);
  });

  it('runs inference and head fine-tuning on neurona-cpu and tfjs-cpu; no training row at batch 1', async () => {
    const report = await runBench({
      workloads: selectWorkloads(['mobilenetv2'], true),
      modes: ['train', 'infer'],
      columns: selectColumns(['neurona-cpu', 'tfjs-cpu']),
      quick: true,
      seed: 1,
      timing: { ...timingFrom(quick), reps: 1 },
      isolate: false,
      cellTimeoutSeconds: 300,
      peak: false,
    });
    expect(report.results.map((r) => `${r.workload} ${r.mode} ${r.column} ${r.status}`)).toEqual([
      'mobilenetv2-b1 infer neurona-cpu ok',
      'mobilenetv2-b1 infer tfjs-cpu ok',
      'mobilenetv2-b16 train neurona-cpu ok',
      'mobilenetv2-b16 train tfjs-cpu ok',
      'mobilenetv2-b16 infer neurona-cpu ok',
      'mobilenetv2-b16 infer tfjs-cpu ok',
    ]);
    expect(report.comparisons.map((c) => `${c.workload} ${c.mode}`)).toEqual([
      'mobilenetv2-b1 infer',
      'mobilenetv2-b16 train',
      'mobilenetv2-b16 infer',
    ]);
    expect(formatReport(report)).toMatch(/\| mobilenetv2-b16 \| train \| /);
  });
});
