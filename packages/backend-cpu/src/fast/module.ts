/**
 * Loading the kernel module: decode the embedded bytes, pick the relaxed-SIMD build where the engine
 * accepts it, and compile synchronously. The modules import a shared memory; where shared memory is not
 * available (a browser page that is not cross-origin isolated) the import is rewritten as unshared, which
 * is valid because the kernels use no atomic instructions.
 *
 * @packageDocumentation
 */
import { WASM_RELAXED_SIMD, WASM_SIMD } from './wasm-bytes.generated.js';

/**
 * Which build was loaded.
 *
 * @example
 * ```ts
 * const v: KernelVariant = 'relaxed-simd';
 * ```
 */
export type KernelVariant = 'relaxed-simd' | 'simd';

/**
 * A compiled kernel module and what it was compiled for.
 *
 * @example
 * ```ts
 * const m: LoadedModule = loadKernelModule(true)!;
 * new WebAssembly.Instance(m.module, { env: { memory } });
 * ```
 */
export interface LoadedModule {
  readonly module: WebAssembly.Module;
  readonly variant: KernelVariant;
  readonly sharedMemory: boolean;
}

/**
 * Decode base64 to bytes (no dependency on `Buffer`, so it works in browsers too).
 *
 * @example
 * ```ts
 * decodeBase64('AQI='); // Uint8Array [1, 2]
 * ```
 */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Read an unsigned LEB128 at `pos`: [value, next position]. */
function uleb(bytes: Uint8Array, pos: number): [number, number] {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = bytes[pos++]!;
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return [result, pos];
  }
}

/**
 * Rewrite the memory import of a module from shared to unshared (in place on a copy): finds the import
 * section, walks its entries and clears the `shared` bit of the memory's limits flags.
 *
 * @example
 * ```ts
 * const bytes = unshareMemoryImport(decodeBase64(WASM_SIMD));
 * ```
 */
export function unshareMemoryImport(input: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const bytes = input.slice();
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos++]!;
    const [size, body] = uleb(bytes, pos);
    if (id === 2) {
      let p = body;
      let count: number;
      [count, p] = uleb(bytes, p);
      for (let i = 0; i < count; i++) {
        for (let s = 0; s < 2; s++) {
          let len: number;
          [len, p] = uleb(bytes, p);
          p += len; // module and field names
        }
        const kind = bytes[p++]!;
        if (kind === 2) {
          if ((bytes[p]! & 2) === 0)
            throw new Error('cpu: the kernel module does not import a shared memory');
          bytes[p] = bytes[p]! & ~2;
          return bytes;
        }
        // Skip the other import kinds' descriptions.
        if (kind === 0) [, p] = uleb(bytes, p);
        else if (kind === 1) {
          p++;
          const flags = bytes[p++]!;
          [, p] = uleb(bytes, p);
          if (flags & 1) [, p] = uleb(bytes, p);
        } else if (kind === 3) p += 2;
        else throw new Error(`cpu: unexpected import kind ${kind} in the kernel module`);
      }
    }
    pos = body + size;
  }
  throw new Error('cpu: the kernel module has no memory import');
}

/**
 * Whether this engine runs WebAssembly SIMD at all (the plain build validates).
 *
 * @example
 * ```ts
 * if (!simdSupported()) console.log('cpu: using the reference kernels');
 * ```
 */
export function simdSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(decodeBase64(WASM_SIMD));
}

/**
 * Compile the kernel module: relaxed SIMD if the engine validates it (Chromium; Node with
 * `--experimental-wasm-relaxed-simd`), else plain SIMD; `null` if WebAssembly SIMD is unavailable.
 * `sharedMemory` false rewrites the memory import as unshared.
 *
 * @example
 * ```ts
 * const loaded = loadKernelModule(typeof SharedArrayBuffer === 'function');
 * ```
 */
export function loadKernelModule(sharedMemory: boolean, allowRelaxed = true): LoadedModule | null {
  if (typeof WebAssembly !== 'object') return null;
  const candidates: [KernelVariant, string][] = allowRelaxed
    ? [
        ['relaxed-simd', WASM_RELAXED_SIMD],
        ['simd', WASM_SIMD],
      ]
    : [['simd', WASM_SIMD]];
  for (const [variant, text] of candidates) {
    let bytes = decodeBase64(text);
    if (!sharedMemory) bytes = unshareMemoryImport(bytes);
    if (!WebAssembly.validate(bytes)) continue;
    return { module: new WebAssembly.Module(bytes), variant, sharedMemory };
  }
  return null;
}
