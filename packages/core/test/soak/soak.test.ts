/**
 * Soak: many training steps of a small CNN must not grow the live-tensor count or the process's memory.
 * CI runs 1,000 steps; `npm run soak` runs 10,000 (SOAK_STEPS) and prints the figures (see README.md here).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { cpu } from '@neurona/backend-cpu';
import * as nr from '@neurona/core';
import { expect, it } from 'vitest';

const STEPS = Number(process.env.SOAK_STEPS ?? 1000);
const BATCH = 8;
const EXAMPLES = 64;
/** Where the baseline is taken: after warm-up (pools, caches, JIT). */
const BASELINE_STEP = 200;
/**
 * Node's full garbage collection (exposed at run time), so RSS is read after a collection: without it RSS
 * follows the collector's lazy schedule (10,000 steps without it: +26%, with it: +4%), not what is live.
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function rss(): number {
  gc();
  return process.memoryUsage().rss;
}

it(`${STEPS} training steps of a small CNN keep numTensors flat and RSS within 10% of step ${BASELINE_STEP}`, async () => {
  await nr.setBackend(cpu());
  nr.seed(7);
  const before = nr.memory().numTensors;
  const model = nr.sequential({
    layers: [
      nr.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1] }),
      nr.layers.maxPooling2d({ poolSize: 2 }),
      nr.layers.flatten(),
      nr.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  model.compile({
    optimizer: nr.train.adam(0.01),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  const x = nr.randomUniform([EXAMPLES, 8, 8, 1]);
  const y = nr.tensor1d(
    Array.from({ length: EXAMPLES }, (_, i) => i % 3),
    'int32',
  );

  let step = 0;
  let tensorsAtBaseline = -1;
  let rssAtBaseline = 0;
  let heapAtBaseline = 0;
  let maxTensorsAfter = 0;
  let minTensorsAfter = Infinity;
  const rssSamples: number[] = [];
  const probe = {
    onBatchEnd: () => {
      step++;
      const n = nr.memory().numTensors;
      if (step === BASELINE_STEP) {
        tensorsAtBaseline = n;
        rssAtBaseline = rss();
        heapAtBaseline = process.memoryUsage().heapUsed;
      } else if (step > BASELINE_STEP) {
        maxTensorsAfter = Math.max(maxTensorsAfter, n);
        minTensorsAfter = Math.min(minTensorsAfter, n);
        if (step % 100 === 0) rssSamples.push(rss());
      }
    },
  };
  const epochs = Math.ceil(STEPS / (EXAMPLES / BATCH));
  const history = await model.fit(x, y, { epochs, batchSize: BATCH, verbose: 0, callbacks: [probe] });
  const rssEnd = rss();
  const heapEnd = process.memoryUsage().heapUsed;
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);
  console.log(
    `soak: ${step} steps; numTensors at step ${BASELINE_STEP}: ${tensorsAtBaseline}, after it: ${minTensorsAfter}..${maxTensorsAfter}; ` +
      `RSS at step ${BASELINE_STEP}: ${mb(rssAtBaseline)} MB, at the end: ${mb(rssEnd)} MB (${((rssEnd / rssAtBaseline - 1) * 100).toFixed(1)}%), ` +
      `max sampled: ${mb(Math.max(...rssSamples))} MB; JS heap ${mb(heapAtBaseline)} -> ${mb(heapEnd)} MB; ` +
      `read after a full GC; loss ${history.history.loss![0]!.toFixed(3)} -> ${history.history.loss!.at(-1)!.toFixed(3)}`,
  );
  expect(step).toBeGreaterThanOrEqual(STEPS);
  expect(minTensorsAfter).toBe(tensorsAtBaseline);
  expect(maxTensorsAfter).toBe(tensorsAtBaseline);
  expect(rssEnd).toBeLessThanOrEqual(rssAtBaseline * 1.1);
  nr.dispose([x, y]);
  model.dispose();
  expect(nr.memory().numTensors).toBe(before);
}, 600_000);
