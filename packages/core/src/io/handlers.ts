import { browserDownloads } from './browser/downloads.js';
import { browserIndexedDB } from './browser/indexeddb.js';
import { browserLocalStorage } from './browser/local-storage.js';
import { http, type LoadOptions } from './http.js';
import type { IOHandler, ModelArtifacts, SaveResult } from './types.js';
import { checkJsonTree } from './validate-json.js';

/**
 * An in-memory handler: `save` keeps a deep copy of the artifacts in `artifacts`; `load` returns a copy.
 * Pass existing artifacts to load from them.
 *
 * @example
 * ```ts
 * const h = nr.io.memory();
 * await model.save(h);
 * const copy = await nr.loadModel(h);
 * ```
 */
export function memory(initial?: ModelArtifacts): IOHandler & { artifacts: ModelArtifacts | null } {
  const copy = (a: ModelArtifacts): ModelArtifacts => {
    // Checked before the (recursive) copy, so hand-made artifacts nested too deeply get a clear error.
    checkJsonTree(a.modelTopology, 'modelTopology');
    checkJsonTree(a.weightSpecs, 'weightSpecs');
    if (a.trainingConfig !== undefined) checkJsonTree(a.trainingConfig, 'trainingConfig');
    return {
      ...a,
      modelTopology: structuredClone(a.modelTopology),
      weightSpecs: structuredClone(a.weightSpecs),
      trainingConfig: structuredClone(a.trainingConfig),
      weightData: a.weightData.slice(0),
    };
  };
  const h = {
    artifacts: initial ? copy(initial) : null,
    async save(a: ModelArtifacts): Promise<SaveResult> {
      h.artifacts = copy(a);
      return {
        location: 'memory',
        modelJsonBytes: JSON.stringify(a.modelTopology).length,
        weightDataBytes: a.weightData.byteLength,
      };
    },
    async load(): Promise<ModelArtifacts> {
      if (!h.artifacts) throw new Error('io.memory: nothing has been saved to this handler');
      return copy(h.artifacts);
    },
  };
  return h;
}

/**
 * @internal Makes the handler for one URL scheme: `path` is the URL without `scheme://`, `url` the whole URL.
 */
export type SchemeRouter = (path: string, url: string, options: LoadOptions) => IOHandler;

const routers = new Map<string, SchemeRouter>([
  ['http', (_p, url, o) => http(url, o)],
  ['https', (_p, url, o) => http(url, o)],
  ['indexeddb', (name) => browserIndexedDB(name)],
  ['localstorage', (name) => browserLocalStorage(name)],
  ['downloads', (name) => browserDownloads(name)],
]);

/** @internal Route `scheme://...` URLs to `router` (the Node entry registers `file`). */
export function registerScheme(scheme: string, router: SchemeRouter): void {
  routers.set(scheme.toLowerCase(), router);
}

/**
 * Resolve a URL or handler to a handler. Browser stores: `indexeddb://name`, `localstorage://name`,
 * `downloads://name` (save only); `http://` / `https://` load `model.json` through `fetch` (with
 * `options.fetch` / `options.requestInit`); `file://dir` in Node (registered by the Node entry, which
 * `import '@neurona/core'` selects there).
 *
 * @example
 * ```ts
 * const h = await nr.io.resolveHandler('indexeddb://my-model', 'load');
 * ```
 */
export async function resolveHandler(
  target: string | IOHandler,
  what: 'save' | 'load',
  options: LoadOptions = {},
): Promise<IOHandler> {
  if (typeof target !== 'string') {
    if (!target || typeof target[what] !== 'function')
      throw new Error(`${what}: the handler has no ${what}() method`);
    return target;
  }
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(target);
  const scheme = m?.[1]?.toLowerCase() ?? '';
  const router = routers.get(scheme);
  if (!router) {
    if (scheme === 'file') {
      throw new Error(
        `${what}: 'file://' URLs need Node.js (the Node entry of @neurona/core registers them); in a browser ` +
          "use 'indexeddb://name', 'localstorage://name', 'downloads://name' or an IOHandler",
      );
    }
    throw new Error(
      `${what}: unsupported URL '${target}' (supported: ${[...routers.keys()].map((k) => `'${k}://'`).join(', ')}, or pass an IOHandler)`,
    );
  }
  const handler = router(target.slice(m![0].length), target, options);
  if (typeof handler[what] !== 'function') {
    throw new Error(`${what}: '${scheme}://' handlers cannot ${what} (URL '${target}')`);
  }
  return handler;
}
