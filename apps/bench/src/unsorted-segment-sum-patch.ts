/**
 * The `tfjs-wasm+patch` column's second missing kernel: `UnsortedSegmentSum`, which tfjs-backend-wasm 4.22
 * lacks. tfjs's gradient of `gather` (so of tfjs-layers' `Embedding`) is a segment sum, so without it
 * tfjs-layers cannot train an embedding on wasm. Written for this bench, labelled as such in the table: a
 * plain JavaScript scatter-add straight over the wasm heap.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type * as tf from '@tensorflow/tfjs-core';

/**
 * The kernel function: `out[s, ...] = Σ x[i, ...] over every i with segmentIds[i] = s`, for `s` in
 * `[0, numSegments)` (ids outside that range are dropped, as in tfjs-cpu), on tfjs-backend-wasm.
 *
 * @example
 * ```ts
 * tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: unsortedSegmentSumWasm });
 * ```
 */
export function unsortedSegmentSumWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, segmentIds } = args.inputs;
  const numSegments = (args.attrs as { numSegments?: number } | undefined)?.numSegments;
  if (!x || !segmentIds)
    throw new Error('UnsortedSegmentSum (bench patch): expected inputs x and segmentIds');
  if (!Number.isInteger(numSegments) || numSegments! < 0) {
    throw new Error(
      `UnsortedSegmentSum (bench patch): numSegments must be an integer >= 0, got ${numSegments}`,
    );
  }
  if (x.dtype !== 'float32' || segmentIds.dtype !== 'int32') {
    throw new Error(
      `UnsortedSegmentSum (bench patch): expected float32 x and int32 segmentIds, got ${x.dtype} and ${segmentIds.dtype}`,
    );
  }
  const lead = segmentIds.shape;
  if (lead.some((d, i) => d !== x.shape[i])) {
    throw new Error(
      `UnsortedSegmentSum (bench patch): segmentIds shape [${lead.join(', ')}] must lead x shape [${x.shape.join(', ')}]`,
    );
  }
  const rest = x.shape.slice(lead.length);
  const inner = rest.reduce((a, b) => a * b, 1);
  const out = backend.makeOutput([numSegments!, ...rest], 'float32');
  // Views after makeOutput: growing the heap detaches older views.
  const xv = backend.typedArrayFromHeap(x) as Float32Array;
  const ids = backend.typedArrayFromHeap(segmentIds) as Int32Array;
  const ov = backend.typedArrayFromHeap(out) as Float32Array;
  ov.fill(0);
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i]!;
    if (s < 0 || s >= numSegments!) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) ov[dst + j]! += xv[src + j]!;
  }
  return out;
}
