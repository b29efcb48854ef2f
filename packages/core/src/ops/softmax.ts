import { runFused } from '../composites/dispatch.js';
import { logSoftmaxComposite, softmaxComposite } from '../composites/softmax.js';
import type { Tensor } from '../engine/tensor.js';
import { logSoftmaxGrad, softmaxGrad } from '../grad/softmax.js';
import { cast, transpose } from './shape.js';
import { convert, normalizeAxis, op, type TensorOrLike } from './util.js';

type Kind = 'softmax' | 'logSoftmax';

function run(name: Kind, logitsLike: TensorOrLike, axis: number): Tensor {
  return op(name, () => {
    let x = convert(logitsLike, name, 'logits');
    if (x.rank === 0) throw new Error(`${name}: logits must have rank >= 1, got a scalar`);
    if (x.dtype === 'bool') throw new Error(`${name}: logits must be float32 or int32, got bool`);
    if (x.dtype === 'int32') x = cast(x, 'float32');
    const a = normalizeAxis(axis, x.rank, name);
    const last = x.rank - 1;
    // A non-last axis is swapped with the last one (a swap is its own inverse).
    const perm = x.shape.map((_, i) => (i === a ? last : i === last ? a : i));
    const moved = a === last ? x : transpose(x, perm);
    const out = { shape: moved.shape, dtype: 'float32' } as const;
    const isSoftmax = name === 'softmax';
    const y = runFused({
      name,
      kernel: name,
      inputs: [moved],
      out,
      run: (b, [xo]) => (isSoftmax ? b.kernels.softmax!(xo!, out) : b.kernels.logSoftmax!(xo!, out)),
      composite: () => (isSoftmax ? softmaxComposite(moved) : logSoftmaxComposite(moved)),
      grad: isSoftmax ? softmaxGrad : logSoftmaxGrad,
    });
    return a === last ? y : transpose(y, perm);
  });
}

/**
 * Softmax along `dim` (default the last axis): `exp(x) / sum(exp(x))`, computed stably.
 * Rows sum to 1. Uses the backend's fused kernel when it has one.
 *
 * @example
 * ```ts
 * nr.softmax([1, 2, 3]);              // [0.090, 0.245, 0.665]
 * nr.softmax([[1, 2], [3, 4]], 0);    // columns sum to 1
 * ```
 */
export function softmax(logits: TensorOrLike, dim = -1): Tensor {
  return run('softmax', logits, dim);
}

/**
 * Log of the softmax along `axis` (default the last axis): `x - log(sum(exp(x)))`, computed stably
 * (no overflow for large logits). Uses the backend's fused kernel when it has one.
 *
 * @example
 * ```ts
 * nr.logSoftmax([1, 2, 3]); // [-2.408, -1.408, -0.408]
 * ```
 */
export function logSoftmax(logits: TensorOrLike, axis = -1): Tensor {
  return run('logSoftmax', logits, axis);
}
