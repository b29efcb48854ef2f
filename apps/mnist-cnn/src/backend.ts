import { cpu } from '@neurona/backend-cpu';
import type { Backend } from '@neurona/core';

/**
 * The backends `--backend` accepts.
 *
 * @example
 * ```ts
 * const b: BackendName = 'wasm';
 * ```
 */
export type BackendName = 'cpu' | 'wasm' | 'webgpu';

/**
 * Every {@link BackendName}.
 *
 * @example
 * ```ts
 * BACKEND_NAMES.join('|'); // 'cpu|wasm|webgpu'
 * ```
 */
export const BACKEND_NAMES: readonly BackendName[] = ['cpu', 'wasm', 'webgpu'];

/** Import a module by a computed name, so an absent optional package is a runtime error we can explain. */
const importOptional = (specifier: string): Promise<Record<string, unknown>> => import(specifier);

/**
 * Create a backend by name. `cpu` is always there; `wasm` and `webgpu` come from `@neurona/backend-wasm` and
 * `@neurona/backend-webgpu`, loaded on demand (factories `wasm()` and `webgpu()`, which may be async). A
 * package that is missing, not built, or without its factory gives an error that says so and how to fix it.
 *
 * @example
 * ```ts
 * await nr.setBackend(await createBackend('cpu'));
 * ```
 */
export async function createBackend(name: BackendName, load = importOptional): Promise<Backend> {
  if (name === 'cpu') return cpu();
  const pkg = `@neurona/backend-${name}`;
  let mod: Record<string, unknown>;
  try {
    mod = await load(pkg);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const missing = err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND';
    throw new Error(
      missing
        ? `--backend ${name}: ${pkg} is not available or not built yet. ` +
            `Build it with \`npx tsc -b packages/backend-${name}\` (or \`npm run build\`), or use --backend cpu. ` +
            `(${err.message.split('\n')[0]})`
        : `--backend ${name}: loading ${pkg} failed: ${err.message}`,
    );
  }
  const factory = mod[name];
  if (typeof factory !== 'function') {
    throw new Error(
      `--backend ${name}: ${pkg} does not export a ${name}() factory yet (the backend is still being written); ` +
        'use --backend cpu',
    );
  }
  try {
    return (await (factory as () => Backend | Promise<Backend>)()) as Backend;
  } catch (e) {
    throw new Error(`--backend ${name}: ${name}() failed to start: ${(e as Error).message}`);
  }
}
