/**
 * The backends the page offers, by the names the chooser and the training worker use. The wasm backend
 * fetches tfjs-backend-wasm's `.wasm` files from `wasm/` next to the page (the demo server serves them).
 *
 * @packageDocumentation
 */
import { cpu } from '@neurona/backend-cpu';
import { wasm } from '@neurona/backend-wasm';
import { webgpu } from '@neurona/backend-webgpu';
import type { Backend } from '@neurona/core';

/**
 * A backend name the page knows.
 *
 * @example
 * ```ts
 * const name: WebBackendName = 'webgpu';
 * ```
 */
export type WebBackendName = 'cpu' | 'wasm' | 'webgpu';

/**
 * Backend factories by name, for `nr.setBackend` on the page and for the training worker.
 *
 * @example
 * ```ts
 * await nr.setBackend(await WEB_BACKENDS.wasm());
 * ```
 */
export const WEB_BACKENDS: Record<WebBackendName, () => Backend | Promise<Backend>> = {
  cpu: () => cpu(),
  wasm: () => wasm({ wasmPaths: new URL('wasm/', import.meta.url).href }),
  webgpu: () => webgpu(),
};
