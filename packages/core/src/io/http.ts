/**
 * Loading a model over HTTP(S) with `fetch`: `model.json` first, then its weight files, resolved relative
 * to the URL of `model.json`.
 *
 * @packageDocumentation
 */
import { fromModelJson } from './model-json.js';
import type { IOHandler, ModelArtifacts } from './types.js';

/**
 * Options of `loadModel` (and of {@link http}) for URLs fetched over HTTP(S).
 *
 * @example
 * ```ts
 * const model = await nr.loadModel('https://example.com/m/model.json', {
 *   requestInit: { headers: { authorization: 'Bearer abc' } },
 * });
 * ```
 */
export interface LoadOptions {
  /** The `fetch` to use (default `globalThis.fetch`), e.g. one that adds authentication or caching. */
  fetch?: typeof fetch;
  /** Passed to every request (`model.json` and each weight file): headers, credentials, mode, signal. */
  requestInit?: RequestInit;
}

/**
 * A handler that loads a TensorFlow.js LayersModel from `url` (its `model.json`) through `fetch`. Weight
 * files are fetched relative to `url`; several shards and several manifest groups are concatenated in
 * manifest order. `loadModel('https://...')` uses it.
 *
 * @example
 * ```ts
 * const model = await nr.loadModel(nr.io.http('https://example.com/m/model.json', { fetch: myFetch }));
 * ```
 */
export function http(url: string, options: LoadOptions = {}): IOHandler {
  const get = async (target: string, what: string): Promise<Response> => {
    const f = options.fetch ?? globalThis.fetch;
    if (typeof f !== 'function') throw new Error(`loadModel: no fetch() here to GET ${target}`);
    let res: Response;
    try {
      res = await f(target, options.requestInit);
    } catch (e) {
      throw new Error(`loadModel: GET ${target} (${what}) failed: ${(e as Error).message}`);
    }
    if (!res.ok) {
      throw new Error(`loadModel: GET ${target} (${what}) answered ${res.status} ${res.statusText}`.trim());
    }
    return res;
  };
  return {
    async load(): Promise<ModelArtifacts> {
      const res = await get(url, 'model.json');
      let parsed: unknown;
      try {
        parsed = await res.json();
      } catch (e) {
        throw new Error(`loadModel: ${url} is not valid JSON: ${(e as Error).message}`);
      }
      const base = new URL(url, (globalThis as { location?: { href: string } }).location?.href);
      return fromModelJson(parsed, url, async (path) => {
        const target = new URL(path, base).href;
        return new Uint8Array(await (await get(target, 'weights')).arrayBuffer());
      });
    },
  };
}
