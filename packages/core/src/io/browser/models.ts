/**
 * Managing saved models across the browser stores (`indexeddb://`, `localstorage://`): list, remove,
 * copy and move, as TensorFlow.js's `tf.io.listModels` & co. do.
 *
 * @packageDocumentation
 */
import { resolveHandler } from '../handlers.js';
import { listIndexedDB, removeIndexedDB } from './indexeddb.js';
import type { ModelArtifactsInfo } from './info.js';
import { listLocalStorage, removeLocalStorage } from './local-storage.js';

interface Store {
  list(): Promise<Record<string, ModelArtifactsInfo>>;
  remove(name: string): Promise<ModelArtifactsInfo>;
}

const STORES: Record<string, Store> = {
  indexeddb: { list: listIndexedDB, remove: removeIndexedDB },
  localstorage: { list: listLocalStorage, remove: removeLocalStorage },
};

function storeOf(url: string, what: string): [Store, string] {
  const m = /^([a-z]+):\/\/(.+)$/i.exec(url);
  const store = m ? STORES[m[1]!.toLowerCase()] : undefined;
  if (!store) {
    throw new Error(
      `${what}: expected a browser-store URL ('indexeddb://name' or 'localstorage://name'), got '${url}'`,
    );
  }
  return [store, m![2]!];
}

const available = (scheme: string): boolean =>
  scheme === 'indexeddb'
    ? typeof (globalThis as { indexedDB?: unknown }).indexedDB !== 'undefined'
    : typeof (globalThis as { localStorage?: unknown }).localStorage !== 'undefined';

/**
 * Every model saved in the browser stores that exist here, keyed by URL (`'indexeddb://name'`,
 * `'localstorage://name'`).
 *
 * @example
 * ```ts
 * for (const [url, info] of Object.entries(await nr.io.listModels())) console.log(url, info.dateSaved);
 * ```
 */
export async function listModels(): Promise<Record<string, ModelArtifactsInfo>> {
  const out: Record<string, ModelArtifactsInfo> = {};
  for (const [scheme, store] of Object.entries(STORES)) {
    if (!available(scheme)) continue;
    for (const [name, info] of Object.entries(await store.list())) out[`${scheme}://${name}`] = info;
  }
  return out;
}

/**
 * Delete a model from a browser store; returns what the store knew about it. Throws when it is not there.
 *
 * @example
 * ```ts
 * await nr.io.removeModel('indexeddb://old-model');
 * ```
 */
export async function removeModel(url: string): Promise<ModelArtifactsInfo> {
  const [store, name] = storeOf(url, 'removeModel');
  return store.remove(name);
}

/**
 * Copy a saved model from one URL to another: any URL `loadModel` reads (browser stores, `https://`) to any
 * URL `save` writes (`indexeddb://`, `localstorage://`, `downloads://`). The artifacts are copied as
 * they are, without building the model.
 *
 * @example
 * ```ts
 * await nr.io.copyModel('localstorage://my-model', 'indexeddb://my-model');
 * ```
 */
export async function copyModel(from: string, to: string): Promise<void> {
  if (from === to) throw new Error(`copyModel: source and destination are the same URL '${from}'`);
  const source = await resolveHandler(from, 'load');
  const target = await resolveHandler(to, 'save');
  await target.save!(await source.load!());
}

/**
 * Move a model between browser stores (or rename it): {@link copyModel}, then {@link removeModel} of the
 * source.
 *
 * @example
 * ```ts
 * await nr.io.moveModel('localstorage://draft', 'indexeddb://final');
 * ```
 */
export async function moveModel(from: string, to: string): Promise<void> {
  storeOf(from, 'moveModel');
  await copyModel(from, to);
  await removeModel(from);
}
