import type { Conv2DInfo, Shape } from '../backend/types.js';
import {
  conv2dComposite,
  conv2dGradFilterComposite,
  conv2dGradInputComposite,
} from '../composites/conv2d.js';
import { runFused } from '../composites/dispatch.js';
import type { Tensor } from '../engine/tensor.js';
import { conv2dGrad, conv2dGradFilterGrad, conv2dGradInputGrad } from '../grad/conv.js';
import { checkOperand, expectFloat, windowConvInfo } from './conv-checks.js';
import { reshape } from './shape.js';
import { convert, op, type TensorOrLike } from './util.js';

/**
 * Padding of a sliding window: `'valid'` (none), `'same'` (TensorFlow rule: the output has
 * `ceil(in / stride)` positions, the extra pad goes to the bottom/right), the same amount on every side,
 * or explicit `[[top, bottom], [left, right]]`.
 *
 * @example
 * ```ts
 * const p: nr.Padding = [[1, 0], [1, 0]];
 * ```
 */
export type Padding =
  | 'same'
  | 'valid'
  | number
  | readonly [readonly [number, number], readonly [number, number]];

/**
 * Geometry of an NHWC convolution (output size and explicit padding), validated. `xShape` is
 * `[batch, height, width, inChannels]` (or unbatched `[height, width, inChannels]`); `filterShape` is
 * `[filterHeight, filterWidth, inChannels, outChannels]`.
 *
 * @example
 * ```ts
 * const info = nr.conv2dInfo([1, 5, 5, 1], [3, 3, 1, 2], [2, 2], 'same', 1);
 * info.outHeight; // 3
 * ```
 */
export function conv2dInfo(
  xShape: Shape,
  filterShape: Shape,
  strides: number | readonly [number, number] = 1,
  padding: Padding = 'valid',
  dilations: number | readonly [number, number] = 1,
): Conv2DInfo {
  return windowConvInfo('conv2d', false, xShape, filterShape, strides, padding, dilations);
}

/**
 * Whether a convolution's im2col matrix is `x` itself: a 1x1 filter at unit stride without padding, so the
 * convolution is one matrix product of `x` (as `[batch·height·width, inChannels]`) and the filter. Backends
 * use it to skip the im2col copy.
 *
 * @example
 * ```ts
 * nr.isPointwiseConv(nr.conv2dInfo([1, 4, 4, 3], [1, 1, 3, 8])); // true
 * nr.isPointwiseConv(nr.conv2dInfo([1, 4, 4, 3], [3, 3, 3, 8])); // false
 * ```
 */
export function isPointwiseConv(info: Conv2DInfo): boolean {
  return (
    info.filterHeight === 1 &&
    info.filterWidth === 1 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.padTop === 0 &&
    info.padLeft === 0 &&
    info.outHeight === info.inHeight &&
    info.outWidth === info.inWidth
  );
}

/**
 * 2-D convolution (cross-correlation, as in every deep-learning library) of NHWC images with a
 * `[filterHeight, filterWidth, inChannels, outChannels]` filter. An unbatched rank-3 `x` gives a rank-3 result.
 * Runs the backend's fused kernel when it has one, else an im2col composite of gather and matMul.
 *
 * @example
 * ```ts
 * const x = nr.ones([1, 4, 4, 1]);
 * const w = nr.ones([3, 3, 1, 2]);
 * nr.conv2d(x, w, 1, 'same'); // shape [1, 4, 4, 2]
 * nr.conv2d(x, w, [2, 2], 'valid', 1); // shape [1, 1, 1, 2]
 * ```
 */
export function conv2d(
  xLike: TensorOrLike,
  filterLike: TensorOrLike,
  strides: number | readonly [number, number] = 1,
  padding: Padding = 'valid',
  dilations: number | readonly [number, number] = 1,
): Tensor {
  return op('conv2d', () => {
    const x = convert(xLike, 'conv2d', 'x');
    const filter = convert(filterLike, 'conv2d', 'filter');
    const info = conv2dInfo(x.shape, filter.shape, strides, padding, dilations);
    expectFloat(x, 'conv2d', 'x');
    expectFloat(filter, 'conv2d', 'filter');
    const x4 = x.rank === 3 ? reshape(x, [1, ...x.shape]) : x;
    const out = {
      shape: [info.batch, info.outHeight, info.outWidth, info.outChannels],
      dtype: 'float32',
    } as const;
    const y = runFused({
      name: 'conv2d',
      kernel: 'conv2d',
      inputs: [x4, filter],
      out,
      attrs: info,
      run: (b, [xo, fo]) => b.kernels.conv2d!(xo!, fo!, info, out),
      composite: () => conv2dComposite(x4, filter, info),
      grad: conv2dGrad,
    });
    return x.rank === 3 ? reshape(y, out.shape.slice(1)) : y;
  });
}

/**
 * Gradient of {@link conv2d} with respect to its input (a transposed convolution): maps `dy`
 * `[batch, outHeight, outWidth, outChannels]` back to `[batch, inHeight, inWidth, inChannels]`.
 * Used by conv2d's gradient rule; runs the backend's `conv2dGradInput` kernel when it has one.
 *
 * @example
 * ```ts
 * const info = nr.conv2dInfo([1, 4, 4, 1], [3, 3, 1, 2], 1, 'same');
 * const dx = nr.conv2dBackpropInput(nr.ones([1, 4, 4, 2]), nr.ones([3, 3, 1, 2]), info); // [1, 4, 4, 1]
 * ```
 */
export function conv2dBackpropInput(
  dyLike: TensorOrLike,
  filterLike: TensorOrLike,
  info: Conv2DInfo,
): Tensor {
  const name = 'conv2dGradInput';
  return op(name, () => {
    const dy = convert(dyLike, name, 'dy');
    const filter = convert(filterLike, name, 'filter');
    checkOperand(dy, [info.batch, info.outHeight, info.outWidth, info.outChannels], name, 'dy');
    checkOperand(
      filter,
      [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels],
      name,
      'filter',
    );
    const out = {
      shape: [info.batch, info.inHeight, info.inWidth, info.inChannels],
      dtype: 'float32',
    } as const;
    return runFused({
      name,
      kernel: 'conv2dGradInput',
      inputs: [dy, filter],
      out,
      attrs: info,
      run: (b, [dyo, fo]) => b.kernels.conv2dGradInput!(dyo!, fo!, info, out),
      composite: () => conv2dGradInputComposite(dy, filter, info),
      grad: conv2dGradInputGrad,
    });
  });
}

/**
 * Gradient of {@link conv2d} with respect to its filter, given the input `x` and `dy`:
 * returns `[filterHeight, filterWidth, inChannels, outChannels]`. Used by conv2d's gradient rule;
 * runs the backend's `conv2dGradFilter` kernel when it has one.
 *
 * @example
 * ```ts
 * const info = nr.conv2dInfo([1, 4, 4, 1], [3, 3, 1, 2], 1, 'same');
 * const dw = nr.conv2dBackpropFilter(nr.ones([1, 4, 4, 1]), nr.ones([1, 4, 4, 2]), info); // [3, 3, 1, 2]
 * ```
 */
export function conv2dBackpropFilter(xLike: TensorOrLike, dyLike: TensorOrLike, info: Conv2DInfo): Tensor {
  const name = 'conv2dGradFilter';
  return op(name, () => {
    const x = convert(xLike, name, 'x');
    const dy = convert(dyLike, name, 'dy');
    checkOperand(x, [info.batch, info.inHeight, info.inWidth, info.inChannels], name, 'x');
    checkOperand(dy, [info.batch, info.outHeight, info.outWidth, info.outChannels], name, 'dy');
    const out = {
      shape: [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels],
      dtype: 'float32',
    } as const;
    return runFused({
      name,
      kernel: 'conv2dGradFilter',
      inputs: [x, dy],
      out,
      attrs: info,
      run: (b, [xo, dyo]) => b.kernels.conv2dGradFilter!(xo!, dyo!, info, out),
      composite: () => conv2dGradFilterComposite(x, dy, info),
      grad: conv2dGradFilterGrad,
    });
  });
}
