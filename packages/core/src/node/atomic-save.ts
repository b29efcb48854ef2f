import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** The model file every version of a folder is reached through. */
export const MODEL_JSON = 'model.json';

/** Temporary files of a save in progress (ours, and the older `.<hex>.tmp` form). */
const TEMP = /^\.(neurona-)?[0-9a-f]{12}\.tmp$/;
/** Weights files this module writes: `weights-<first 16 hex digits of the SHA-256 of the bytes>.bin`. */
const OURS = /^weights-[0-9a-f]{16}\.bin$/;

/** Saves in progress in this process, per folder: a second save to the same folder waits for the first. */
const inFlight = new Map<string, Promise<unknown>>();

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Write `data` to a new temporary file in `dir`, flushed to disk; returns its path. */
async function writeTemp(dir: string, data: string | Uint8Array): Promise<string> {
  const tmp = join(dir, `.neurona-${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (e) {
    await fh.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  return tmp;
}

/** The plain file names (no folders, no `..`) that the manifest of `dir/model.json` points to; [] if unreadable. */
async function manifestFiles(dir: string): Promise<string[]> {
  try {
    const parsed = JSON.parse(await readFile(join(dir, MODEL_JSON), 'utf8')) as { weightsManifest?: unknown };
    if (!Array.isArray(parsed.weightsManifest)) return [];
    const names: string[] = [];
    for (const g of parsed.weightsManifest as { paths?: unknown }[]) {
      for (const p of Array.isArray(g?.paths) ? g.paths : []) {
        if (typeof p === 'string' && p === basename(p) && p !== '..' && p !== '.' && p !== MODEL_JSON)
          names.push(p);
      }
    }
    return names;
  } catch {
    return [];
  }
}

/**
 * The content-addressed name a weights file gets: `weights-<16 hex digits of its SHA-256>.bin`.
 *
 * @example
 * ```ts
 * weightsFileName(new Uint8Array([1, 2, 3])); // 'weights-039058c6f2c0cb49.bin'
 * ```
 */
export function weightsFileName(weights: Uint8Array): string {
  return `weights-${createHash('sha256').update(weights).digest('hex').slice(0, 16)}.bin`;
}

async function writeFolder(
  dir: string,
  weights: Uint8Array,
  modelJson: (weightsFile: string) => string,
): Promise<{ weightsFile: string; modelJsonBytes: number }> {
  await mkdir(dir, { recursive: true });
  const before = await readdir(dir);
  // Leftovers of an interrupted save: temporary files are never part of a version.
  await Promise.all(before.filter((f) => TEMP.test(f)).map((f) => rm(join(dir, f), { force: true })));
  const previous = await manifestFiles(dir);
  const weightsFile = weightsFileName(weights);
  const json = modelJson(weightsFile);
  // 1. The new weights under a name no live version uses (or the identical bytes of the live one).
  const tmpWeights = await writeTemp(dir, weights);
  let tmpJson: string | null = null;
  try {
    await rename(tmpWeights, join(dir, weightsFile));
    await syncDir(dir);
    // 2. The switch: one rename replaces model.json, whose manifest names the new weights.
    tmpJson = await writeTemp(dir, json);
    await rename(tmpJson, join(dir, MODEL_JSON));
    tmpJson = null;
    await syncDir(dir);
  } catch (e) {
    await rm(tmpWeights, { force: true });
    if (tmpJson) await rm(tmpJson, { force: true });
    throw e;
  }
  // 3. The old version's weights, and weights of saves that never reached step 2, are no longer reachable.
  const stale = new Set([...previous, ...before.filter((f) => OURS.test(f))]);
  stale.delete(weightsFile);
  await Promise.all([...stale].map((f) => rm(join(dir, f), { force: true })));
  return { weightsFile, modelJsonBytes: Buffer.byteLength(json) };
}

/**
 * @internal Replace the model in `dir` so that the folder always holds one complete version, whenever the
 * process dies: the weights go to a new content-addressed file (flushed), then a flushed temporary
 * `model.json` whose manifest names that file is renamed over the old one (the atomic switch), the folder is
 * flushed, and only then are the old weights removed. A save that fails leaves the old model loadable;
 * temporary files and unreachable weights left by an interrupted save are removed by the next save.
 * Saves to one folder from one process run one after the other.
 *
 * @example
 * ```ts
 * await saveModelFolder('./my-model', bytes, (file) => JSON.stringify({ weightsManifest: [{ paths: [file], weights: [] }] }));
 * ```
 */
export function saveModelFolder(
  dir: string,
  weights: Uint8Array,
  modelJson: (weightsFile: string) => string,
): Promise<{ weightsFile: string; modelJsonBytes: number }> {
  const prior = inFlight.get(dir) ?? Promise.resolve();
  const run = prior.catch(() => undefined).then(() => writeFolder(dir, weights, modelJson));
  inFlight.set(dir, run);
  const clear = () => {
    if (inFlight.get(dir) === run) inFlight.delete(dir);
  };
  run.then(clear, clear);
  return run;
}
