// Measurement (not a test): inference of the small MNIST CNN through Neurona on @neurona/backend-wasm
// versus tfjs-layers on tfjs-backend-wasm directly, in one process on the same WebAssembly module.
// Two timings: `predict` over a dataset in batches (includes cutting the batches out of the dataset),
// and `predict` of one batch-sized tensor repeated (the model's own kernels and framework overhead).
// Build first: npx tsc -b packages/backend-wasm
// Usage: node packages/backend-wasm/scripts/bench-inference.mjs [batchSize=32] [examples=2048] [reps=9]

import { wasm } from '@neurona/backend-wasm';
import * as nr from '@neurona/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

const batchSize = Number(process.argv[2] ?? 32);
const n = Number(process.argv[3] ?? 2048);
const reps = Number(process.argv[4] ?? 9);

await nr.setBackend(await wasm());
await tf.setBackend('wasm'); // the same module: wasm() registered it with tfjs

nr.seed(1);
const ours = nr.sequential({
  layers: [
    nr.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 5, activation: 'relu' }),
    nr.layers.maxPooling2d({ poolSize: 2 }),
    nr.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
    nr.layers.maxPooling2d({ poolSize: 2 }),
    nr.layers.flatten(),
    nr.layers.dense({ units: 10, activation: 'softmax' }),
  ],
});
ours.build([null, 28, 28, 1]);
const theirs = tfl.sequential({
  layers: [
    tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 5, activation: 'relu' }),
    tfl.layers.maxPooling2d({ poolSize: 2 }),
    tfl.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
    tfl.layers.maxPooling2d({ poolSize: 2 }),
    tfl.layers.flatten(),
    tfl.layers.dense({ units: 10, activation: 'softmax' }),
  ],
});
// Same weights in both, so that both compute the same thing (checked below).
const weights = await Promise.all(ours.weights.map(async (w) => tf.tensor(await w.data(), w.shape)));
theirs.setWeights(weights);
tf.dispose(weights);

const data = new Float32Array(n * 784);
for (let i = 0; i < data.length; i++) data[i] = Math.random();
const xOurs = nr.tensor(data, [n, 28, 28, 1]);
const xTheirs = tf.tensor(data, [n, 28, 28, 1]);
const bOurs = nr.tensor(data.subarray(0, batchSize * 784), [batchSize, 28, 28, 1]);
const bTheirs = tf.tensor(data.subarray(0, batchSize * 784), [batchSize, 28, 28, 1]);
const batches = Math.max(1, Math.floor(n / batchSize));

async function runOurs() {
  const p = ours.predict(xOurs, { batchSize });
  const v = await p.data();
  p.dispose();
  return v;
}
async function runTheirs() {
  const p = theirs.predict(xTheirs, { batchSize });
  const v = await p.data();
  p.dispose();
  return v;
}

async function batchOurs() {
  for (let i = 0; i < batches; i++) {
    const p = ours.predict(bOurs, { batchSize });
    await p.data();
    p.dispose();
  }
}
async function batchTheirs() {
  for (let i = 0; i < batches; i++) {
    const p = theirs.predict(bTheirs, { batchSize });
    await p.data();
    p.dispose();
  }
}

const a = await runOurs();
const b = await runTheirs();
let worst = 0;
for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
const median = (xs) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];
async function compare(what, f, g) {
  for (let w = 0; w < 2; w++) {
    await f();
    await g();
  }
  const t = { ours: [], theirs: [] };
  for (let r = 0; r < reps; r++) {
    // Alternate, so that both see the same machine state.
    const order =
      r % 2 === 0
        ? [
            ['ours', f],
            ['theirs', g],
          ]
        : [
            ['theirs', g],
            ['ours', f],
          ];
    for (const [name, run] of order) {
      const t0 = performance.now();
      await run();
      t[name].push(performance.now() - t0);
    }
  }
  const mo = median(t.ours);
  const mt = median(t.theirs);
  const rate = (ms) => ((batches * batchSize) / ms) * 1000;
  console.log(`  ${what}`);
  console.log(`    neurona-wasm        ${mo.toFixed(1).padStart(8)} ms  (${rate(mo).toFixed(0)} examples/s)`);
  console.log(`    tfjs-layers + wasm  ${mt.toFixed(1).padStart(8)} ms  (${rate(mt).toFixed(0)} examples/s)`);
  console.log(`    overhead            ${(((mo - mt) / mt) * 100).toFixed(1).padStart(8)} %`);
}
console.log(
  `small CNN inference, batch ${batchSize}, ${batches * batchSize} examples, median of ${reps}; max |diff| of outputs ${worst.toExponential(2)}`,
);
await compare(`predict(x of ${n} examples, { batchSize: ${batchSize} })`, runOurs, runTheirs);
await compare(`${batches} x predict(x of one batch)`, batchOurs, batchTheirs);
nr.dispose([xOurs, bOurs]);
tf.dispose([xTheirs, bTheirs]);
