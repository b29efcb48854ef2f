import { engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { whereGrad } from '../grad/where.js';
import { convertPair } from './elementwise.js';
import { broadcastShapes, convert, expectDtype, op, type TensorOrLike } from './util.js';

/**
 * Choose elementwise: `a` where `condition` is true, else `b` (all three broadcast).
 *
 * @example
 * ```ts
 * nr.where([true, false], [1, 2], [10, 20]); // [1, 20]
 * ```
 */
export function where(conditionLike: TensorOrLike, aLike: TensorOrLike, bLike: TensorOrLike): Tensor {
  return op('where', () => {
    const cond = convert(conditionLike, 'where', 'condition', 'bool');
    expectDtype(cond, ['bool'], 'where', 'condition');
    const [a, b] = convertPair(aLike, bLike, 'where');
    if (a.dtype !== b.dtype)
      throw new Error(`where: 'a' and 'b' must share a dtype, got ${a.dtype} and ${b.dtype}`);
    const shape = broadcastShapes(cond.shape, broadcastShapes(a.shape, b.shape, 'where'), 'where');
    const out = { shape, dtype: a.dtype };
    return engine().runKernel({
      name: 'where',
      inputs: [cond, a, b],
      out,
      run: (be, [c, ao, bo]) => be.kernels.where(c!, ao!, bo!, out),
      grad: whereGrad,
    });
  });
}
