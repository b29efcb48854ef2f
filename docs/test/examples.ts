/**
 * The code blocks of the guides, as files: every ```ts block of `docs/guide/*.md` becomes one module under
 * `docs/test/.generated/`, so the docs test can type-check and run exactly what a reader copies.
 * A block fenced as ```ts typecheck is type-checked only (long runs, file output, the browser).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

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

const FENCE = /^```ts( typecheck)?\n([\s\S]*?)^```$/gm;

/** Extract every ```ts block of every guide in `guideDir` into `outDir` (emptied first). */
export function writeGuideExamples(guideDir: string, outDir: string): GuideExample[] {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const out: GuideExample[] = [];
  for (const name of readdirSync(guideDir)
    .filter((f) => f.endsWith('.md'))
    .sort()) {
    const text = readFileSync(join(guideDir, name), 'utf8');
    let n = 0;
    for (const m of text.matchAll(FENCE)) {
      n++;
      const line = text.slice(0, m.index).split('\n').length;
      const file = join(outDir, `${basename(name, '.md')}-${n}.ts`);
      // `export {}` keeps every block a module even when it imports nothing.
      writeFileSync(file, `// ${name}:${line}\n${m[2]}\nexport {};\n`);
      out.push({ label: `${name} #${n} (line ${line})`, file, run: m[1] === undefined, line });
    }
  }
  return out;
}
