/**
 * `unsortedSegmentSum`, which tfjs-wasm lacks, as a tfjs-wasm `ScatterNd` (which sums rows that share an
 * index). `ScatterNd` does not check bounds, so ids outside `[0, numSegments)` (dropped by our contract)
 * are first sent to one extra bucket that is cut off afterwards.
 *
 * @packageDocumentation
 */
import type { TensorInfo } from '@neurona/core';
import { type Runner, sizeOf, type TfInfo } from '../runner.js';

/**
 * Sum the rows of `x` (along axis 0) into `numSegments` buckets named by int32 `segmentIds` `[x.shape[0]]`.
 *
 * @example
 * ```ts
 * const y = unsortedSegmentSum(tw, x, ids, 3, { shape: [3, ...x.shape.slice(1)], dtype: x.dtype });
 * ```
 */
export function unsortedSegmentSum(
  tw: Runner,
  x: TfInfo,
  segmentIds: TfInfo,
  numSegments: number,
  out: TensorInfo,
): TfInfo {
  const rows = x.shape[0]!;
  const inner = sizeOf(x.shape) / Math.max(rows, 1);
  if (sizeOf(out.shape) === 0 || rows === 0) return tw.fill(out.shape, out.dtype, 0);
  const ids = tw.heap(segmentIds);
  let outside = false;
  for (let i = 0; i < rows; i++) {
    const id = ids[i]!;
    if (id < 0 || id >= numSegments) {
      outside = true;
      break;
    }
  }
  const updates = tw.view(x, [rows, inner]);
  if (!outside) {
    return tw.run(
      'ScatterNd',
      { indices: tw.view(segmentIds, [rows, 1]), updates },
      { shape: [numSegments, inner] },
    );
  }
  const remapped = Int32Array.from(ids, (id) => (id >= 0 && id < numSegments ? id : numSegments));
  const indices = tw.upload(remapped, [rows, 1], 'int32');
  const withTrash = tw.run('ScatterNd', { indices, updates }, { shape: [numSegments + 1, inner] });
  try {
    return tw.run('Slice', { x: withTrash }, { begin: [0, 0], size: [numSegments, inner] });
  } finally {
    tw.free(indices, withTrash);
  }
}
