/**
 * The `model.json` of the TensorFlow.js LayersModel format, shared by the handlers that store files
 * (http, downloads, browser files): artifacts to JSON with a weights manifest, and JSON plus weight files
 * back to artifacts.
 *
 * @packageDocumentation
 */
import type { JsonValue, ModelArtifacts, WeightSpec } from './types.js';

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
 * manifest group is read with `read` and concatenated in manifest order.
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
  if (!Array.isArray(manifest)) throw new Error(`loadModel: ${where} has no 'weightsManifest' array`);
  const specs: WeightSpec[] = [];
  const paths: string[] = [];
  for (const group of manifest) {
    const g = group as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(g.paths) || !Array.isArray(g.weights)) {
      throw new Error(`loadModel: ${where}: each weightsManifest entry needs 'paths' and 'weights' arrays`);
    }
    for (const p of g.paths) {
      if (typeof p !== 'string' || p === '') {
        throw new Error(`loadModel: ${where}: weight path ${JSON.stringify(p)} is not a file name`);
      }
      paths.push(p);
    }
    specs.push(...(g.weights as WeightSpec[]));
  }
  const chunks = await Promise.all(paths.map(read));
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
