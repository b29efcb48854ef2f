/**
 * Quick speed check of the WebGPU backend against @tensorflow/tfjs-backend-webgpu 4.22 on the same Dawn
 * adapter (in CI: SwiftShader, an emulated GPU, so the figures compare kernel quality, not real GPU
 * speed). Not a test: it prints a table.
 *
 *   npx tsc -b packages/backend-webgpu
 *   node --import ./packages/backend-webgpu/scripts/tfjs-esm-hooks.mjs \
 *     packages/backend-webgpu/scripts/bench-speed.mjs [--reps 3] [--batch 32]
 *
 * (the hooks let Node load tfjs-core's gradient registrations, see tfjs-esm-hooks.mjs).
 *
 * Workloads: matMul 512x512x512 (one product plus its readback), and one training step of the small
 * MNIST CNN (conv2d 8 5x5 relu, maxPool 2, conv2d 16 5x5 relu, maxPool 2, flatten, dense 10 softmax;
 * Adam; sparse categorical cross-entropy) on a batch of 28x28x1 images, including the loss readback.
 * Neurona runs the step through `model.fit`; tfjs (tfjs-layers is not a dependency here) through
 * `optimizer.minimize` on the same ops, its cheapest path. Compilation is excluded by a warm-up run of each workload.
 */
import { parseArgs } from 'node:util';
import * as nr from '@neurona/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import { create, globals } from 'webgpu';
import { webgpu } from '../dist/index.js';

const { values } = parseArgs({
  options: { reps: { type: 'string', default: '3' }, batch: { type: 'string', default: '32' } },
});
const REPS = Number(values.reps);
const BATCH = Number(values.batch);

process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
Object.assign(globalThis, globals); // tfjs-backend-webgpu reads GPUBufferUsage & co. from globals
const gpu = create([]);
globalThis.navigator = { gpu, userAgent: 'node' }; // tfjs-backend-webgpu takes its adapter from here
await import('@tensorflow/tfjs-backend-webgpu');

/** Median of `reps` timings of `fn` (ms) after one warm-up call. */
async function time(fn) {
  await fn();
  const t = [];
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

function images(n) {
  const rng = new nr.Rng(1);
  const x = new Float32Array(n * 784);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform();
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = rng.int(10);
  return { x, y };
}

async function neurona() {
  const adapter = await gpu.requestAdapter();
  const backend = await webgpu({ adapter });
  await nr.setBackend(backend);
  const a = nr.randomUniform([512, 512]);
  const b = nr.randomUniform([512, 512]);
  const matmul = await time(async () => {
    const c = nr.matMul(a, b);
    await c.data();
    c.dispose();
  });
  nr.dispose([a, b]);

  nr.seed(1);
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
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  const data = images(BATCH);
  const x = nr.tensor(data.x, [BATCH, 28, 28, 1]);
  const y = nr.tensor(data.y, [BATCH], 'int32');
  const submits = backend.runtime.submits;
  const step = await time(() => model.fit(x, y, { epochs: 1, batchSize: BATCH, verbose: 0 }));
  const perStep = (backend.runtime.submits - submits) / (REPS + 1);
  nr.dispose([x, y]);
  model.dispose();
  const compile = [...backend.runtime.compileMs.values()].reduce((s, v) => s + v, 0);
  backend.destroy();
  return { matmul, step, perStep, compile };
}

async function tfjs() {
  await tf.setBackend('webgpu');
  await tf.ready();
  const a = tf.randomUniform([512, 512]);
  const b = tf.randomUniform([512, 512]);
  const matmul = await time(async () => {
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
  });
  tf.dispose([a, b]);

  const v = (shape, scale) => tf.variable(tf.randomUniform(shape, -scale, scale));
  const w1 = v([5, 5, 1, 8], 0.2);
  const b1 = v([8], 0);
  const w2 = v([5, 5, 8, 16], 0.1);
  const b2 = v([16], 0);
  const w3 = v([256, 10], 0.1);
  const b3 = v([10], 0);
  const data = images(BATCH);
  const x = tf.tensor4d(data.x, [BATCH, 28, 28, 1]);
  const labels = tf.oneHot(tf.tensor1d(data.y, 'int32'), 10);
  const opt = tf.train.adam(0.001);
  const loss = () => {
    let h = tf.maxPool(tf.relu(tf.add(tf.conv2d(x, w1, 1, 'valid'), b1)), 2, 2, 'valid');
    h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, w2, 1, 'valid'), b2)), 2, 2, 'valid');
    const logits = tf.add(tf.matMul(tf.reshape(h, [BATCH, 256]), w3), b3);
    return tf.losses.softmaxCrossEntropy(labels, logits);
  };
  const step = await time(async () => {
    const l = opt.minimize(loss, true);
    await l.data();
    l.dispose();
  });
  return { matmul, step };
}

const ours = await neurona();
const theirs = await tfjs();
const gflops = (ms) => ((2 * 512 ** 3) / ms / 1e6).toFixed(3);
console.log(
  `adapter: Dawn (webgpu 0.6.2) on ${process.env.VK_ICD_FILENAMES}; median of ${REPS} after a warm-up`,
);
console.log('workload                      neurona-webgpu        tfjs-webgpu 4.22      ratio');
console.log(
  `matMul 512                    ${ours.matmul.toFixed(0).padStart(6)} ms ${gflops(ours.matmul).padStart(6)} GF/s ${theirs.matmul.toFixed(0).padStart(6)} ms ${gflops(theirs.matmul).padStart(6)} GF/s  ${(theirs.matmul / ours.matmul).toFixed(2)}x`,
);
console.log(
  `small-CNN train step (b=${String(BATCH).padEnd(3)})  ${ours.step.toFixed(0).padStart(6)} ms            ${theirs.step.toFixed(0).padStart(6)} ms             ${(theirs.step / ours.step).toFixed(2)}x`,
);
console.log(
  `neurona: ${ours.perStep.toFixed(1)} submits per training step; ${ours.compile.toFixed(0)} ms compiling pipelines`,
);
process.exit(0);
