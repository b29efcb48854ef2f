import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { IOHandler, JsonValue, ModelArtifacts, SaveResult, WeightSpec } from '../io/types.js';

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
