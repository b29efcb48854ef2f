/**
 * End-to-end training on the WASM backend with the CPU backend as oracle: the small MNIST CNN and an
 * LSTM, built under the same seed on each backend in turn, must follow the same path.
 */
import { cpu } from '@neurona/backend-cpu';
import type { Backend } from '@neurona/core';
import * as nr from '@neurona/core';
import { describe, expect, it } from 'vitest';
import { wasm } from '../src/index.js';
import { loadTfjsWasm } from '../src/module.js';

/** Tensors alive on the shared tfjs-wasm heap (ours and any internal temporaries). */
const heapTensors = async (): Promise<number> => (await loadTfjsWasm({})).backend.numDataIds();

/** A small deterministic generator for the synthetic data (independent of Neurona's). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** MNIST-shaped data: class c is a bright 8x8 patch at its own place on a noisy 28x28 image. */
function digits(n: number, seed: number): { x: Float32Array; y: Int32Array } {
  const rand = lcg(seed);
  const x = new Float32Array(n * 28 * 28);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = Math.floor(rand() * 10);
    y[i] = label;
    const top = 2 + 10 * Math.floor(label / 4);
    const left = 2 + 6 * (label % 4);
    for (let r = 0; r < 28; r++) {
      for (let c = 0; c < 28; c++) {
        const inPatch = r >= top && r < top + 8 && c >= left && c < left + 8;
        x[(i * 28 + r) * 28 + c] = 0.4 * rand() + (inPatch ? 0.6 : 0);
      }
    }
  }
  return { x, y };
}

/** Sequences whose label says whether their running sum ends positive. */
function sequences(n: number, steps: number, seed: number): { x: Float32Array; y: Float32Array } {
  const rand = lcg(seed);
  const x = new Float32Array(n * steps * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let t = 0; t < steps; t++) {
      const v = rand() * 2 - 1;
      x[(i * steps + t) * 2] = v;
      x[(i * steps + t) * 2 + 1] = rand();
      sum += v;
    }
    y[i] = sum > 0 ? 1 : 0;
  }
  return { x, y };
}

interface Run {
  readonly weights: Float32Array[];
  /** Tensors left on the tfjs-wasm heap by the run (0 on every backend when nothing leaks). */
  readonly heapLeaked: number;
  /** Loss on the training data before and after training. */
  readonly before: number;
  readonly after: number;
  readonly leaked: number;
}

/** On `backend`: seed, build, compile, fit one epoch (no shuffling), and read back weights and losses. */
async function train(
  backend: Backend,
  build: () => nr.Sequential,
  loss: string,
  learningRate: number,
  data: { x: Float32Array; xShape: number[]; y: Float32Array | Int32Array },
  batchSize: number,
): Promise<Run> {
  await nr.setBackend(backend);
  const before = nr.memory().numTensors;
  const heapBefore = await heapTensors();
  nr.seed(2024);
  const model = build();
  model.compile({ optimizer: nr.optimizers.adam({ learningRate }), loss });
  const x = nr.tensor(data.x, data.xShape);
  const y = nr.tensor(data.y, [data.y.length], data.y instanceof Int32Array ? 'int32' : 'float32');
  const lossOf = async () => (await model.evaluate(x, y, { batchSize: 64 })).loss!;
  const lossBefore = await lossOf();
  await model.fit(x, y, { epochs: 1, batchSize, shuffle: false, verbose: 0 });
  const lossAfter = await lossOf();
  const weights = await Promise.all(model.weights.map(async (w) => Float32Array.from(await w.data())));
  nr.dispose([x, y]);
  model.dispose();
  return {
    weights,
    before: lossBefore,
    after: lossAfter,
    leaked: nr.memory().numTensors - before,
    heapLeaked: (await heapTensors()) - heapBefore,
  };
}

/** Largest `|a - b|` over every weight. */
function maxDiff(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((w, i) => {
    for (let j = 0; j < w.length; j++) worst = Math.max(worst, Math.abs(w[j]! - b[i]![j]!));
  });
  return worst;
}

describe('training on wasm matches the CPU backend', () => {
  it('small MNIST CNN with Adam: 100 steps, same weights to 1e-4, loss falls, no leaks', async () => {
    const steps = 100;
    const batch = 8;
    const { x, y } = digits(steps * batch, 11);
    const data = { x, xShape: [steps * batch, 28, 28, 1], y };
    const L = nr.layers;
    const build = () =>
      nr.sequential({
        layers: [
          L.conv2d({ filters: 8, kernelSize: 5, activation: 'relu', inputShape: [28, 28, 1] }),
          L.maxPooling2d({ poolSize: 2 }),
          L.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
          L.maxPooling2d({ poolSize: 2 }),
          L.flatten(),
          L.dense({ units: 10, activation: 'softmax' }),
        ],
      });
    const onCpu = await train(cpu(), build, 'sparseCategoricalCrossentropy', 0.001, data, batch);
    const onWasm = await train(await wasm(), build, 'sparseCategoricalCrossentropy', 0.001, data, batch);

    expect(onWasm.leaked).toBe(0);
    expect(onWasm.heapLeaked).toBe(0);
    expect(onWasm.after).toBeLessThan(0.5 * onWasm.before);
    expect(maxDiff(onWasm.weights, onCpu.weights)).toBeLessThanOrEqual(1e-4);
  });

  it('LSTM with Adam: same weights as on CPU to 1e-4, loss falls, no leaks', async () => {
    const steps = 40;
    const batch = 16;
    const time = 6;
    const { x, y } = sequences(steps * batch, time, 5);
    const data = { x, xShape: [steps * batch, time, 2], y };
    const build = () =>
      nr.sequential({
        layers: [
          nr.layers.lstm({ units: 8, inputShape: [time, 2] }),
          nr.layers.dense({ units: 1, activation: 'sigmoid' }),
        ],
      });
    const onCpu = await train(cpu(), build, 'binaryCrossentropy', 0.01, data, batch);
    const onWasm = await train(await wasm(), build, 'binaryCrossentropy', 0.01, data, batch);

    expect(onWasm.leaked).toBe(0);
    expect(onWasm.heapLeaked).toBe(0);
    expect(onWasm.after).toBeLessThan(0.8 * onWasm.before);
    expect(maxDiff(onWasm.weights, onCpu.weights)).toBeLessThanOrEqual(1e-4);
  });
});
