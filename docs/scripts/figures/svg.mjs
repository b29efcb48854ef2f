// Observable Plot rendered without a browser: linkedom supplies the document, the result is a standalone SVG file.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

const docs = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where the pictures go: the site's public folder, served as `/figures/<name>.svg`. */
export const figuresDir = join(docs, 'public', 'figures');
/** Where generated Markdown fragments go (included by the guides with `<!--@include: ...-->`). */
export const generatedDir = join(docs, 'generated');

export { Plot };

/** One SVG document from Plot options (a white background, so it reads the same in light and dark mode). */
export function plotSvg(options) {
  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const node = Plot.plot({ document, style: { background: 'white', color: '#1b1b1f' }, ...options });
  const svg = node.tagName.toLowerCase() === 'svg' ? node : node.querySelector('svg');
  if (!svg) throw new Error('plotSvg: Plot returned no <svg> element');
  // A figure with a legend is a <figure> wrapper: keep only the plot, the legend is drawn by the caller's marks.
  svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svg.outerHTML}\n`;
}

/** Write `docs/public/figures/<name>.svg` and return its site path. */
export function writeFigure(name, svg) {
  mkdirSync(figuresDir, { recursive: true });
  writeFileSync(join(figuresDir, `${name}.svg`), svg);
  return `/figures/${name}.svg`;
}

/** Write `docs/generated/<name>.md` (a fragment the guides include). */
export function writeFragment(name, markdown) {
  mkdirSync(generatedDir, { recursive: true });
  writeFileSync(join(generatedDir, `${name}.md`), markdown.endsWith('\n') ? markdown : `${markdown}\n`);
}

/** A number for a table: `digits` significant figures, no exponent for ordinary magnitudes. */
export function fmt(v, digits = 4) {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6
    ? String(Number(v.toPrecision(digits)))
    : v.toExponential(digits - 1);
}
