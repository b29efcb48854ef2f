import { cpu } from '@neurona/backend-cpu';
import * as nr from '@neurona/core';

/**
 * The backends the CLI can run on.
 *
 * @example
 * ```ts
 * const name: BackendName = 'wasm';
 * ```
 */
export type BackendName = 'cpu' | 'wasm' | 'webgpu';

/**
 * Every {@link BackendName}, for option parsing.
 *
 * @example
 * ```ts
 * BACKENDS.includes('wasm'); // true
 * ```
 */
export const BACKENDS: readonly BackendName[] = ['cpu', 'wasm', 'webgpu'];

/** Package and factory export of each optional backend. */
const OPTIONAL: Record<Exclude<BackendName, 'cpu'>, { pkg: string; factory: string }> = {
  wasm: { pkg: '@neurona/backend-wasm', factory: 'wasm' },
  webgpu: { pkg: '@neurona/backend-webgpu', factory: 'webgpu' },
};

type Factory = () => nr.Backend | Promise<nr.Backend>;

/**
 * Make `name` the active backend. The CPU backend is a dependency of the app; the WASM and WebGPU
 * backends are imported on demand, with a clear error when the package is missing or does not (yet)
 * export its factory (`await wasm()` / `await webgpu()`).
 *
 * @example
 * ```ts
 * await useBackend('cpu');
 * ```
 */
export async function useBackend(name: BackendName): Promise<void> {
  if (name === 'cpu') {
    await nr.setBackend(cpu());
    return;
  }
  const spec = OPTIONAL[name];
  if (!spec)
    throw new Error(`--backend: unknown backend '${String(name)}' (expected ${BACKENDS.join(', ')})`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(spec.pkg)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(
      `--backend ${name}: could not load ${spec.pkg} (${(err as Error).message}); build it with \`npx tsc -b packages/backend-${name}\` or use --backend cpu`,
    );
  }
  const factory = mod[spec.factory];
  if (typeof factory !== 'function') {
    throw new Error(
      `--backend ${name}: ${spec.pkg} does not export a '${spec.factory}' backend factory yet; use --backend cpu`,
    );
  }
  await nr.setBackend(await (factory as Factory)());
}
