// Quick measurement (not a test): train and run the small MNIST CNN (conv 8@5x5 - pool - conv 16@5x5 - pool -
// dense 10, as in the TensorFlow.js tutorial) on synthetic data, batch 64, Adam; best and median of 7 epochs.
// Usage, after `npx tsc -b packages/backend-cpu`:
//   node packages/backend-cpu/scripts/train-cnn.mjs [steps per epoch] [fast|reference] [threads]
// Add `--experimental-wasm-relaxed-simd` before the script to run the relaxed-SIMD build on Node 20.

import { cpu } from '@neurona/backend-cpu';
import * as nr from '@neurona/core';

const steps = Number(process.argv[2] ?? 30);
const mode = process.argv[3] ?? 'fast';
const threads = process.argv[4] === undefined ? undefined : Number(process.argv[4]);
const batch = 64;
const opts = mode === 'reference' ? { fast: false } : threads === undefined ? {} : { threads };
await nr.setBackend(cpu(opts));
nr.seed(1);
const model = nr.sequential({
  layers: [
    nr.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 5, activation: 'relu' }),
    nr.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
    nr.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
    nr.layers.maxPooling2d({ poolSize: 2, strides: 2 }),
    nr.layers.flatten(),
    nr.layers.dense({ units: 10, activation: 'softmax' }),
  ],
});
model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
const n = batch * steps;
const xs = new Float32Array(n * 784);
for (let i = 0; i < xs.length; i++) xs[i] = Math.random();
const ys = new Float32Array(n);
for (let i = 0; i < n; i++) ys[i] = i % 10;
const x = nr.tensor(xs, [n, 28, 28, 1]);
const y = nr.tensor(ys, [n]);
await model.fit(x, y, { epochs: 1, batchSize: batch, verbose: 0 }); // warm-up
const times = [];
for (let r = 0; r < 7; r++) {
  const t0 = performance.now();
  await model.fit(x, y, { epochs: 1, batchSize: batch, verbose: 0 });
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
console.log(
  `train (${mode}, ${JSON.stringify(nr.getBackend?.()?.features ?? {})}): best ${((n / times[0]) * 1000).toFixed(0)}, median ${((n / times[3]) * 1000).toFixed(0)} samples/s (7 epochs of ${n})`,
);
const ti = [];
for (let r = 0; r < 7; r++) {
  const t0 = performance.now();
  const p = model.predict(x, { batchSize: batch });
  await p.data();
  p.dispose();
  ti.push(performance.now() - t0);
}
ti.sort((a, b) => a - b);
console.log(
  `infer (${mode}): best ${((n / ti[0]) * 1000).toFixed(0)}, median ${((n / ti[3]) * 1000).toFixed(0)} samples/s`,
);
nr.dispose([x, y]);
model.dispose?.();
