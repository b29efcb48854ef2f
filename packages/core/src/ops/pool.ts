import type { Pool2DInfo, Shape } from '../backend/types.js';
import { runFused, toPair, windowGeometry } from '../composites/dispatch.js';
import {
  avgPoolComposite,
  avgPoolGradComposite,
  maxPoolComposite,
  maxPoolGradComposite,
} from '../composites/pool.js';
import type { Tensor } from '../engine/tensor.js';
import { avgPoolGrad, avgPoolGradGrad, maxPoolGrad, maxPoolGradGrad } from '../grad/pool.js';
import type { Padding } from './conv.js';
import { reshape } from './shape.js';
import { convert, fmt, op, type TensorOrLike } from './util.js';

/**
 * Geometry of 2-D pooling over NHWC input `xShape` (`[batch, height, width, channels]` or unbatched
 * `[height, width, channels]`), validated. Explicit padding must be smaller than the window on each side,
 * so that every window holds at least one input element.
 *
 * @example
 * ```ts
 * const info = nr.pool2dInfo([1, 4, 4, 3], [2, 2], [2, 2], 'valid');
 * info.outHeight; // 2
 * ```
 */
export function pool2dInfo(
  xShape: Shape,
  filterSize: number | readonly [number, number],
  strides: number | readonly [number, number] = filterSize,
  padding: Padding = 'valid',
): Pool2DInfo {
  return poolInfo('pool2d', xShape, filterSize, strides, padding);
}

function poolInfo(
  opName: string,
  xShape: Shape,
  filterSize: number | readonly [number, number],
  strides: number | readonly [number, number],
  padding: Padding,
): Pool2DInfo {
  if (xShape.length !== 4 && xShape.length !== 3) {
    throw new Error(
      `${opName}: x must have rank 4 [batch, height, width, channels] or 3, got ${fmt(xShape)}`,
    );
  }
  const [batch, inHeight, inWidth, channels] = xShape.length === 4 ? xShape : [1, ...xShape];
  const [fh, fw] = toPair(filterSize, 'filterSize', opName);
  const g = windowGeometry(
    opName,
    [inHeight!, inWidth!],
    [fh, fw],
    toPair(strides, 'strides', opName),
    padding,
    [1, 1],
  );
  if (Math.max(g.padTop, g.padBottom) >= fh || Math.max(g.padLeft, g.padRight) >= fw) {
    throw new Error(
      `${opName}: padding ${JSON.stringify(padding)} must be smaller than the ${fh}x${fw} window on every side`,
    );
  }
  return {
    batch: batch!,
    inHeight: inHeight!,
    inWidth: inWidth!,
    channels: channels!,
    outHeight: g.outHeight,
    outWidth: g.outWidth,
    filterHeight: fh,
    filterWidth: fw,
    strideHeight: g.strideHeight,
    strideWidth: g.strideWidth,
    padTop: g.padTop,
    padLeft: g.padLeft,
    padBottom: g.padBottom,
    padRight: g.padRight,
  };
}

type PoolKind = 'maxPool' | 'avgPool';

function pool(
  name: PoolKind,
  xLike: TensorOrLike,
  filterSize: number | readonly [number, number],
  strides: number | readonly [number, number],
  padding: Padding,
): Tensor {
  return op(name, () => {
    const x = convert(xLike, name, 'x');
    const info = poolInfo(name, x.shape, filterSize, strides, padding);
    if (x.dtype !== 'float32')
      throw new Error(`${name}: argument 'x' must be float32, got ${x.dtype} (use nr.cast)`);
    const x4 = x.rank === 3 ? reshape(x, [1, ...x.shape]) : x;
    const y = poolWithInfo(name, x4, info);
    return x.rank === 3 ? reshape(y, y.shape.slice(1)) : y;
  });
}

/** Max or average pooling of a rank-4 float32 `x` with a validated `info`. */
function poolWithInfo(name: PoolKind, x: Tensor, info: Pool2DInfo): Tensor {
  const out = {
    shape: [info.batch, info.outHeight, info.outWidth, info.channels],
    dtype: 'float32',
  } as const;
  const isMax = name === 'maxPool';
  return runFused({
    name,
    kernel: name,
    inputs: [x],
    out,
    attrs: info,
    run: (b, [xo]) => (isMax ? b.kernels.maxPool!(xo!, info, out) : b.kernels.avgPool!(xo!, info, out)),
    composite: () => (isMax ? maxPoolComposite(x, info) : avgPoolComposite(x, info)),
    grad: isMax ? maxPoolGrad : avgPoolGrad,
  });
}

/**
 * Max pooling over `filterSize` windows of NHWC input (rank 4, or unbatched rank 3), channels independently.
 * Arguments follow TensorFlow.js: `maxPool(x, filterSize, strides, pad)`; `strides` defaults to the window.
 * The gradient goes to the first maximum of each window.
 *
 * @example
 * ```ts
 * nr.maxPool(nr.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]), 2, 2, 'valid'); // [[[[4]]]]
 * ```
 */
export function maxPool(
  x: TensorOrLike,
  filterSize: number | readonly [number, number],
  strides: number | readonly [number, number] = filterSize,
  pad: Padding = 'valid',
): Tensor {
  return pool('maxPool', x, filterSize, strides, pad);
}

/**
 * Average pooling over `filterSize` windows of NHWC input (rank 4, or unbatched rank 3). Each window is
 * averaged over its in-bounds elements only (padding is not counted).
 *
 * @example
 * ```ts
 * nr.avgPool(nr.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]), 2, 2, 'valid'); // [[[[2.5]]]]
 * ```
 */
export function avgPool(
  x: TensorOrLike,
  filterSize: number | readonly [number, number],
  strides: number | readonly [number, number] = filterSize,
  pad: Padding = 'valid',
): Tensor {
  return pool('avgPool', x, filterSize, strides, pad);
}

function checkShape(t: Tensor, expected: readonly number[], name: string, arg: string): void {
  if (t.dtype !== 'float32') throw new Error(`${name}: argument '${arg}' must be float32, got ${t.dtype}`);
  if (t.rank !== expected.length || t.shape.some((d, i) => d !== expected[i])) {
    throw new Error(
      `${name}: argument '${arg}' has shape ${fmt(t.shape)}, expected ${fmt(expected)} from the pool info`,
    );
  }
}

/**
 * Gradient of {@link maxPool}: routes each `dy` element to the first maximum of its window in `x`.
 * Runs the backend's `maxPoolGrad` kernel when it has one.
 *
 * @example
 * ```ts
 * const info = nr.pool2dInfo([1, 4, 4, 1], 2, 2, 'valid');
 * const dx = nr.maxPoolBackprop(nr.ones([1, 2, 2, 1]), x, info); // shape [1, 4, 4, 1]
 * ```
 */
export function maxPoolBackprop(dyLike: TensorOrLike, xLike: TensorOrLike, info: Pool2DInfo): Tensor {
  const name = 'maxPoolGrad';
  return op(name, () => {
    const dy = convert(dyLike, name, 'dy');
    const x = convert(xLike, name, 'x');
    checkShape(dy, [info.batch, info.outHeight, info.outWidth, info.channels], name, 'dy');
    checkShape(x, [info.batch, info.inHeight, info.inWidth, info.channels], name, 'x');
    const out = { shape: x.shape, dtype: 'float32' } as const;
    return runFused({
      name,
      kernel: name,
      inputs: [dy, x],
      out,
      attrs: info,
      run: (b, [dyo, xo]) => b.kernels.maxPoolGrad!(dyo!, xo!, info, out),
      composite: () => maxPoolGradComposite(dy, x, info),
      grad: maxPoolGradGrad,
    });
  });
}

/**
 * Gradient of {@link avgPool}: spreads each `dy` element evenly over the in-bounds elements of its window.
 * Runs the backend's `avgPoolGrad` kernel when it has one.
 *
 * @example
 * ```ts
 * const info = nr.pool2dInfo([1, 4, 4, 1], 2, 2, 'valid');
 * const dx = nr.avgPoolBackprop(nr.ones([1, 2, 2, 1]), info); // 0.25 everywhere, shape [1, 4, 4, 1]
 * ```
 */
export function avgPoolBackprop(dyLike: TensorOrLike, info: Pool2DInfo): Tensor {
  const name = 'avgPoolGrad';
  return op(name, () => {
    const dy = convert(dyLike, name, 'dy');
    checkShape(dy, [info.batch, info.outHeight, info.outWidth, info.channels], name, 'dy');
    const out = {
      shape: [info.batch, info.inHeight, info.inWidth, info.channels],
      dtype: 'float32',
    } as const;
    return runFused({
      name,
      kernel: name,
      inputs: [dy],
      out,
      attrs: info,
      run: (b, [dyo]) => b.kernels.avgPoolGrad!(dyo!, info, out),
      composite: () => avgPoolGradComposite(dy, info),
      grad: avgPoolGradGrad,
    });
  });
}
