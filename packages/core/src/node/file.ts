import { resolve } from 'node:path';
import type { IOHandler, ModelArtifacts, SaveResult } from '../io/types.js';
import { saveModelFolder } from './atomic-save.js';
import { readModelFiles } from './file-load.js';

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

    load: (): Promise<ModelArtifacts> => readModelFiles(directory),
  };
}
