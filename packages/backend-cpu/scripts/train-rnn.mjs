// Quick measurement (not a test): LSTM or GRU (64 units) or SimpleRNN (32) on synthetic 50x8 sequences, batch 32,
// Adam; best and median of 5 epochs. Usage, after `npx tsc -b packages/backend-cpu`:
//   node packages/backend-cpu/scripts/train-rnn.mjs [lstm|gru|simpleRNN] [fast|reference] [threads]

import { cpu } from '@neurona/backend-cpu';
import * as nr from '@neurona/core';

const kind = process.argv[2] ?? 'lstm';
const mode = process.argv[3] ?? 'fast';
const threads = Number(process.argv[4] ?? 1);
await nr.setBackend(mode === 'reference' ? cpu({ fast: false }) : cpu({ threads }));
nr.seed(1);
const units = kind === 'simpleRNN' ? 32 : 64;
const model = nr.sequential({
  layers: [
    nr.layers[kind]({ inputShape: [50, 8], units }),
    nr.layers.dense({ units: 10, activation: 'softmax' }),
  ],
});
model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
const n = 32 * 8;
const x = nr.randomUniform([n, 50, 8]);
const y = nr.tensor(
  Float32Array.from({ length: n }, (_, i) => i % 10),
  [n],
);
await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
const times = [];
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
console.log(
  `${kind} train (${mode}): best ${((n / times[0]) * 1000).toFixed(0)}, median ${((n / times[2]) * 1000).toFixed(0)} samples/s`,
);
nr.dispose([x, y]);
