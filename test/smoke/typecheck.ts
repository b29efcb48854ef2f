/**
 * The consumer's TypeScript configurations: `tsc --init`'s defaults (strict, `noUncheckedIndexedAccess`,
 * `exactOptionalPropertyTypes`, ...) with `skipLibCheck: false`, under `nodenext` and `bundler` resolution,
 * without `@types/node` (browser code) and with it (the Node program too). The bundler ones use a lib
 * without `esnext.disposable`.
 *
 * @example
 * ```ts
 * writeConfigs(app.dir, { webgpu: true });
 * ```
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** `tsc --init` (TypeScript 5.9 and 7) compiler options, type-check only, declarations of dependencies checked. */
const INIT = {
  module: 'nodenext',
  target: 'esnext',
  types: [] as string[],
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  strict: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  noUncheckedSideEffectImports: true,
  moduleDetection: 'force',
  skipLibCheck: false,
  noEmit: true,
};
const BUNDLER = { module: 'esnext', moduleResolution: 'bundler', target: 'es2022', lib: ['es2022', 'dom'] };

/** The configurations by name. */
export const CONFIGS = ['nodenext', 'nodenext-node', 'bundler', 'bundler-node'] as const;

/**
 * Write `tsconfig.<name><suffix>.json` for each of {@link CONFIGS}; returns the file names. `webgpu: false`
 * leaves out the files that import the WebGPU backend.
 */
export function writeConfigs(dir: string, suffix: string, { webgpu }: { webgpu: boolean }): string[] {
  const browser = ['src/xor.ts', 'src/browser.ts', 'src/browser-cpu.ts', 'src/browser-wasm.ts'];
  if (webgpu) browser.push('src/browser-webgpu.ts');
  const node = webgpu ? ['src/node.ts'] : [];
  const configs: Record<string, { compilerOptions: object; files: string[] }> = {
    nodenext: { compilerOptions: INIT, files: browser },
    'nodenext-node': { compilerOptions: { ...INIT, types: ['node'] }, files: [...browser, ...node] },
    bundler: { compilerOptions: { ...INIT, ...BUNDLER }, files: browser },
    'bundler-node': {
      compilerOptions: { ...INIT, ...BUNDLER, types: ['node'] },
      files: [...browser, ...node],
    },
  };
  const names: string[] = [];
  for (const [name, config] of Object.entries(configs)) {
    const file = `tsconfig.${name}${suffix}.json`;
    writeFileSync(join(dir, file), JSON.stringify(config, null, 2));
    names.push(file);
  }
  return names;
}

/** Write `tsconfig.emit.json`: the `nodenext-node` options, emitting JavaScript into `dist/`. */
export function writeEmitConfig(dir: string): void {
  const config = {
    compilerOptions: { ...INIT, types: ['node'], noEmit: false, outDir: 'dist', rootDir: 'src' },
    include: ['src'],
  };
  writeFileSync(join(dir, 'tsconfig.emit.json'), JSON.stringify(config, null, 2));
}
