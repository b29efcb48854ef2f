import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import type { JsonValue, ModelArtifacts } from '../io/types.js';
import { checkManifestGroups } from '../io/validate-manifest.js';

/** The model file a `file://` path names: the path itself when it ends in `.json`, else `model.json` in that directory. */
export async function modelJsonPath(path: string): Promise<string> {
  const p = resolve(path);
  if (p.toLowerCase().endsWith('.json')) return p;
  const s = await stat(p).catch(() => null);
  if (s?.isFile()) return p;
  return join(p, 'model.json');
}

/** A weight file path of the manifest resolved against the model file's directory; refuses paths that leave it. */
function shardPath(dir: string, p: JsonValue, where: string): string {
  if (typeof p !== 'string' || p === '' || isAbsolute(p) || /^[a-z][a-z0-9+.-]*:/i.test(p)) {
    throw new Error(
      `loadModel: ${where} must be a path relative to the model file, got ${JSON.stringify(p)}`,
    );
  }
  const full = normalize(join(dir, p));
  if (full !== dir && !full.startsWith(dir + sep)) {
    throw new Error(`loadModel: ${where} ${JSON.stringify(p)} points outside the model's directory ${dir}`);
  }
  return full;
}

/**
 * Read a LayersModel from disk: the JSON file (`path` itself when it is a `.json` file, else `path/model.json`)
 * and every weight file its manifest names, resolved against the JSON file's directory (`./x.bin` works) and
 * concatenated in manifest order (groups, then shards). The topology is returned as the file holds it; a
 * missing or unreadable shard is named with the weights it holds.
 *
 * @example
 * ```ts
 * const artifacts = await readModelFiles('./models/my-model.json');
 * ```
 */
export async function readModelFiles(path: string): Promise<ModelArtifacts> {
  const jsonPath = await modelJsonPath(path);
  let parsed: { [key: string]: JsonValue };
  try {
    parsed = JSON.parse(await readFile(jsonPath, 'utf8'));
  } catch (e) {
    throw new Error(`loadModel: cannot read ${jsonPath}: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`loadModel: ${jsonPath} must hold a JSON object`);
  }
  const topology = parsed.modelTopology;
  const manifest = parsed.weightsManifest ?? [];
  if (!topology || typeof topology !== 'object' || Array.isArray(topology)) {
    throw new Error(`loadModel: ${jsonPath} has no 'modelTopology' object`);
  }
  const dir = dirname(jsonPath);
  const { specs } = checkManifestGroups(manifest, jsonPath);
  const chunks: Uint8Array[] = [];
  for (const [gi, group] of (manifest as { paths: JsonValue[]; weights: { name: string }[] }[]).entries()) {
    const names = group.weights.map((w) => w.name);
    for (const [pi, p] of group.paths.entries()) {
      const file = shardPath(dir, p, `${jsonPath}: weightsManifest[${gi}].paths[${pi}]`);
      try {
        chunks.push(new Uint8Array(await readFile(file)));
      } catch (e) {
        const what = names.length > 3 ? `${names.slice(0, 3).join(', ')}, ...` : names.join(', ');
        throw new Error(
          `loadModel: weight file ${file} (weightsManifest[${gi}].paths[${pi}] of ${jsonPath}, holding part of ${what}) cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
      }
    }
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
      parsed.trainingConfig === undefined || parsed.trainingConfig === null
        ? undefined
        : (parsed.trainingConfig as { [key: string]: JsonValue }),
    generatedBy: typeof parsed.generatedBy === 'string' ? parsed.generatedBy : undefined,
    convertedBy: typeof parsed.convertedBy === 'string' ? parsed.convertedBy : null,
  };
}
