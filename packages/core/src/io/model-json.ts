/**
 * The `model.json` of the TensorFlow.js LayersModel format, shared by the handlers that store files
 * (http, downloads, browser files): artifacts to JSON with a weights manifest, and JSON plus weight files
 * back to artifacts.
 *
 * @packageDocumentation
 */
import type { JsonValue, ModelArtifacts } from './types.js';
import { checkManifestGroups } from './validate-manifest.js';

/**
 * @internal The `model.json` object for `a`, whose weight bytes are stored in the file(s) `paths`.
 */
export function toModelJson(a: ModelArtifacts, paths: readonly string[]): { [key: string]: JsonValue } {
  return {
    format: a.format ?? 'layers-model',
    generatedBy: a.generatedBy ?? 'Neurona',
    convertedBy: a.convertedBy ?? null,
    modelTopology: a.modelTopology,
    ...(a.trainingConfig === undefined ? {} : { trainingConfig: a.trainingConfig }),
    weightsManifest: [{ paths: [...paths], weights: a.weightSpecs as unknown as JsonValue }],
  };
}

/** @internal Concatenate byte chunks into one buffer. */
export function concatBytes(chunks: readonly Uint8Array[]): ArrayBuffer {
  const data = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    data.set(c, offset);
    offset += c.byteLength;
  }
  return data.buffer;
}

/**
 * @internal Artifacts from a parsed `model.json` (`where` names it in errors): every weight file of every
 * manifest group is read with `read` and concatenated in manifest order. The manifest is checked first
 * (`checkManifestGroups`), so a bad entry is named by its path before any weight file is fetched.
 */
export async function fromModelJson(
  parsed: unknown,
  where: string,
  read: (path: string) => Promise<Uint8Array>,
): Promise<ModelArtifacts> {
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`loadModel: ${where} is not a JSON object`);
  }
  const json = parsed as { [key: string]: JsonValue };
  const topology = json.modelTopology;
  const manifest = json.weightsManifest;
  if (!topology || typeof topology !== 'object' || Array.isArray(topology)) {
    throw new Error(`loadModel: ${where} has no 'modelTopology' object`);
  }
  const { paths, pathFields, specs } = checkManifestGroups(manifest, where);
  const chunks = await Promise.all(
    paths.map((p, i) =>
      read(p).catch((e: unknown) => {
        const msg = e instanceof Error ? e.message.replace(/^loadModel: /, '') : String(e);
        throw new Error(
          `loadModel: ${where}: ${pathFields[i]} names weight file '${p}', which cannot be read: ${msg}`,
        );
      }),
    ),
  );
  return {
    modelTopology: topology,
    weightSpecs: specs,
    weightData: concatBytes(chunks),
    format: typeof json.format === 'string' ? json.format : undefined,
    trainingConfig:
      json.trainingConfig && typeof json.trainingConfig === 'object' && !Array.isArray(json.trainingConfig)
        ? json.trainingConfig
        : undefined,
    generatedBy: typeof json.generatedBy === 'string' ? json.generatedBy : undefined,
    convertedBy: typeof json.convertedBy === 'string' ? json.convertedBy : undefined,
  };
}
