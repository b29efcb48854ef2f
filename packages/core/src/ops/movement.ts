import { engine } from '../engine/engine.js';
import { shapesEqual, type Tensor } from '../engine/tensor.js';
import { concatGrad, gatherGrad, padGrad, sliceGrad } from '../grad/movement.js';
import { equal } from './binary.js';
import { range, tensor } from './creation.js';
import { clone, expandDims } from './shape.js';
import { convert, expectDtype, fmt, normalizeAxis, op, type TensorOrLike } from './util.js';
import { where } from './where.js';

function isIndex(v: number): boolean {
  return Number.isInteger(v) && v >= 0;
}

/** Expand tfjs-style `begin`/`size` (numbers, short lists, -1 for "to the end") to full per-axis lists. */
function sliceParams(
  x: Tensor,
  beginArg: number | readonly number[],
  sizeArg: number | readonly number[] | undefined,
): { begin: number[]; size: number[] } {
  const r = x.rank;
  const beginList = typeof beginArg === 'number' ? [beginArg] : [...beginArg];
  const sizeList = sizeArg === undefined ? [] : typeof sizeArg === 'number' ? [sizeArg] : [...sizeArg];
  if (beginList.length > r || sizeList.length > r) {
    throw new Error(
      `slice: begin ${fmt(beginList)} and size ${fmt(sizeList)} may have at most ${r} entries for x of shape ${fmt(x.shape)}`,
    );
  }
  const begin = x.shape.map((_, i) => beginList[i] ?? 0);
  const size = x.shape.map((_, i) => sizeList[i] ?? -1);
  for (let i = 0; i < r; i++) {
    const dim = x.shape[i]!;
    const b = begin[i]!;
    if (!isIndex(b) || b > dim) {
      throw new Error(`slice: begin[${i}] = ${b} is out of range [0, ${dim}] for x of shape ${fmt(x.shape)}`);
    }
    const s = size[i]!;
    if (s === -1) size[i] = dim - b;
    else if (!isIndex(s) || b + s > dim) {
      throw new Error(
        `slice: begin ${fmt(begin)} + size ${fmt(size)} exceeds x of shape ${fmt(x.shape)} at axis ${i} (${b} + ${s} > ${dim})`,
      );
    }
  }
  return { begin, size };
}

/**
 * Extract a contiguous block starting at `begin` with extent `size` (tfjs semantics): a number or a
 * short list applies to the leading axes, missing entries mean "from 0" and "to the end", and a size
 * of -1 means "to the end of that axis".
 *
 * @example
 * ```ts
 * nr.slice([[1, 2, 3], [4, 5, 6]], [0, 1], [2, 2]); // [[2, 3], [5, 6]]
 * nr.slice([1, 2, 3, 4], 1, 2);                     // [2, 3]
 * nr.slice([[1, 2], [3, 4]], [1, 0], [-1, 1]);      // [[3]]
 * ```
 */
export function slice(
  xLike: TensorOrLike,
  begin: number | readonly number[],
  size?: number | readonly number[],
): Tensor {
  return op('slice', () => {
    const x = convert(xLike, 'slice', 'x');
    const p = sliceParams(x, begin, size);
    if (shapesEqual(p.size, x.shape)) return clone(x);
    const out = { shape: p.size, dtype: x.dtype };
    return engine().runKernel({
      name: 'slice',
      inputs: [x],
      out,
      attrs: p,
      run: (b, [xo]) => b.kernels.slice(xo!, p.begin, out),
      grad: sliceGrad,
    });
  });
}

/**
 * Pad with a constant: `paddings[i] = [before, after]` elements are added on axis i.
 *
 * @example
 * ```ts
 * nr.pad([[1, 2]], [[1, 0], [0, 1]]);   // [[0, 0, 0], [1, 2, 0]]
 * nr.pad([1, 2], [[1, 1]], -1);        // [-1, 1, 2, -1]
 * ```
 */
export function pad(
  xLike: TensorOrLike,
  paddings: readonly (readonly [number, number])[],
  constantValue = 0,
): Tensor {
  return op('pad', () => {
    const x = convert(xLike, 'pad', 'x');
    if (paddings.length !== x.rank) {
      throw new Error(
        `pad: expected ${x.rank} [before, after] pairs for x of shape ${fmt(x.shape)}, got ${paddings.length}`,
      );
    }
    const pads = paddings.map((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2 || !isIndex(pair[0]) || !isIndex(pair[1])) {
        throw new Error(
          `pad: paddings[${i}] must be a pair of non-negative integers, got ${JSON.stringify(pair)}`,
        );
      }
      return [pair[0], pair[1]] as const;
    });
    if (x.dtype === 'int32' && !Number.isInteger(constantValue)) {
      throw new Error(`pad: constantValue ${constantValue} cannot be stored in an int32 tensor`);
    }
    if (pads.every(([a, b]) => a === 0 && b === 0)) return clone(x);
    const value = x.dtype === 'bool' ? (constantValue ? 1 : 0) : constantValue;
    const out = { shape: x.shape.map((d, i) => d + pads[i]![0] + pads[i]![1]), dtype: x.dtype };
    return engine().runKernel({
      name: 'pad',
      inputs: [x],
      out,
      attrs: { paddings: pads },
      run: (b, [xo]) => b.kernels.pad(xo!, pads, value, out),
      grad: padGrad,
    });
  });
}

/**
 * Join tensors along an existing axis. All must share rank and dtype, and match on every other axis.
 *
 * @example
 * ```ts
 * nr.concat([[[1, 2]], [[3, 4]]]);        // [[1, 2], [3, 4]]
 * nr.concat([[[1], [2]], [[3], [4]]], 1); // [[1, 3], [2, 4]]
 * ```
 */
export function concat(tensors: readonly TensorOrLike[], axis = 0): Tensor {
  return op('concat', () => {
    if (!Array.isArray(tensors) || tensors.length === 0)
      throw new Error('concat: expected a non-empty list of tensors');
    const xs = tensors.map((t, i) => convert(t, 'concat', `tensors[${i}]`));
    const first = xs[0]!;
    if (first.rank === 0) throw new Error('concat: cannot concatenate scalars (use nr.stack)');
    const ax = normalizeAxis(axis, first.rank, 'concat');
    let total = 0;
    xs.forEach((t, i) => {
      if (t.dtype !== first.dtype) {
        throw new Error(
          `concat: tensors[${i}] has dtype ${t.dtype}, but tensors[0] has ${first.dtype} (use nr.cast)`,
        );
      }
      const bad = t.rank !== first.rank ? -1 : t.shape.findIndex((d, j) => j !== ax && d !== first.shape[j]);
      if (t.rank !== first.rank || bad >= 0) {
        const why = bad < 0 ? 'ranks differ' : `dimension ${bad} differs`;
        throw new Error(
          `concat: shapes ${fmt(first.shape)} (tensors[0]) and ${fmt(t.shape)} (tensors[${i}]) cannot be joined along axis ${ax}: ${why}`,
        );
      }
      total += t.shape[ax]!;
    });
    if (xs.length === 1) return clone(first);
    const shape = [...first.shape];
    shape[ax] = total;
    const out = { shape, dtype: first.dtype };
    return engine().runKernel({
      name: 'concat',
      inputs: xs,
      out,
      attrs: { axis: ax },
      run: (b, operands) => b.kernels.concat(operands, ax, out),
      grad: concatGrad,
    });
  });
}

/**
 * Join same-shape tensors along a new axis.
 *
 * @example
 * ```ts
 * nr.stack([[1, 2], [3, 4]]);    // [[1, 2], [3, 4]]
 * nr.stack([[1, 2], [3, 4]], 1); // [[1, 3], [2, 4]]
 * ```
 */
export function stack(tensors: readonly TensorOrLike[], axis = 0): Tensor {
  return op('stack', () => {
    if (!Array.isArray(tensors) || tensors.length === 0)
      throw new Error('stack: expected a non-empty list of tensors');
    const xs = tensors.map((t, i) => convert(t, 'stack', `tensors[${i}]`));
    const first = xs[0]!;
    xs.forEach((t, i) => {
      if (!shapesEqual(t.shape, first.shape) || t.dtype !== first.dtype) {
        throw new Error(
          `stack: tensors[${i}] is ${fmt(t.shape)} ${t.dtype}, but tensors[0] is ${fmt(first.shape)} ${first.dtype}; all must match`,
        );
      }
    });
    const r = first.rank + 1;
    if (!Number.isInteger(axis) || axis < -r || axis >= r) {
      throw new Error(`stack: axis ${axis} is out of range for a result of rank ${r}`);
    }
    const ax = axis < 0 ? axis + r : axis;
    return concat(
      xs.map((t) => expandDims(t, ax)),
      ax,
    );
  });
}

/**
 * Split along `axis` into `n` equal parts, or into parts of the given sizes (one size may be -1).
 *
 * @example
 * ```ts
 * const [a, b] = nr.split([1, 2, 3, 4], 2);        // [1, 2], [3, 4]
 * const [c, d] = nr.split([[1, 2, 3]], [1, -1], 1); // [[1]], [[2, 3]]
 * ```
 */
export function split(xLike: TensorOrLike, numOrSizeSplits: number | readonly number[], axis = 0): Tensor[] {
  return op('split', () => {
    const x = convert(xLike, 'split', 'x');
    if (x.rank === 0) throw new Error('split: cannot split a scalar');
    const ax = normalizeAxis(axis, x.rank, 'split');
    const dim = x.shape[ax]!;
    let sizes: number[];
    if (typeof numOrSizeSplits === 'number') {
      const n = numOrSizeSplits;
      if (!Number.isInteger(n) || n < 1 || dim % n !== 0) {
        throw new Error(
          `split: axis ${ax} of ${fmt(x.shape)} (size ${dim}) cannot be split into ${n} equal parts`,
        );
      }
      sizes = new Array<number>(n).fill(dim / n);
    } else {
      sizes = [...numOrSizeSplits];
      const unknown = sizes.indexOf(-1);
      const bad = sizes.some((s, i) => !(isIndex(s) || (s === -1 && i === unknown)));
      const known = sizes.reduce((acc, s) => (s === -1 ? acc : acc + s), 0);
      if (bad || sizes.length === 0 || (unknown >= 0 ? known > dim : known !== dim)) {
        throw new Error(
          `split: sizes ${fmt(numOrSizeSplits)} do not add up to ${dim}, the size of axis ${ax} of ${fmt(x.shape)} (one size may be -1)`,
        );
      }
      if (unknown >= 0) sizes[unknown] = dim - known;
    }
    let offset = 0;
    return sizes.map((s) => {
      const begin = x.shape.map((_, i) => (i === ax ? offset : 0));
      const size = x.shape.map((d, i) => (i === ax ? s : d));
      offset += s;
      return slice(x, begin, size);
    });
  });
}

/** Dispatch the gather kernel; indices are assumed int32 and in range. */
function gatherUnchecked(x: Tensor, indices: Tensor, axis: number): Tensor {
  const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const out = { shape, dtype: x.dtype };
  return engine().runKernel({
    name: 'gather',
    inputs: [x, indices],
    out,
    attrs: { axis },
    run: (b, [xo, io]) => b.kernels.gather(xo!, io!, axis, out),
    grad: gatherGrad,
  });
}

/**
 * Take slices of `x` along `axis` at int32 `indices` of any shape. The result has shape
 * `x.shape[:axis] + indices.shape + x.shape[axis+1:]`. Out-of-range indices are reported when the
 * backend can read synchronously (CPU, WASM); elsewhere they are the caller's responsibility.
 *
 * @example
 * ```ts
 * nr.gather([10, 20, 30], [2, 0]);              // [30, 10]
 * nr.gather([[1, 2], [3, 4]], [[1], [0]], 1);  // [[[2], [1]], [[4], [3]]]
 * ```
 */
export function gather(xLike: TensorOrLike, indicesLike: TensorOrLike, axis = 0): Tensor {
  return op('gather', () => {
    const x = convert(xLike, 'gather', 'x');
    const indices = convert(indicesLike, 'gather', 'indices', 'int32');
    expectDtype(indices, ['int32'], 'gather', 'indices');
    if (x.rank === 0) throw new Error('gather: x must have rank >= 1, got a scalar');
    const ax = normalizeAxis(axis, x.rank, 'gather');
    const dim = x.shape[ax]!;
    const backend = indices.storage.backend;
    if (backend.readSync && indices.size > 0) {
      const data = backend.readSync(indices.storage.handle);
      for (let i = 0; i < data.length; i++) {
        const v = data[i]!;
        if (v < 0 || v >= dim) {
          throw new Error(
            `gather: index ${v} (flat position ${i} of indices ${fmt(indices.shape)}) is out of range [0, ${dim}) for axis ${ax} of x ${fmt(x.shape)}`,
          );
        }
      }
    }
    return gatherUnchecked(x, indices, ax);
  });
}

/**
 * Repeat `x` `reps[i]` times along each axis i.
 *
 * @example
 * ```ts
 * nr.tile([1, 2], [2]);        // [1, 2, 1, 2]
 * nr.tile([[1], [2]], [1, 2]); // [[1, 1], [2, 2]]
 * ```
 */
export function tile(xLike: TensorOrLike, reps: readonly number[]): Tensor {
  return op('tile', () => {
    const x = convert(xLike, 'tile', 'x');
    if (reps.length !== x.rank || !reps.every(isIndex)) {
      throw new Error(
        `tile: reps ${fmt(reps)} must hold one non-negative integer per axis of x ${fmt(x.shape)}`,
      );
    }
    let y: Tensor = x;
    reps.forEach((rep, axis) => {
      if (rep === 1) return;
      const dim = x.shape[axis]!;
      const idx = new Int32Array(dim * rep);
      for (let i = 0; i < idx.length; i++) idx[i] = i % dim;
      y = gatherUnchecked(y, tensor(idx, [idx.length], 'int32'), axis);
    });
    return y === x ? clone(x) : y;
  });
}

/**
 * One-hot encode int32 `indices` of any shape into float32 `[...indices.shape, depth]`: `onValue` at each
 * index, `offValue` elsewhere (indices outside `[0, depth)` give an all-`offValue` row).
 *
 * @example
 * ```ts
 * nr.oneHot([0, 2], 3); // [[1, 0, 0], [0, 0, 1]]
 * ```
 */
export function oneHot(indicesLike: TensorOrLike, depth: number, onValue = 1, offValue = 0): Tensor {
  return op('oneHot', () => {
    const indices = convert(indicesLike, 'oneHot', 'indices', 'int32');
    expectDtype(indices, ['int32'], 'oneHot', 'indices');
    if (!isIndex(depth)) throw new Error(`oneHot: depth must be a non-negative integer, got ${depth}`);
    const hit = equal(expandDims(indices, -1), range(0, depth, 1, 'int32'));
    return where(hit, onValue, offValue);
  });
}
