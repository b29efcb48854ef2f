/**
 * The code blocks of the guides, as files: every ```ts block of `docs/guide/*.md` becomes one module under
 * `docs/test/.generated/`, so the docs test can type-check and run exactly what a reader copies.
 * A block fenced as ```ts typecheck is type-checked only (long runs, file output, the browser).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { guideBlocks } from '../scripts/guide-blocks.mjs';

/** One code block of a guide, written out as a module. */
export interface GuideExample {
  /** `guide-file.md #n` (1-based), for test names. */
  readonly label: string;
  /** Absolute path of the generated module. */
  readonly file: string;
  /** False for blocks fenced as ```ts typecheck. */
  readonly run: boolean;
  /** Line of the opening fence in the guide (1-based). */
  readonly line: number;
}

/** Extract every ```ts block of every guide in `guideDir` into `outDir` (emptied first). */
export function writeGuideExamples(guideDir: string, outDir: string): GuideExample[] {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  return guideBlocks(guideDir).map((b) => {
    const file = join(outDir, `${b.guide}-${b.n}.ts`);
    // `export {}` keeps every block a module even when it imports nothing.
    writeFileSync(file, `// ${b.guide}.md:${b.line}\n${b.code}\nexport {};\n`);
    return { label: `${b.guide}.md #${b.n} (line ${b.line})`, file, run: b.run, line: b.line };
  });
}
