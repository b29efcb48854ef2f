/**
 * Loading the one `BackendWasm` of `@tensorflow/tfjs-backend-wasm` that this process uses.
 *
 * tfjs-wasm kernels bind their WebAssembly functions in module-level variables when a backend instance is
 * set up, so two instances in one process would make every kernel call into whichever was set up last.
 * We therefore create the instance once, register it in tfjs's engine under `'wasm'` (so that
 * `tf.setBackend('wasm')`, e.g. by tfjs-layers in the same process, reuses it instead of making another),
 * and share it between every Neurona wasm backend.
 *
 * @packageDocumentation
 */
import { type BackendWasm, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { engine, env, findBackendFactory, getKernelsForBackend } from '@tensorflow/tfjs-core';
import type { WasmOptions } from './options.js';

/**
 * What was loaded: the tfjs backend and the features in use.
 *
 * @example
 * ```ts
 * const { simd, threads } = (await loadTfjsWasm({})).features;
 * ```
 */
export interface LoadedWasm {
  readonly backend: BackendWasm;
  readonly features: { readonly simd: boolean; readonly threads: number };
}

let loading: Promise<LoadedWasm> | null = null;
let loadedWith = '';

const optionKey = (o: WasmOptions): string => JSON.stringify([o.wasmPaths ?? null, o.threads ?? true]);

/**
 * Load (once per process) and return the shared tfjs-wasm backend, with every 'wasm' kernel set up on it.
 * A later call with different options throws, since the module cannot be loaded twice.
 *
 * @example
 * ```ts
 * const { backend } = await loadTfjsWasm({ threads: false });
 * ```
 */
export function loadTfjsWasm(options: WasmOptions): Promise<LoadedWasm> {
  const key = optionKey(options);
  if (loading) {
    const explicit = options.wasmPaths !== undefined || options.threads !== undefined;
    if (explicit && key !== loadedWith) {
      throw new Error(
        `wasm: the WebAssembly module is already loaded with options ${loadedWith}; got ${key}. ` +
          'Options apply only to the first wasm() call of a process.',
      );
    }
    return loading;
  }
  loadedWith = key;
  loading = load(options);
  loading.catch(() => {
    // Let a later call retry (e.g. after fixing wasmPaths).
    loading = null;
  });
  return loading;
}

async function load(options: WasmOptions): Promise<LoadedWasm> {
  const tfEngine = engine();
  let backend = tfEngine.registry.wasm as BackendWasm | undefined;
  if (!backend) {
    if (options.wasmPaths !== undefined) {
      setWasmPaths(typeof options.wasmPaths === 'string' ? options.wasmPaths : { ...options.wasmPaths });
    }
    if (options.threads === false) env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    const factory = findBackendFactory('wasm');
    if (!factory) {
      throw new Error(
        "wasm: @tensorflow/tfjs-backend-wasm did not register its 'wasm' backend with @tensorflow/tfjs-core " +
          '(two copies of @tensorflow/tfjs-core installed? both must be 4.22.0 and deduplicated)',
      );
    }
    try {
      backend = (await factory()) as BackendWasm;
    } catch (e) {
      const why = e instanceof Error ? e.message : ((e as { message?: string })?.message ?? String(e));
      throw new Error(
        `wasm: could not load the tfjs-backend-wasm binary (${why}). In a bundled browser app, pass ` +
          "wasm({ wasmPaths: '<url of the folder holding tfjs-backend-wasm*.wasm>/' }).",
      );
    }
    // Another caller (tfjs itself) may have finished first while we awaited: keep the registered one.
    const raced = tfEngine.registry.wasm as BackendWasm | undefined;
    if (raced && raced !== backend) {
      backend.dispose();
      backend = raced;
    } else {
      tfEngine.registry.wasm = backend;
    }
  }
  for (const kernel of getKernelsForBackend('wasm')) kernel.setupFunc?.(backend);
  const simd = (await env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const threads = backend.wasm.tfjs.getThreadsCount();
  return { backend, features: { simd, threads } };
}
