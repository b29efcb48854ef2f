// The conformance suite's JSON matrices (docs/public/conformance/<backend>.json), read once for the matrix page
// and its picture.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const docsDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(docsDir, 'public', 'conformance');

/**
 * Every matrix the suite has written, sorted by file name, and the union of their kernel names. A file that does
 * not parse (the suite may be writing it while the docs build, both run under `npm test`) is left out with a
 * warning.
 */
export function readMatrices() {
  const files = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];
  const matrices = [];
  for (const f of files) {
    try {
      matrices.push(JSON.parse(readFileSync(join(dir, f), 'utf8')));
    } catch (e) {
      console.warn(`conformance matrix ${f} left out: ${e.message}`);
    }
  }
  const kernels = [...new Set(matrices.flatMap((m) => Object.keys(m.kernels)))].sort();
  return { matrices, kernels };
}

/** The category a cell is coloured by: `native · pass`, `composite · fail`, ..., or `absent`. */
export function cellCategory(k) {
  return k ? `${k.native ? 'native' : 'composite'} · ${k.status}` : 'absent';
}
