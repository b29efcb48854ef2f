// A convolution on a real MNIST digit: four 3x3 filters, the feature maps `conv2d` computes (after ReLU) and the
// maps after 2x2 max pooling, all computed by the library's ops.
import * as nr from '@neurona/core';
import { mnistTestImage } from './mnist.mjs';
import { Plot, plotSvg, writeFigure } from './svg.mjs';

/** Four classic 3x3 filters: edges of each orientation and a blur. */
export const FILTERS = [
  [
    'vertical edges',
    [
      [-1, 0, 1],
      [-2, 0, 2],
      [-1, 0, 1],
    ],
  ],
  [
    'horizontal edges',
    [
      [-1, -2, -1],
      [0, 0, 0],
      [1, 2, 1],
    ],
  ],
  [
    'diagonal edges',
    [
      [0, 1, 2],
      [-1, 0, 1],
      [-2, -1, 0],
    ],
  ],
  [
    'blur',
    [
      [1 / 9, 1 / 9, 1 / 9],
      [1 / 9, 1 / 9, 1 / 9],
      [1 / 9, 1 / 9, 1 / 9],
    ],
  ],
];

/** One grid of values as a heatmap SVG (an inner picture of the composite). */
function heatmap(values, rows, cols, { title, size, scheme, domain }) {
  const cells = [];
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) cells.push({ r, c, v: values[r * cols + c] });
  return plotSvg({
    width: size,
    height: size + 22,
    margin: 0,
    marginTop: 22,
    x: { axis: null, domain: Array.from({ length: cols }, (_, i) => i) },
    y: { axis: null, domain: Array.from({ length: rows }, (_, i) => i) },
    color: { type: 'linear', scheme, domain },
    marks: [
      Plot.cell(cells, { x: 'c', y: 'r', fill: 'v', inset: rows <= 3 ? 1 : 0 }),
      Plot.frame({ stroke: '#999' }),
      Plot.text([title], { frameAnchor: 'top', dy: -16, fontSize: 11 }),
      ...(rows <= 3
        ? [
            Plot.text(cells, {
              x: 'c',
              y: 'r',
              text: (d) => Number(d.v.toFixed(2)),
              fontSize: 10,
              fill: (d) => (Math.abs(d.v) > 1.5 ? 'white' : 'black'),
            }),
          ]
        : []),
    ],
  }).replace(/^<\?xml[^>]*>\n/, '');
}

/** Place inner SVGs on a grid of `cell`-sized slots: one outer SVG document. */
function composite(grid, cell, gap) {
  const rows = grid.length;
  const cols = Math.max(...grid.map((r) => r.length));
  const w = cols * cell + (cols + 1) * gap;
  const h = rows * (cell + 22) + (rows + 1) * gap;
  const parts = grid.flatMap((row, i) =>
    row.map((svg, j) =>
      svg
        ? svg.replace('<svg ', `<svg x="${gap + j * (cell + gap)}" y="${gap + i * (cell + 22 + gap)}" `)
        : '',
    ),
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" style="background:white">${parts.join('')}</svg>\n`;
}

/** `conv-feature-maps.svg`: the digit, the filters, their feature maps and the pooled maps. */
export async function convFigure() {
  const { pixels, rows, cols, label } = mnistTestImage(0);
  const kernel = new Float32Array(3 * 3 * FILTERS.length); // [kh, kw, inChannels 1, outChannels 4]
  FILTERS.forEach(([, f], o) => {
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) kernel[(i * 3 + j) * FILTERS.length + o] = f[i][j];
  });
  const [maps, pooled] = nr.tidy(() => {
    const x = nr.tensor4d(pixels, [1, rows, cols, 1]);
    const w = nr.tensor4d(kernel, [3, 3, 1, FILTERS.length]);
    const m = nr.relu(nr.conv2d(x, w, 1, 'same'));
    return [m, nr.maxPool(m, 2)];
  });
  const [mv, pv] = [await maps.data(), await pooled.data()];
  const channel = (data, size, o) =>
    Float32Array.from({ length: size * size }, (_, k) => data[k * FILTERS.length + o]);
  const cell = 150;
  const grid = [
    [
      heatmap(pixels, rows, cols, {
        title: `MNIST test digit 0 (a ${label})`,
        size: cell,
        scheme: 'greys',
        domain: [0, 1],
      }),
    ],
    [null],
    [null],
  ];
  FILTERS.forEach(([name, f], o) => {
    grid[0].push(
      heatmap(f.flat(), 3, 3, { title: `filter: ${name}`, size: cell, scheme: 'rdbu', domain: [-2, 2] }),
    );
    const m = channel(mv, rows, o);
    grid[1].push(
      heatmap(m, rows, cols, {
        title: 'feature map (ReLU)',
        size: cell,
        scheme: 'greys',
        domain: [0, Math.max(...m)],
      }),
    );
    const p = channel(pv, rows / 2, o);
    grid[2].push(
      heatmap(p, rows / 2, cols / 2, {
        title: 'after 2x2 max pool',
        size: cell,
        scheme: 'greys',
        domain: [0, Math.max(...p)],
      }),
    );
  });
  nr.dispose([maps, pooled]);
  return writeFigure('conv-feature-maps', composite(grid, cell, 12));
}
