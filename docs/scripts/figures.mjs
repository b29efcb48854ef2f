// Builds the site's pictures and generated fragments from the library itself (run by `npm run docs` before
// VitePress): activation curves, descent-mode loss curves, conv feature maps on an MNIST digit, the backend
// matrix, the bench charts, the worked backpropagation example and real `nr.trace` outputs. Deterministic: every run is seeded.

import { cpu } from '@neurona/backend-cpu';
import * as nr from '@neurona/core';
import { activationFigure } from './figures/activations.mjs';
import { backpropFragment } from './figures/backprop.mjs';
import { benchFigures } from './figures/bench.mjs';
import { convFigure } from './figures/conv.mjs';
import { descentFigure } from './figures/descent.mjs';
import { lossFigure } from './figures/losses.mjs';
import { matrixFigure } from './figures/matrix.mjs';
import { traceFragments } from './figures/trace.mjs';

const started = Date.now();
const backend = cpu({ threads: 1 }); // one thread: nothing to shut down, same numbers on every machine
await nr.setBackend(backend);
const written = [];
const steps = [
  backpropFragment,
  traceFragments,
  benchFigures,
  activationFigure,
  lossFigure,
  descentFigure,
  convFigure,
  matrixFigure,
];
for (const step of steps) {
  nr.seed(1);
  const before = nr.memory().numTensors;
  const out = await step();
  written.push(...[out].flat());
  if (nr.memory().numTensors !== before) throw new Error(`figures: ${step.name} leaked tensors`);
}
console.log(
  `figures: ${written.length} written in ${((Date.now() - started) / 1000).toFixed(1)} s: ${written.join(', ')}`,
);
