import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeBase64, loadKernelModule, simdSupported, unshareMemoryImport } from './module.js';
import { WASM_RELAXED_SIMD, WASM_SIMD, WASM_SOURCE_HASH } from './wasm-bytes.generated.js';

describe('kernel module', () => {
  it('was built from the current AssemblyScript sources (run `npm run build:wasm -w @neurona/backend-cpu`)', () => {
    const dir = join(import.meta.dirname, '..', '..', 'assembly');
    const h = createHash('sha256');
    for (const f of readdirSync(dir).sort()) {
      if (!f.endsWith('.ts')) continue;
      h.update(f);
      h.update(readFileSync(join(dir, f)));
    }
    expect(h.digest('hex').slice(0, 16)).toBe(WASM_SOURCE_HASH);
  });

  it('has a plain SIMD build every SIMD engine accepts, and a distinct relaxed build', () => {
    expect(simdSupported()).toBe(true);
    expect(WASM_RELAXED_SIMD).not.toBe(WASM_SIMD);
    const loaded = loadKernelModule(true, false);
    expect(loaded?.variant).toBe('simd');
    const names = WebAssembly.Module.exports(loaded!.module).map((e) => e.name);
    expect(names).toContain('gemmTask');
    expect(WebAssembly.Module.imports(loaded!.module)).toEqual([
      { module: 'env', name: 'memory', kind: 'memory' },
    ]);
  });

  it('decodes base64', () => {
    expect(Array.from(decodeBase64('AQL/'))).toEqual([1, 2, 255]);
  });

  it('rewrites the memory import as unshared for pages without cross-origin isolation', () => {
    const bytes = decodeBase64(WASM_SIMD);
    const plain = new WebAssembly.Memory({ initial: 1, maximum: 16 });
    // The module as built needs a shared memory...
    expect(
      () => new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: plain } }),
    ).toThrow();
    // ...the rewritten one takes an unshared one, and the input is left untouched.
    const unshared = unshareMemoryImport(bytes);
    expect(unshared).not.toBe(bytes);
    expect(
      () => new WebAssembly.Instance(new WebAssembly.Module(unshared), { env: { memory: plain } }),
    ).not.toThrow();
    expect(() => unshareMemoryImport(unshared)).toThrow(
      'cpu: the kernel module does not import a shared memory',
    );
  });
});
