import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { IOHandler, ModelArtifacts, SaveResult } from '../io/types.js';
import { readModelFiles } from './file-load.js';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

async function writeDurably(path: string, data: string | Uint8Array): Promise<string> {
  const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  return tmp;
}

/**
 * Save to and load from a directory in the TensorFlow.js LayersModel format: `model.json` (Keras topology and
 * weights manifest) and `weights.bin`. Files are written to temporary names, synced, then renamed, so an
 * interrupted save never leaves a half-written model.
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
      await mkdir(dir, { recursive: true });
      const json = JSON.stringify(
        {
          format: a.format ?? 'layers-model',
          generatedBy: a.generatedBy ?? 'Neurona',
          convertedBy: a.convertedBy ?? null,
          modelTopology: a.modelTopology,
          ...(a.trainingConfig === undefined ? {} : { trainingConfig: a.trainingConfig }),
          weightsManifest: [{ paths: [WEIGHTS_BIN], weights: a.weightSpecs }],
        },
        null,
        1,
      );
      const tmpWeights = await writeDurably(join(dir, WEIGHTS_BIN), new Uint8Array(a.weightData));
      let tmpJson: string | null = null;
      try {
        tmpJson = await writeDurably(join(dir, MODEL_JSON), json);
        await rename(tmpWeights, join(dir, WEIGHTS_BIN));
        await rename(tmpJson, join(dir, MODEL_JSON));
      } catch (e) {
        await rm(tmpWeights, { force: true });
        if (tmpJson) await rm(tmpJson, { force: true });
        throw e;
      }
      return {
        location: dir,
        modelJsonBytes: Buffer.byteLength(json),
        weightDataBytes: a.weightData.byteLength,
      };
    },

    load: (): Promise<ModelArtifacts> => readModelFiles(directory),
  };
}
