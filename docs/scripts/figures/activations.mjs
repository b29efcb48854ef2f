// Activation curves and their derivatives, computed with the library's own ops and its autodiff.
import * as nr from '@neurona/core';
import { Plot, plotSvg, writeFigure } from './svg.mjs';

const FUNCTIONS = [
  ['step', (x) => nr.step(x)],
  ['sigmoid', (x) => nr.sigmoid(x)],
  ['tanh', (x) => nr.tanh(x)],
  ['relu', (x) => nr.relu(x)],
  ['leakyRelu (alpha 0.1)', (x) => nr.leakyRelu(x, 0.1)],
  ['gelu', (x) => nr.gelu(x)],
];

/** `activations.svg`: one panel per function, the function (blue) and its derivative (orange, dashed). */
export async function activationFigure() {
  const xs = nr.linspace(-4, 4, 161);
  const xv = Array.from(await xs.data());
  const rows = [];
  const titles = [];
  for (const [i, [name, f]] of FUNCTIONS.entries()) {
    const col = i % 3;
    const row = Math.floor(i / 3);
    const y = f(xs);
    // d/dx f(x) element-wise: the gradient of sum(f(x)) (step's gradient is 0 everywhere, as in every library).
    const dy = nr.grad((x) => nr.sum(f(x)))(xs);
    const [yv, dv] = [await y.data(), await dy.data()];
    xv.forEach((x, k) => {
      rows.push({ x, y: yv[k], kind: 'f(x)', col, row });
      rows.push({ x, y: dv[k], kind: "f'(x)", col, row });
    });
    titles.push({ name, col, row });
    nr.dispose([y, dy]);
  }
  xs.dispose();
  const svg = plotSvg({
    width: 720,
    height: 440,
    marginLeft: 36,
    marginTop: 24,
    fx: { axis: null },
    fy: { axis: null },
    x: { label: null, grid: true, ticks: 5 },
    y: { label: null, grid: true, domain: [-1.2, 3], ticks: 5 },
    color: { domain: ['f(x)', "f'(x)"], range: ['#3b6fd8', '#e8772e'] },
    marks: [
      Plot.frame({ stroke: '#ccc' }),
      Plot.ruleY([0], { stroke: '#999' }),
      Plot.ruleX([0], { stroke: '#999' }),
      ...['f(x)', "f'(x)"].map((kind) =>
        Plot.line(
          rows.filter((d) => d.kind === kind),
          {
            x: 'x',
            y: 'y',
            stroke: 'kind',
            strokeWidth: 2,
            strokeDasharray: kind === 'f(x)' ? null : '5,3',
            fx: 'col',
            fy: 'row',
            clip: true,
          },
        ),
      ),
      Plot.text(titles, {
        frameAnchor: 'top-left',
        dx: 6,
        dy: 6,
        text: 'name',
        fontSize: 13,
        fontWeight: 'bold',
        fx: 'col',
        fy: 'row',
      }),
    ],
  });
  return writeFigure('activations', svg);
}
