import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { type GuideExample, writeGuideExamples } from './examples.js';

const here = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));
const examples = writeGuideExamples(here('../guide'), here('./.generated'));

/** Type errors of the given files under the repository's test settings (sources via `@neurona/source`). */
function typeErrors(files: readonly string[]): Map<string, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(
    here('../../tsconfig.tests.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error('cannot read tsconfig.tests.json');
  const program = ts.createProgram(files, { ...config.options, noEmit: true });
  const byFile = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const f = d.file?.fileName;
    if (!f || !byFile.has(f)) continue;
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
    byFile.get(f)!.push(`line ${line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  }
  return byFile;
}

describe('guide examples', () => {
  let errors: Map<string, string[]>;
  // One program for every block: type-checking pulls in the sources of every package (tens of seconds
  // on a loaded 2-core machine).
  beforeAll(() => {
    errors = typeErrors(examples.map((e) => e.file));
  }, 300_000);

  it('every guide has examples', () => {
    expect(examples.length).toBeGreaterThan(10);
  });

  describe.each(examples.map((e): [string, GuideExample] => [e.label, e]))('%s', (_label, e) => {
    it('type-checks', () => {
      expect(errors.get(e.file)).toEqual([]);
    });
    if (e.run) {
      it('runs', async () => {
        const log = vi.spyOn(console, 'log').mockImplementation(() => {}); // the examples print
        try {
          await import(/* @vite-ignore */ e.file);
        } finally {
          log.mockRestore();
        }
      });
    }
  });
});
