import { unsortedSegmentSumComposite } from '../composites/segment.js';
import { engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { unsortedSegmentSumGrad } from '../grad/movement.js';
import { convert, expectDtype, fmt, op, type TensorOrLike } from './util.js';

/**
 * Sum the rows of `x` (slices along axis 0) into `numSegments` buckets: row i is added to bucket
 * `segmentIds[i]`. Ids need not be sorted; rows whose id is outside `[0, numSegments)` are dropped and
 * empty buckets are 0. The result has shape `[numSegments, ...x.shape.slice(1)]`. Runs the backend's
 * fused kernel when it has one, else a composite of primitives.
 *
 * @example
 * ```ts
 * nr.unsortedSegmentSum([[1, 2], [3, 4], [5, 6]], [1, 0, 1], 3); // [[3, 4], [6, 8], [0, 0]]
 * ```
 */
export function unsortedSegmentSum(
  xLike: TensorOrLike,
  segmentIdsLike: TensorOrLike,
  numSegments: number,
): Tensor {
  return op('unsortedSegmentSum', () => {
    const x = convert(xLike, 'unsortedSegmentSum', 'x');
    const ids = convert(segmentIdsLike, 'unsortedSegmentSum', 'segmentIds', 'int32');
    expectDtype(x, ['float32', 'int32'], 'unsortedSegmentSum', 'x');
    expectDtype(ids, ['int32'], 'unsortedSegmentSum', 'segmentIds');
    if (x.rank === 0) throw new Error('unsortedSegmentSum: x must have rank >= 1, got a scalar');
    if (ids.rank !== 1 || ids.shape[0] !== x.shape[0]) {
      throw new Error(
        `unsortedSegmentSum: segmentIds must have shape [${x.shape[0]}] (one id per row of x ${fmt(x.shape)}), got ${fmt(ids.shape)}`,
      );
    }
    if (!Number.isInteger(numSegments) || numSegments < 0) {
      throw new Error(`unsortedSegmentSum: numSegments must be a non-negative integer, got ${numSegments}`);
    }
    const e = engine();
    if (!e.hasKernel('unsortedSegmentSum')) {
      return e.framed({ composite: 'unsortedSegmentSum' }, () =>
        unsortedSegmentSumComposite(x, ids, numSegments),
      );
    }
    const out = { shape: [numSegments, ...x.shape.slice(1)], dtype: x.dtype };
    return engine().runKernel({
      name: 'unsortedSegmentSum',
      inputs: [x, ids],
      out,
      attrs: { numSegments },
      run: (b, [xo, io]) => b.kernels.unsortedSegmentSum!(xo!, io!, numSegments, out),
      grad: unsortedSegmentSumGrad,
    });
  });
}
