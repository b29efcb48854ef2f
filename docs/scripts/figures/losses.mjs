// The loss of one prediction against a target of 1, for the three classic losses, computed with nr.losses.
import * as nr from '@neurona/core';
import { Plot, plotSvg, writeFigure } from './svg.mjs';

const LOSSES = [
  ['mean squared error', nr.losses.meanSquaredError()],
  ['mean absolute error', nr.losses.meanAbsoluteError()],
  ['binary cross-entropy', nr.losses.binaryCrossentropy()],
];
const COLOURS = ['#3b6fd8', '#2e9d4f', '#e8772e'];

/** `losses.svg`: each loss of a prediction p in (0, 1) when the target is 1. */
export async function lossFigure() {
  const rows = [];
  const p = nr.linspace(0.01, 0.99, 99);
  const ps = Array.from(await p.data());
  const pred = nr.reshape(p, [99, 1]);
  const target = nr.ones([99, 1]);
  for (const [name, loss] of LOSSES) {
    const l = loss(target, pred); // one value per example
    const v = await l.data();
    for (const [i, x] of ps.entries()) rows.push({ p: x, loss: v[i], name });
    l.dispose();
  }
  nr.dispose([p, pred, target]);
  const svg = plotSvg({
    width: 640,
    height: 320,
    marginLeft: 44,
    x: { label: 'prediction p (the target is 1)', grid: true },
    y: { label: 'loss', grid: true, domain: [0, 4.7] },
    color: { domain: LOSSES.map(([n]) => n), range: COLOURS },
    marks: [
      Plot.ruleY([0]),
      Plot.line(rows, { x: 'p', y: 'loss', stroke: 'name', strokeWidth: 2 }),
      ...LOSSES.map(([name], i) =>
        Plot.text([name], {
          frameAnchor: 'top-right',
          fill: COLOURS[i],
          dx: -8,
          dy: 8 + 16 * i,
          fontSize: 12,
        }),
      ),
    ],
  });
  return writeFigure('losses', svg);
}
