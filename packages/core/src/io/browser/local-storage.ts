/**
 * Models in `localStorage` (`localstorage://name`): the topology, weight specs and metadata as JSON and the
 * weights as base64, under keys `neurona/models/<name>/<part>`. localStorage holds a few megabytes per
 * origin: a save that does not fit fails with the quota error and leaves the store as it was.
 *
 * @packageDocumentation
 */
import type { IOHandler, JsonValue, ModelArtifacts, SaveResult, WeightSpec } from '../types.js';
import { artifactsInfo, checkName, type ModelArtifactsInfo } from './info.js';

const PREFIX = 'neurona/models/';
const PARTS = ['info', 'topology', 'weight_specs', 'weight_data', 'meta'] as const;
type Part = (typeof PARTS)[number];

const key = (name: string, part: Part): string => `${PREFIX}${name}/${part}`;

function storage(what: string): Storage {
  const ls = (globalThis as { localStorage?: Storage }).localStorage;
  if (!ls)
    throw new Error(`${what}: 'localstorage://' needs window.localStorage, which this environment lacks`);
  return ls;
}

function toBase64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

function fromBase64(text: string): ArrayBuffer {
  const s = atob(text);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes.buffer;
}

/**
 * A handler that saves to and loads from `localStorage` under `name` (what `'localstorage://name'`
 * resolves to).
 *
 * @example
 * ```ts
 * await model.save(nr.io.browserLocalStorage('small-model')); // same as 'localstorage://small-model'
 * ```
 */
export function browserLocalStorage(name: string): IOHandler {
  checkName(name, 'localstorage', 'io.browserLocalStorage');
  return {
    async save(a: ModelArtifacts): Promise<SaveResult> {
      const ls = storage('save');
      const info = artifactsInfo(a);
      const meta = {
        format: a.format ?? null,
        generatedBy: a.generatedBy ?? null,
        convertedBy: a.convertedBy ?? null,
        trainingConfig: a.trainingConfig ?? null,
      };
      const values: Record<Part, string> = {
        info: JSON.stringify(info),
        topology: JSON.stringify(a.modelTopology),
        weight_specs: JSON.stringify(a.weightSpecs),
        weight_data: toBase64(a.weightData),
        meta: JSON.stringify(meta),
      };
      const previous = PARTS.map((part) => ls.getItem(key(name, part)));
      try {
        for (const part of PARTS) ls.setItem(key(name, part), values[part]);
      } catch (e) {
        // Put back what was there (a model saved earlier under this name), or nothing.
        PARTS.forEach((part, i) => {
          const old = previous[i];
          if (old === null || old === undefined) ls.removeItem(key(name, part));
          else ls.setItem(key(name, part), old);
        });
        throw new Error(
          `save: 'localstorage://${name}' does not fit in localStorage (${info.weightDataBytes} weight bytes; ` +
            `${(e as Error).message}); use 'indexeddb://${name}' for larger models`,
        );
      }
      return {
        location: `localstorage://${name}`,
        modelJsonBytes: info.modelTopologyBytes + info.weightSpecsBytes,
        weightDataBytes: info.weightDataBytes,
      };
    },
    async load(): Promise<ModelArtifacts> {
      const ls = storage('loadModel');
      const get = (part: Part): string => {
        const v = ls.getItem(key(name, part));
        if (v === null) {
          throw new Error(
            `loadModel: no model named '${name}' in localStorage ('localstorage://${name}': key '${key(name, part)}' is missing)`,
          );
        }
        return v;
      };
      const meta = JSON.parse(get('meta')) as { [k: string]: JsonValue };
      return {
        modelTopology: JSON.parse(get('topology')) as { [k: string]: JsonValue },
        weightSpecs: JSON.parse(get('weight_specs')) as WeightSpec[],
        weightData: fromBase64(get('weight_data')),
        format: typeof meta.format === 'string' ? meta.format : undefined,
        generatedBy: typeof meta.generatedBy === 'string' ? meta.generatedBy : undefined,
        convertedBy: typeof meta.convertedBy === 'string' ? meta.convertedBy : undefined,
        trainingConfig:
          meta.trainingConfig &&
          typeof meta.trainingConfig === 'object' &&
          !Array.isArray(meta.trainingConfig)
            ? meta.trainingConfig
            : undefined,
      };
    },
  };
}

/** @internal Every model in localStorage with its info. */
export async function listLocalStorage(): Promise<Record<string, ModelArtifactsInfo>> {
  const ls = storage('listModels');
  const out: Record<string, ModelArtifactsInfo> = {};
  for (let i = 0; i < ls.length; i++) {
    const k = ls.key(i);
    if (!k?.startsWith(PREFIX) || !k.endsWith('/info')) continue;
    const info = JSON.parse(ls.getItem(k)!) as ModelArtifactsInfo & { dateSaved: string };
    out[k.slice(PREFIX.length, -'/info'.length)] = { ...info, dateSaved: new Date(info.dateSaved) };
  }
  return out;
}

/** @internal Delete `name` from localStorage; its info, or an error naming it when it is not there. */
export async function removeLocalStorage(name: string): Promise<ModelArtifactsInfo> {
  const ls = storage('removeModel');
  const raw = ls.getItem(key(name, 'info'));
  if (raw === null) {
    throw new Error(`removeModel: no model named '${name}' in localStorage ('localstorage://${name}')`);
  }
  for (const part of PARTS) ls.removeItem(key(name, part));
  const info = JSON.parse(raw) as ModelArtifactsInfo & { dateSaved: string };
  return { ...info, dateSaved: new Date(info.dateSaved) };
}
