import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { type IdxArray, type IdxExpectation, parseIdx } from './idx.js';

/**
 * Read and decode an IDX file from disk; a path ending in `.gz` (or gzip-compressed content) is gunzipped
 * first with `node:zlib`. Errors name the path.
 *
 * @example
 * ```ts
 * const labels = await readIdxFile('data/t10k-labels-idx1-ubyte.gz', { rank: 1 });
 * ```
 */
export async function readIdxFile(path: string, expect: IdxExpectation = {}): Promise<IdxArray> {
  let raw: Uint8Array;
  try {
    raw = await readFile(path);
  } catch (e) {
    throw new Error(`IDX file ${path}: cannot read it (${(e as Error).message})`);
  }
  return parseIdx(maybeGunzip(raw, path), path, expect);
}

/**
 * Gunzip when the bytes start with the gzip magic (1f 8b), else return them as they are; a damaged or cut
 * stream, or a `.gz` name on uncompressed bytes, gives an error naming `name`.
 *
 * @example
 * ```ts
 * const raw = maybeGunzip(readFileSync('t10k-labels-idx1-ubyte.gz'), 't10k-labels-idx1-ubyte.gz');
 * ```
 */
export function maybeGunzip(raw: Uint8Array, name: string): Uint8Array {
  if (raw.length < 2 || raw[0] !== 0x1f || raw[1] !== 0x8b) {
    if (name.endsWith('.gz')) throw new Error(`IDX file ${name}: named .gz but not gzip-compressed`);
    return raw;
  }
  try {
    return gunzipSync(raw);
  } catch (e) {
    throw new Error(
      `IDX file ${name}: cannot decompress it, the gzip stream is damaged or truncated (${(e as Error).message})`,
    );
  }
}
