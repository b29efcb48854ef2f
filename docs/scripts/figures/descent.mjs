// Loss curves of batch, stochastic and mini-batch gradient descent: real short runs of `fit`, the loss over the
// whole training set measured after every update.
import * as nr from '@neurona/core';
import { Plot, plotSvg, writeFigure } from './svg.mjs';

const MODES = [
  ['batch', {}],
  ['stochastic', {}],
  ['minibatch', { batchSize: 8 }],
];

/** 64 noisy points of y = 2x - 1 (seeded), the same data for every mode. */
function line(rng) {
  const xs = [];
  const ys = [];
  for (let i = 0; i < 64; i++) {
    const x = rng.uniform() * 4 - 2;
    xs.push([x]);
    ys.push([2 * x - 1 + rng.normal() * 0.5]);
  }
  return [nr.tensor2d(xs), nr.tensor2d(ys)];
}

/** `descent-modes.svg`: one panel per mode, full-data MSE after every update against epochs. */
export async function descentFigure() {
  const [x, y] = line(new nr.Rng(5));
  const rows = [];
  for (const [mode, extra] of MODES) {
    nr.seed(3); // the same initial weights for the three modes
    const model = nr.sequential({ layers: [nr.layers.dense({ units: 1, inputShape: [1] })] });
    model.compile({ optimizer: nr.optimizers.sgd({ learningRate: 0.05 }), loss: 'mse' });
    const perEpoch = mode === 'batch' ? 1 : mode === 'stochastic' ? 64 : 8;
    let updates = 0;
    const record = async () => {
      const { loss } = await model.evaluate(x, y);
      rows.push({ mode, epoch: updates / perEpoch, loss });
    };
    await record();
    await model.fit(x, y, {
      mode,
      epochs: 12,
      verbose: 0,
      shuffle: true,
      ...extra,
      callbacks: [
        {
          async onBatchEnd() {
            updates++;
            await record();
          },
        },
      ],
    });
    model.dispose();
  }
  nr.dispose([x, y]);
  const svg = plotSvg({
    width: 720,
    height: 300,
    marginLeft: 50,
    marginTop: 30,
    fx: { label: null, domain: MODES.map(([m]) => m) },
    x: { label: 'epochs', grid: true },
    y: { label: 'training loss (MSE, whole set)', type: 'log', grid: true, tickFormat: (d) => String(d) },
    color: { domain: MODES.map(([m]) => m), range: ['#3b6fd8', '#e8772e', '#2e9d4f'] },
    marks: [
      Plot.frame({ stroke: '#ccc' }),
      Plot.line(rows, { x: 'epoch', y: 'loss', stroke: 'mode', fx: 'mode', strokeWidth: 1.5 }),
      Plot.dot(rows, {
        x: 'epoch',
        y: 'loss',
        fill: 'mode',
        fx: 'mode',
        r: 1.5,
        filter: (d) => d.mode !== 'stochastic',
      }),
    ],
  });
  return writeFigure('descent-modes', svg);
}
