/**
 * End to end on the GPU: with the same seed, 20 Adam steps of the small MNIST CNN (conv2d 8 5x5 relu,
 * maxPool 2, conv2d 16 5x5 relu, maxPool 2, flatten, dense 10 softmax; sparse categorical cross-entropy)
 * on webgpu follow the CPU backend's path: per-step losses, final weights and predictions agree to 1e-3
 * relative. Also checks that a training step is batched into one submit.
 */
import { cpu } from '@neurona/backend-cpu';
import * as nr from '@neurona/core';
import { afterAll, describe, expect, it } from 'vitest';
import { requireCapability } from '../../../test-utils/capabilities.js';
import { type WebGpuBackend, webgpu } from '../src/index.js';

const hasGpu = await requireCapability('webgpu', 'backend-webgpu training test');

const BATCH = 4;
const STEPS = 20;
const TOL = 1e-3;

/** Seeded 28x28 "images" (blobs of varying brightness) with labels 0..9. */
function dataset(): { images: Float32Array; labels: Int32Array } {
  const rng = new nr.Rng(2024);
  const n = BATCH * STEPS;
  const images = new Float32Array(n * 28 * 28);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = rng.int(10);
    labels[i] = label;
    const cx = 6 + 1.6 * label;
    const cy = 8 + rng.uniform() * 12;
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) {
        const d2 = (r - cy) ** 2 + (c - cx) ** 2;
        images[(i * 28 + r) * 28 + c] = Math.exp(-d2 / 18) + 0.1 * rng.uniform();
      }
    }
  }
  return { images, labels };
}

interface Run {
  readonly losses: number[];
  readonly weights: Float32Array[];
  readonly predictions: Float32Array;
}

/** Seed, build, compile and fit the small CNN for STEPS steps of BATCH on the active backend. */
async function train(backend: nr.Backend): Promise<Run> {
  await nr.setBackend(backend);
  const before = nr.memory().numTensors;
  nr.seed(7);
  const L = nr.layers;
  const model = nr.sequential({
    layers: [
      L.conv2d({ filters: 8, kernelSize: 5, activation: 'relu', inputShape: [28, 28, 1] }),
      L.maxPooling2d({ poolSize: 2 }),
      L.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
      L.maxPooling2d({ poolSize: 2 }),
      L.flatten(),
      L.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({
    optimizer: nr.optimizers.adam({ learningRate: 0.01 }),
    loss: 'sparseCategoricalCrossentropy',
  });
  const { images, labels } = dataset();
  const x = nr.tensor(images, [BATCH * STEPS, 28, 28, 1]);
  const y = nr.tensor(labels, [BATCH * STEPS], 'int32');
  // fit logs the running mean over the epoch; equal batches turn it back into per-step losses.
  const losses: number[] = [];
  let previous = 0;
  await model.fit(x, y, {
    epochs: 1,
    batchSize: BATCH,
    shuffle: false,
    verbose: 0,
    callbacks: [
      {
        onBatchEnd: (b, logs) => {
          const mean = logs!.loss!;
          losses.push((b + 1) * mean - b * previous);
          previous = mean;
        },
      },
    ],
  });
  const weights = await Promise.all(model.weights.map(async (w) => Float32Array.from(await w.data())));
  const first = nr.slice(x, [0], [BATCH]);
  const pred = model.predict(first);
  const predictions = Float32Array.from(await pred.data());
  nr.dispose([x, y, first, pred]);
  model.dispose();
  expect(nr.memory().numTensors, 'tensors left after training').toBe(before);
  return { losses, weights, predictions };
}

/** Largest |got - want| relative to the largest |want| (a norm-wise relative error). */
function relError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i]! - want[i]!));
    scale = Math.max(scale, Math.abs(want[i]!));
  }
  return diff / scale;
}

describe.runIf(hasGpu)('small MNIST CNN on webgpu', () => {
  let gpu: WebGpuBackend | null = null;
  afterAll(() => gpu?.destroy());

  it('follows the CPU backend for 20 Adam steps', async () => {
    gpu = await webgpu();
    const want = await train(cpu());
    const submitsBefore = gpu.runtime.submits;
    const got = await train(gpu);
    expect(got.losses).toHaveLength(STEPS);
    for (let s = 0; s < STEPS; s++) {
      expect(Math.abs(got.losses[s]! - want.losses[s]!) / want.losses[s]!, `loss at step ${s}`).toBeLessThan(
        TOL,
      );
    }
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    expect(mean(want.losses.slice(-5)), 'the CPU run learns').toBeLessThan(mean(want.losses.slice(0, 5)));
    expect(got.weights).toHaveLength(want.weights.length);
    got.weights.forEach((w, k) => {
      expect(relError(w, want.weights[k]!), `weight ${k}`).toBeLessThan(TOL);
    });
    expect(relError(got.predictions, want.predictions), 'predictions').toBeLessThan(TOL);
    // fit reads the step's loss once per batch: that read is the only submit of the step (plus the
    // final reads of weights and predictions here).
    const submits = gpu.runtime.submits - submitsBefore;
    expect(submits, 'submits for 20 steps and the final reads').toBeLessThanOrEqual(
      STEPS + want.weights.length + 4,
    );
  });
});
