/**
 * Saving a model as browser downloads (`downloads://name`): `name.json` (the `model.json` of the
 * TensorFlow.js LayersModel format) and `name.weights.bin`, through a clicked anchor with `download` set.
 *
 * @packageDocumentation
 */
import { toModelJson } from '../model-json.js';
import type { IOHandler, ModelArtifacts, SaveResult } from '../types.js';

/**
 * A handler that saves a model as two downloads, `<name>.json` and `<name>.weights.bin` (what
 * `'downloads://name'` resolves to; the name defaults to `model`). Load them back with
 * {@link browserFiles}.
 *
 * @example
 * ```ts
 * await model.save('downloads://my-model'); // my-model.json + my-model.weights.bin
 * ```
 */
export function browserDownloads(name = 'model'): IOHandler {
  const base = name.trim() === '' ? 'model' : name;
  return {
    async save(a: ModelArtifacts): Promise<SaveResult> {
      const doc = (globalThis as { document?: Document }).document;
      if (!doc) throw new Error("save: 'downloads://' needs a browser page (document is missing)");
      const weightsName = `${base}.weights.bin`;
      const json = JSON.stringify(toModelJson(a, [`./${weightsName}`]));
      const files: [string, Blob][] = [
        [`${base}.json`, new Blob([json], { type: 'application/json' })],
        [weightsName, new Blob([a.weightData], { type: 'application/octet-stream' })],
      ];
      for (const [file, blob] of files) {
        const url = URL.createObjectURL(blob);
        const anchor = doc.createElement('a');
        anchor.href = url;
        anchor.download = file;
        anchor.style.display = 'none';
        doc.body.appendChild(anchor);
        anchor.click();
        anchor.remove();
        // The download has started from the click; release the blob after the browser picked it up.
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      }
      return {
        location: `downloads://${base}`,
        modelJsonBytes: new TextEncoder().encode(json).byteLength,
        weightDataBytes: a.weightData.byteLength,
      };
    },
  };
}
