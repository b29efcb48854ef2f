// matMul GFLOP/s of this backend (public API) against tfjs-wasm in the same process, interleaved, best and
// median over a time budget per size. Not a test. Usage (after `npx tsc -b packages/backend-cpu`):
//   node packages/backend-cpu/scripts/bench-matmul.mjs [sizes-json] [seconds]

import { cpu } from '@neurona/backend-cpu';
import * as nr from '@neurona/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';

const sizes = JSON.parse(process.argv[2] ?? '[256,512,1024]');
const seconds = Number(process.argv[3] ?? 6);
await tf.setBackend('wasm');
const configs = [
  ['neurona cpu 1 thread', cpu({ threads: 1 })],
  ['neurona cpu 2 threads', cpu({ threads: 2 })],
];
const stats = (ts) => {
  const s = [...ts].sort((a, b) => a - b);
  return { best: s[0], median: s[s.length >> 1] };
};
for (const n of sizes) {
  const flop = 2 * n ** 3;
  const data = Float32Array.from({ length: n * n }, () => Math.random());
  const runners = configs.map(([label, be]) => {
    nr.engine().setBackendSync?.(be);
    const op = {
      handle: be.upload(data, { shape: [1, n, n], dtype: 'float32' }),
      shape: [1, n, n],
      dtype: 'float32',
    };
    return [
      label,
      () => be.dispose(be.kernels.matmul(op, op, false, false, { shape: [1, n, n], dtype: 'float32' })),
    ];
  });
  const ta = tf.tensor2d(data, [n, n]);
  runners.push([
    'tfjs-wasm',
    () => {
      const c = tf.matMul(ta, ta);
      c.dataSync();
      c.dispose();
    },
  ]);
  const times = runners.map(() => []);
  for (const [, fn] of runners) fn(); // warm-up
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    runners.forEach(([, fn], i) => {
      const t0 = performance.now();
      fn();
      times[i].push(performance.now() - t0);
    });
  }
  for (const [i, [label]] of runners.entries()) {
    const { best, median } = stats(times[i]);
    console.log(
      `matmul ${n} ${label.padEnd(22)} best ${(flop / best / 1e6).toFixed(1).padStart(5)} GFLOP/s  median ${(flop / median / 1e6).toFixed(1).padStart(5)} GFLOP/s  (${times[i].length} runs)`,
    );
  }
  ta.dispose();
}
for (const [, be] of configs) be.shutdown();
