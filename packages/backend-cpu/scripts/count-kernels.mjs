// Kernel time breakdown of one training step of the small MNIST CNN (batch 64, Adam), best time per kernel
// over 10 steps (robust to a busy machine). Not a test. Usage, after `npx tsc -b packages/backend-cpu`:
//   node packages/backend-cpu/scripts/count-kernels.mjs [threads | ref]
import { cpu } from '@neurona/backend-cpu';
import * as nr from '@neurona/core';

const threads = Number(process.argv[2] ?? 1);
const be = process.argv[2] === 'ref' ? cpu({ fast: false }) : cpu({ threads });
const counts = new Map();
for (const k of Object.keys(be.kernels)) {
  const f = be.kernels[k];
  be.kernels[k] = (...args) => {
    const t0 = performance.now();
    const r = f(...args);
    const dt = performance.now() - t0;
    let key = k;
    if (k === 'unary' || k === 'binary' || k === 'reduce')
      key +=
        ':' +
        args[0] +
        ' ' +
        args
          .slice(1, -1)
          .map((a) => `[${a.shape}]`)
          .join(' ');
    else
      key +=
        ' ' +
        args
          .filter((a) => a?.shape)
          .map((a) => `[${a.shape}]`)
          .join(' ') +
        (k === 'matmul' ? ` ${args[2]} ${args[3]}` : '');
    const c = counts.get(key) ?? [0, 0, []];
    c[0]++;
    c[1] += dt;
    c[2].push(dt);
    counts.set(key, c);
    return r;
  };
}
await nr.setBackend(be);
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
const n = 64 * 10;
const x = nr.randomUniform ? nr.randomUniform([n, 28, 28, 1]) : nr.ones([n, 28, 28, 1]);
const y = nr.tensor(
  new Float32Array(n).map((_, i) => i % 10),
  [n],
);
await model.fit(x, y, { epochs: 1, batchSize: 64, verbose: 0 });
counts.clear();
await model.fit(x, y, { epochs: 1, batchSize: 64, verbose: 0 });
// Per kernel: calls per step and the best time per call (robust to a busy machine), summed per step.
const rows = [...counts.entries()]
  .map(([k, c]) => [k, c[0] / 10, Math.min(...c[2]) * (c[0] / 10)])
  .sort((a, b) => b[2] - a[2]);
let tot = 0;
for (const r of rows) tot += r[2];
console.log(
  'best-case kernel ms per step',
  tot.toFixed(2),
  'calls/step',
  rows.reduce((s, r) => s + r[1], 0),
);
for (const [k, n, t] of rows.slice(0, 45)) console.log(String(n).padStart(5), t.toFixed(3).padStart(8), k);
