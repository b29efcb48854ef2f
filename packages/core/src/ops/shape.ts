import type { DType, Shape } from '../backend/types.js';
import { engine } from '../engine/engine.js';
import { sizeOf, type Tensor } from '../engine/tensor.js';
import { shapeGrads } from '../grad/shape.js';
import { add } from './binary.js';
import { zeros } from './creation.js';
import { broadcastShapes, convert, fmt, normalizeAxes, op, type TensorOrLike } from './util.js';

/**
 * Give a tensor a new shape with the same number of elements (no copy; one dimension may be -1).
 *
 * @example
 * ```ts
 * nr.reshape(nr.range(0, 6), [2, -1]); // shape [2, 3]
 * ```
 */
export function reshape(xLike: TensorOrLike, shape: Shape): Tensor {
  return op('reshape', () => {
    const x = convert(xLike, 'reshape', 'x');
    const target = inferReshape(shape, x.size, x.shape);
    const e = engine();
    const y = e.view(x, target);
    e.recordNode('reshape', [x], y, shapeGrads.reshape);
    return y;
  });
}

function inferReshape(shape: Shape, size: number, from: Shape): number[] {
  const out = [...shape];
  const unknown = out.indexOf(-1);
  if (unknown !== out.lastIndexOf(-1))
    throw new Error(`reshape: only one dimension may be -1, got ${fmt(shape)}`);
  for (const d of out) {
    if (d !== -1 && (!Number.isInteger(d) || d < 0))
      throw new Error(`reshape: invalid target shape ${fmt(shape)}`);
  }
  if (unknown >= 0) {
    const known = sizeOf(out.filter((d) => d !== -1));
    if (known === 0 || size % known !== 0) {
      throw new Error(`reshape: cannot reshape ${fmt(from)} (${size} elements) to ${fmt(shape)}`);
    }
    out[unknown] = size / known;
  }
  if (sizeOf(out) !== size) {
    throw new Error(
      `reshape: cannot reshape ${fmt(from)} (${size} elements) to ${fmt(shape)} (${sizeOf(out)} elements)`,
    );
  }
  return out;
}

/**
 * Convert to another dtype (float to int32 truncates toward zero; to bool tests x != 0).
 *
 * @example
 * ```ts
 * nr.cast([1.7, -1.7], 'int32'); // [1, -1]
 * ```
 */
export function cast(xLike: TensorOrLike, dtype: DType): Tensor {
  return op('cast', () => {
    const x = convert(xLike, 'cast', 'x');
    if (x.dtype === dtype) return clone(x);
    const out = { shape: x.shape, dtype };
    return engine().runKernel({
      name: 'cast',
      inputs: [x],
      out,
      run: (b, [xo]) => b.kernels.cast(xo!, out),
      grad: shapeGrads.cast,
    });
  });
}

/**
 * Permute the axes (default: reverse them).
 *
 * @example
 * ```ts
 * nr.transpose(nr.zeros([2, 3])); // shape [3, 2]
 * nr.transpose(nr.zeros([2, 3, 4]), [0, 2, 1]); // shape [2, 4, 3]
 * ```
 */
export function transpose(xLike: TensorOrLike, perm?: readonly number[]): Tensor {
  return op('transpose', () => {
    const x = convert(xLike, 'transpose', 'x');
    const p = perm ? [...perm] : x.shape.map((_, i) => x.rank - 1 - i);
    if (p.length !== x.rank || [...p].sort((a, b) => a - b).some((v, i) => v !== i)) {
      throw new Error(
        `transpose: perm ${fmt(p)} is not a permutation of the ${x.rank} axes of ${fmt(x.shape)}`,
      );
    }
    if (p.every((v, i) => v === i)) return clone(x);
    const out = { shape: p.map((a) => x.shape[a]!), dtype: x.dtype };
    return engine().runKernel({
      name: 'transpose',
      inputs: [x],
      out,
      attrs: { perm: p },
      run: (b, [xo]) => b.kernels.transpose(xo!, p, out),
      grad: shapeGrads.transpose,
    });
  });
}

/**
 * Insert a dimension of size 1 at `axis`.
 *
 * @example
 * ```ts
 * nr.expandDims(nr.zeros([3]), 0); // shape [1, 3]
 * ```
 */
export function expandDims(xLike: TensorOrLike, axis = 0): Tensor {
  return op('expandDims', () => {
    const x = convert(xLike, 'expandDims', 'x');
    const r = x.rank + 1;
    if (!Number.isInteger(axis) || axis < -r || axis >= r) {
      throw new Error(`expandDims: axis ${axis} is out of range for a result of rank ${r}`);
    }
    const a = axis < 0 ? axis + r : axis;
    const shape = [...x.shape];
    shape.splice(a, 0, 1);
    return reshape(x, shape);
  });
}

/**
 * Remove dimensions of size 1 (all of them, or those in `axis`).
 *
 * @example
 * ```ts
 * nr.squeeze(nr.zeros([1, 3, 1])); // shape [3]
 * ```
 */
export function squeeze(xLike: TensorOrLike, axis?: number | readonly number[]): Tensor {
  return op('squeeze', () => {
    const x = convert(xLike, 'squeeze', 'x');
    const axes =
      axis === undefined
        ? x.shape.flatMap((d, i) => (d === 1 ? [i] : []))
        : normalizeAxes(axis, x.rank, 'squeeze');
    for (const a of axes) {
      if (x.shape[a] !== 1)
        throw new Error(`squeeze: axis ${a} of ${fmt(x.shape)} has size ${x.shape[a]}, not 1`);
    }
    return reshape(
      x,
      x.shape.filter((_, i) => !axes.includes(i)),
    );
  });
}

/**
 * Flatten to rank 1.
 *
 * @example
 * ```ts
 * nr.flatten(nr.zeros([2, 3])); // shape [6]
 * ```
 */
export function flatten(xLike: TensorOrLike): Tensor {
  return op('flatten', () => {
    const x = convert(xLike, 'flatten', 'x');
    return reshape(x, [x.size]);
  });
}

/**
 * Broadcast to a larger shape (NumPy rules).
 *
 * @example
 * ```ts
 * nr.broadcastTo([1, 2], [3, 2]); // [[1, 2], [1, 2], [1, 2]]
 * ```
 */
export function broadcastTo(xLike: TensorOrLike, shape: Shape): Tensor {
  return op('broadcastTo', () => {
    const x = convert(xLike, 'broadcastTo', 'x');
    const target = broadcastShapes(x.shape, shape, 'broadcastTo');
    if (target.length !== shape.length || target.some((d, i) => d !== shape[i])) {
      throw new Error(`broadcastTo: cannot broadcast ${fmt(x.shape)} to ${fmt(shape)}`);
    }
    if (sizeOf(target) === x.size && target.length === x.rank) return clone(x);
    if (x.dtype === 'bool') return cast(add(cast(x, 'int32'), zeros(shape, 'int32')), 'bool');
    return add(x, zeros(shape, x.dtype));
  });
}

/**
 * A new tensor with the same value as `x` (it shares the data; gradients pass through unchanged).
 *
 * @example
 * ```ts
 * const y = nr.clone(x);
 * x.dispose(); // y stays valid
 * ```
 */
export function clone(x: Tensor): Tensor {
  const e = engine();
  const y = e.view(x, x.shape);
  e.recordNode('identity', [x], y, shapeGrads.identity);
  return y;
}
