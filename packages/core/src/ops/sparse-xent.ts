import { runFused } from '../composites/dispatch.js';
import {
  sparseSoftmaxCrossEntropyComposite,
  sparseSoftmaxCrossEntropyGradComposite,
} from '../composites/sparse-xent.js';
import type { GradFn } from '../engine/engine.js';
import { shapesEqual, type Tensor } from '../engine/tensor.js';
import { cast, reshape } from './shape.js';
import { convert, fmt, op, type TensorOrLike } from './util.js';

/** Gradient rule: only the logits (input 0) get a gradient, through the fused backward kernel. */
const sparseXentGrad: GradFn = (dy, [logits, labels], _y, _attrs, needs) => {
  if (!needs[0]) return [null, null];
  const out = { shape: logits!.shape, dtype: 'float32' } as const;
  const dx = runFused({
    name: 'sparseSoftmaxCrossEntropyGrad',
    kernel: 'sparseSoftmaxCrossEntropyGrad',
    inputs: [dy, logits!, labels!],
    out,
    run: (b, [d, x, l]) => b.kernels.sparseSoftmaxCrossEntropyGrad!(d!, x!, l!, out),
    composite: () => sparseSoftmaxCrossEntropyGradComposite(dy, logits!, labels!),
  });
  return [dx, null];
};

/**
 * Softmax cross-entropy from logits and integer class labels, per position: for logits `[...lead, classes]`
 * and labels `lead` (int32, or floats holding whole numbers), returns `lead` with
 * `log(sum(exp(logits))) - logits[label]`, computed stably. Its gradient for the logits is
 * `softmax(logits) - onehot(label)` (times the incoming gradient). Uses the backend's fused kernels when it
 * has them. A label outside `[0, classes)` gives NaN at its position (no data is read back to check it;
 * the sparse losses in `fit` check labels on the host once and name the offending label).
 *
 * @example
 * ```ts
 * nr.sparseSoftmaxCrossEntropy([2, 0], [[1, 2, 3], [1, 1, 1]]); // [0.408, 1.099]
 * ```
 */
export function sparseSoftmaxCrossEntropy(labelsLike: TensorOrLike, logitsLike: TensorOrLike): Tensor {
  const name = 'sparseSoftmaxCrossEntropy';
  return op(name, () => {
    let x = convert(logitsLike, name, 'logits');
    let labels = convert(labelsLike, name, 'labels', 'int32');
    if (x.rank === 0) throw new Error(`${name}: logits must have shape [..., classes], got a scalar`);
    if (x.dtype === 'bool') throw new Error(`${name}: logits must be float32 or int32, got bool`);
    if (labels.dtype === 'bool') throw new Error(`${name}: labels must be int32 class indices, got bool`);
    const lead = x.shape.slice(0, -1);
    if (!shapesEqual(labels.shape, lead)) {
      throw new Error(
        `${name}: labels ${fmt(labels.shape)} must have the logits' shape without the class axis, ${fmt(lead)}, for logits ${fmt(x.shape)}`,
      );
    }
    if (x.dtype === 'int32') x = cast(x, 'float32');
    if (labels.dtype !== 'int32') labels = cast(labels, 'int32');
    const classes = x.shape[x.rank - 1]!;
    const rows = labels.size;
    const x2 = reshape(x, [rows, classes]);
    const l1 = reshape(labels, [rows]);
    const out = { shape: [rows], dtype: 'float32' } as const;
    const y = runFused({
      name,
      kernel: name,
      inputs: [x2, l1],
      out,
      run: (b, [xo, lo]) => b.kernels.sparseSoftmaxCrossEntropy!(xo!, lo!, out),
      composite: () => sparseSoftmaxCrossEntropyComposite(x2, l1),
      grad: sparseXentGrad,
    });
    return reshape(y, lead);
  });
}
