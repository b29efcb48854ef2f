import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { IOHandler, JsonValue, ModelArtifacts, SaveResult, WeightSpec } from '../io/types.js';
import { MODEL_JSON, saveModelFolder } from './atomic-save.js';

/**
 * Save to and load from a directory in the TensorFlow.js LayersModel format: `model.json` (Keras topology and
 * weights manifest) and a weights file. Saving is atomic: the folder always holds one complete version, even
 * when the process is killed mid-save (see `saveModelFolder` in `node/atomic-save.ts`); the weights file is
 * named after its content (`weights-<hash>.bin`), and the manifest in `model.json` names it.
 *
 * @example
 * ```ts
 * import { fileSystem } from '@neurona/core/node';
 * await model.save(fileSystem('./my-model'));   // same as model.save('file://./my-model')
 * ```
 */
export function fileSystem(directory: string): IOHandler {
  const dir = resolve(directory);
  return {
    async save(a: ModelArtifacts): Promise<SaveResult> {
      const { modelJsonBytes } = await saveModelFolder(dir, new Uint8Array(a.weightData), (file) =>
        JSON.stringify(
          {
            format: a.format ?? 'layers-model',
            generatedBy: a.generatedBy ?? 'Neurona',
            convertedBy: a.convertedBy ?? null,
            modelTopology: a.modelTopology,
            ...(a.trainingConfig === undefined ? {} : { trainingConfig: a.trainingConfig }),
            weightsManifest: [{ paths: [file], weights: a.weightSpecs }],
          },
          null,
          1,
        ),
      );
      return {
        location: dir,
        modelJsonBytes,
        weightDataBytes: a.weightData.byteLength,
      };
    },

    async load(): Promise<ModelArtifacts> {
      const jsonPath = join(dir, MODEL_JSON);
      let parsed: { [key: string]: JsonValue };
      try {
        parsed = JSON.parse(await readFile(jsonPath, 'utf8'));
      } catch (e) {
        throw new Error(`loadModel: cannot read ${jsonPath}: ${(e as Error).message}`);
      }
      const topology = parsed.modelTopology;
      const manifest = parsed.weightsManifest;
      if (!topology || typeof topology !== 'object' || Array.isArray(topology)) {
        throw new Error(`loadModel: ${jsonPath} has no 'modelTopology' object`);
      }
      if (!Array.isArray(manifest)) throw new Error(`loadModel: ${jsonPath} has no 'weightsManifest' array`);
      const specs: WeightSpec[] = [];
      const chunks: Uint8Array[] = [];
      for (const group of manifest) {
        const g = group as { paths?: unknown; weights?: unknown };
        if (!Array.isArray(g.paths) || !Array.isArray(g.weights)) {
          throw new Error(
            `loadModel: ${jsonPath}: each weightsManifest entry needs 'paths' and 'weights' arrays`,
          );
        }
        for (const p of g.paths) {
          if (typeof p !== 'string' || p.includes('..') || p.startsWith('/')) {
            throw new Error(`loadModel: ${jsonPath}: refusing weight path ${JSON.stringify(p)}`);
          }
          chunks.push(new Uint8Array(await readFile(join(dir, p))));
        }
        specs.push(...(g.weights as WeightSpec[]));
      }
      const total = chunks.reduce((n, c) => n + c.byteLength, 0);
      const data = new Uint8Array(total);
      let offset = 0;
      for (const c of chunks) {
        data.set(c, offset);
        offset += c.byteLength;
      }
      return {
        modelTopology: topology as { [key: string]: JsonValue },
        weightSpecs: specs,
        weightData: data.buffer,
        format: typeof parsed.format === 'string' ? parsed.format : undefined,
        trainingConfig:
          parsed.trainingConfig === undefined
            ? undefined
            : (parsed.trainingConfig as { [key: string]: JsonValue }),
        generatedBy: typeof parsed.generatedBy === 'string' ? parsed.generatedBy : undefined,
      };
    },
  };
}
