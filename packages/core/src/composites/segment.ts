import { sizeOf, type Tensor } from '../engine/tensor.js';
import { matMul } from '../ops/matmul.js';
import { oneHot } from '../ops/movement.js';
import { cast, reshape } from '../ops/shape.js';

/**
 * Default for the optional `unsortedSegmentSum` kernel, written from primitives: a one-hot matrix of the ids
 * (`[n, numSegments]`) transposed and multiplied with the rows of `x` viewed as `[n, inner]`. Rows whose id is
 * outside `[0, numSegments)` have an all-zero one-hot row and are dropped. Costs `n * numSegments * inner`
 * multiply-adds; the products by 0 and 1 are exact, but a non-finite value in any row of `x` turns its whole
 * column of the result into NaN (0 * Inf), which a native kernel does not do.
 *
 * Arguments are already validated by the `unsortedSegmentSum` op. Gradients come from `matMul`.
 *
 * @internal
 */
export function unsortedSegmentSumComposite(x: Tensor, segmentIds: Tensor, numSegments: number): Tensor {
  const rest = x.shape.slice(1);
  const rows = reshape(x, [x.shape[0]!, sizeOf(rest)]);
  let hot = oneHot(segmentIds, numSegments);
  if (x.dtype !== 'float32') hot = cast(hot, x.dtype);
  return reshape(matMul(hot, rows, true, false), [numSegments, ...rest]);
}
