// The ```ts code blocks of the guides, in page order: the docs examples test runs them, and
// run-examples.mjs bundles the ones a browser can run for the guides' "Run" buttons.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const FENCE = /^```ts( typecheck)?\n([\s\S]*?)^```$/gm;

/**
 * Every ```ts block of every guide in `guideDir` (file names sorted): `{ guide, n, line, code, run }` with
 * `guide` the file name without `.md`, `n` the block's 1-based index among the guide's ts blocks, `line` its
 * opening fence's line, and `run` false for blocks fenced as ```ts typecheck (type-checked only).
 */
export function guideBlocks(guideDir) {
  const out = [];
  for (const name of readdirSync(guideDir)
    .filter((f) => f.endsWith('.md'))
    .sort()) {
    const text = readFileSync(join(guideDir, name), 'utf8');
    let n = 0;
    for (const m of text.matchAll(FENCE)) {
      n++;
      const line = text.slice(0, m.index).split('\n').length;
      out.push({ guide: basename(name, '.md'), n, line, code: m[2], run: m[1] === undefined });
    }
  }
  return out;
}
