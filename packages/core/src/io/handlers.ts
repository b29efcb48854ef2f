import type { IOHandler, ModelArtifacts, SaveResult } from './types.js';

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
  const copy = (a: ModelArtifacts): ModelArtifacts => ({
    ...a,
    modelTopology: structuredClone(a.modelTopology),
    weightSpecs: structuredClone(a.weightSpecs),
    trainingConfig: structuredClone(a.trainingConfig),
    weightData: a.weightData.slice(0),
  });
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
 * Resolve a URL (`file://dir`) or handler to a handler. `file://` uses Node's file system handler from
 * `@neurona/core/node`, loaded on demand.
 *
 * @example
 * ```ts
 * const h = await nr.io.resolveHandler('file://./my-model');
 * ```
 */
export async function resolveHandler(target: string | IOHandler, what: 'save' | 'load'): Promise<IOHandler> {
  if (typeof target !== 'string') {
    if (!target || typeof target[what] !== 'function')
      throw new Error(`${what}: the handler has no ${what}() method`);
    return target;
  }
  if (target.startsWith('file://')) {
    if (typeof process === 'undefined' || !process.versions?.node) {
      throw new Error(
        `${what}: 'file://' URLs need Node.js; in a browser use an IOHandler such as nr.io.memory()`,
      );
    }
    const { fileSystem } = await import('../node/file.js');
    return fileSystem(target.slice('file://'.length));
  }
  throw new Error(`${what}: unsupported URL '${target}' (supported: 'file://path', or pass an IOHandler)`);
}
