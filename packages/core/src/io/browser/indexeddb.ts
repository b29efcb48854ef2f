/**
 * Models in IndexedDB (`indexeddb://name`): one database with a store for the artifacts and one for their
 * info, so listing models does not read their weights.
 *
 * @packageDocumentation
 */
import type { IOHandler, ModelArtifacts, SaveResult } from '../types.js';
import { artifactsInfo, checkName, type ModelArtifactsInfo } from './info.js';

const DB_NAME = 'neurona';
const DB_VERSION = 1;
const MODELS = 'models';
const INFO = 'model_info';

function factory(what: string): IDBFactory {
  const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!idb) throw new Error(`${what}: 'indexeddb://' needs IndexedDB, which this environment does not have`);
  return idb;
}

const done = <T>(req: IDBRequest<T>): Promise<T> =>
  new Promise((ok, fail) => {
    req.onsuccess = () => ok(req.result);
    req.onerror = () => fail(req.error);
  });

function open(what: string): Promise<IDBDatabase> {
  const req = factory(what).open(DB_NAME, DB_VERSION);
  req.onupgradeneeded = () => {
    const db = req.result;
    if (!db.objectStoreNames.contains(MODELS)) db.createObjectStore(MODELS);
    if (!db.objectStoreNames.contains(INFO)) db.createObjectStore(INFO);
  };
  return done(req);
}

/** Run `body` in one transaction over both stores and resolve when it has committed. */
async function transact<T>(
  what: string,
  mode: IDBTransactionMode,
  body: (models: IDBObjectStore, info: IDBObjectStore) => Promise<T>,
): Promise<T> {
  const db = await open(what);
  try {
    const tx = db.transaction([MODELS, INFO], mode);
    const committed = new Promise<void>((ok, fail) => {
      tx.oncomplete = () => ok();
      tx.onerror = () => fail(tx.error);
      tx.onabort = () => fail(tx.error ?? new Error('transaction aborted'));
    });
    const result = await body(tx.objectStore(MODELS), tx.objectStore(INFO));
    await committed;
    return result;
  } catch (e) {
    if (e instanceof Error && !(e instanceof DOMException)) throw e;
    throw new Error(`${what}: IndexedDB failed: ${(e as Error)?.message ?? String(e)}`);
  } finally {
    db.close();
  }
}

/**
 * A handler that saves to and loads from IndexedDB under `name` (what `'indexeddb://name'` resolves to).
 *
 * @example
 * ```ts
 * await model.save(nr.io.browserIndexedDB('my-model')); // same as model.save('indexeddb://my-model')
 * ```
 */
export function browserIndexedDB(name: string): IOHandler {
  checkName(name, 'indexeddb', 'io.browserIndexedDB');
  return {
    async save(a: ModelArtifacts): Promise<SaveResult> {
      const info = artifactsInfo(a);
      await transact('save', 'readwrite', async (models, infos) => {
        await Promise.all([done(infos.put(info, name)), done(models.put({ ...a }, name))]);
      });
      return {
        location: `indexeddb://${name}`,
        modelJsonBytes: info.modelTopologyBytes + info.weightSpecsBytes,
        weightDataBytes: info.weightDataBytes,
      };
    },
    async load(): Promise<ModelArtifacts> {
      const a = await transact('loadModel', 'readonly', (models) => done(models.get(name)));
      if (!a) throw new Error(`loadModel: no model named '${name}' in IndexedDB ('indexeddb://${name}')`);
      return a as ModelArtifacts;
    },
  };
}

/** @internal Every model in IndexedDB with its info. */
export async function listIndexedDB(): Promise<Record<string, ModelArtifactsInfo>> {
  return transact('listModels', 'readonly', async (_models, infos) => {
    const [keys, values] = await Promise.all([done(infos.getAllKeys()), done(infos.getAll())]);
    const out: Record<string, ModelArtifactsInfo> = {};
    keys.forEach((k, i) => {
      out[String(k)] = values[i] as ModelArtifactsInfo;
    });
    return out;
  });
}

/** @internal Delete `name` from IndexedDB; its info, or an error naming it when it is not there. */
export async function removeIndexedDB(name: string): Promise<ModelArtifactsInfo> {
  return transact('removeModel', 'readwrite', async (models, infos) => {
    const info = (await done(infos.get(name))) as ModelArtifactsInfo | undefined;
    if (!info) throw new Error(`removeModel: no model named '${name}' in IndexedDB ('indexeddb://${name}')`);
    await done(infos.delete(name));
    await done(models.delete(name));
    return info;
  });
}
