/**
 * Loading a model from user-chosen files (`<input type="file" multiple>`): the `model.json` and the weight
 * files its manifest names.
 *
 * @packageDocumentation
 */
import { fromModelJson } from '../model-json.js';
import type { IOHandler, ModelArtifacts } from '../types.js';

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/**
 * A handler that loads from `File`s (or `Blob`s with a name): the first is the `model.json`, the others
 * the weight files it lists, matched by file name (the manifest's paths without their folders).
 *
 * @example
 * ```ts
 * const input = document.querySelector<HTMLInputElement>('input[type=file]')!;
 * const [json, ...weights] = [...input.files!];
 * const model = await nr.loadModel(nr.io.browserFiles([json!, ...weights]));
 * ```
 */
export function browserFiles(files: readonly File[]): IOHandler {
  if (!Array.isArray(files) || files.length === 0) {
    throw new Error('io.browserFiles: expected [modelJsonFile, ...weightFiles], got no files');
  }
  const [jsonFile, ...weightFiles] = files;
  return {
    async load(): Promise<ModelArtifacts> {
      const where = `'${jsonFile!.name}'`;
      let parsed: unknown;
      try {
        parsed = JSON.parse(await jsonFile!.text());
      } catch (e) {
        throw new Error(`loadModel: browserFiles: ${where} is not valid JSON: ${(e as Error).message}`);
      }
      const byName = new Map(weightFiles.map((f) => [f.name, f]));
      return fromModelJson(parsed, where, async (path) => {
        const file = byName.get(baseName(path));
        if (!file) {
          throw new Error(
            `loadModel: browserFiles: ${where} needs the weight file '${baseName(path)}', which is not among the ` +
              `files given (${[...byName.keys()].map((n) => `'${n}'`).join(', ') || 'none'})`,
          );
        }
        return new Uint8Array(await file.arrayBuffer());
      });
    },
  };
}
