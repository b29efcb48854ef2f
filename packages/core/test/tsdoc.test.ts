import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const entry = (rel: string) => fileURLToPath(new URL(rel, import.meta.url));

/** Exported symbols of an entry point that lack a doc comment with an `@example`. */
function undocumented(file: string): string[] {
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file)!;
  const missing: string[] = [];
  const visit = (moduleSymbol: ts.Symbol, prefix: string, seen: Set<ts.Symbol>) => {
    for (const exp of checker.getExportsOfModule(moduleSymbol)) {
      const sym = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
      if (seen.has(sym)) continue;
      seen.add(sym);
      const name = `${prefix}${exp.getName()}`;
      const decl = sym.declarations?.[0];
      if (decl && ts.isSourceFile(decl)) {
        visit(sym, `${name}.`, seen); // `export * as ns`
        continue;
      }
      const tags = sym.getJsDocTags(checker);
      const doc = ts.displayPartsToString(sym.getDocumentationComment(checker));
      if (!doc.trim() || !tags.some((t) => t.name === 'example')) missing.push(name);
    }
  };
  visit(checker.getSymbolAtLocation(source)!, '', new Set());
  return missing;
}

describe('every exported symbol has TSDoc with an example', () => {
  for (const [name, file] of [
    ['@neurona/core', entry('../src/index.ts')],
    ['@neurona/core/node', entry('../src/node/index.ts')],
    ['@neurona/backend-cpu', entry('../../backend-cpu/src/index.ts')],
    ['@neurona/backend-wasm', entry('../../backend-wasm/src/index.ts')],
    ['@neurona/backend-webgpu', entry('../../backend-webgpu/src/index.ts')],
  ] as const) {
    it(name, () => {
      expect(undocumented(file)).toEqual([]);
    }, 120_000);
  }
});
