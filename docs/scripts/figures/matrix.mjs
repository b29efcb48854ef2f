// The backend matrix as a coloured table: kernel x backend, coloured by native/composite and pass/fail.
import { cellCategory, readMatrices } from '../conformance.mjs';
import { Plot, plotSvg, writeFigure } from './svg.mjs';

const COLOURS = {
  'native · pass': '#2e9d4f',
  'composite · pass': '#9fd8a9',
  'native · untested': '#c9c9c9',
  'composite · untested': '#e6e6e6',
  'native · fail': '#d6453d',
  'composite · fail': '#f2a19b',
  absent: '#ffffff',
};

/** `backend-matrix.svg`, or nothing when the conformance suite has not written a matrix yet. */
export async function matrixFigure() {
  const { matrices, kernels } = readMatrices();
  if (matrices.length === 0) return [];
  const cells = kernels.flatMap((kernel) =>
    matrices.map((m) => {
      const category = cellCategory(m.kernels[kernel]);
      return { kernel, backend: m.backend, category, label: category.replace(' · ', ' ') };
    }),
  );
  const svg = plotSvg({
    width: 220 + 150 * matrices.length,
    height: 60 + 20 * kernels.length,
    marginLeft: 210,
    marginTop: 40,
    padding: 0.06,
    x: { axis: 'top', label: null, domain: matrices.map((m) => m.backend), tickSize: 0 },
    y: { label: null, domain: kernels, tickSize: 0 },
    color: { domain: Object.keys(COLOURS), range: Object.values(COLOURS) },
    marks: [
      Plot.cell(cells, { x: 'backend', y: 'kernel', fill: 'category', stroke: '#bbb', inset: 0.5 }),
      Plot.text(cells, { x: 'backend', y: 'kernel', text: 'label', fontSize: 10 }),
    ],
  });
  return writeFigure('backend-matrix', svg);
}
