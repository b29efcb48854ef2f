/**
 * Depthwise convolution: each input channel is convolved with its own `multiplier` filters (Keras
 * `DepthwiseConv2D`, the spatial half of MobileNet's separable convolutions), and its two gradients.
 *
 * @packageDocumentation
 */
import type { Conv2DInfo, Shape } from '../backend/types.js';
import {
  depthwiseConv2dComposite,
  depthwiseConv2dGradFilterComposite,
  depthwiseConv2dGradInputComposite,
} from '../composites/depthwise-conv2d.js';
import { runFused } from '../composites/dispatch.js';
import type { Tensor } from '../engine/tensor.js';
import {
  depthwiseConv2dGrad,
  depthwiseConv2dGradFilterGrad,
  depthwiseConv2dGradInputGrad,
} from '../grad/depthwise-conv.js';
import type { Padding } from './conv.js';
import { checkOperand, expectFloat, windowConvInfo } from './conv-checks.js';
import { reshape } from './shape.js';
import { convert, op, type TensorOrLike } from './util.js';

/**
 * Geometry of an NHWC depthwise convolution, validated: `xShape` is `[batch, height, width, inChannels]`
 * (or unbatched), `filterShape` is `[filterHeight, filterWidth, inChannels, multiplier]`, and the result
 * has `outChannels = inChannels * multiplier`.
 *
 * @example
 * ```ts
 * const info = nr.depthwiseConv2dInfo([1, 5, 5, 3], [3, 3, 3, 2], 2, 'same');
 * info.outHeight; // 3
 * info.outChannels; // 6
 * ```
 */
export function depthwiseConv2dInfo(
  xShape: Shape,
  filterShape: Shape,
  strides: number | readonly [number, number] = 1,
  padding: Padding = 'valid',
  dilations: number | readonly [number, number] = 1,
): Conv2DInfo {
  return windowConvInfo('depthwiseConv2d', true, xShape, filterShape, strides, padding, dilations);
}

/**
 * Depthwise 2-D convolution of NHWC images with a `[filterHeight, filterWidth, inChannels, multiplier]`
 * filter: output channel `c * multiplier + m` is input channel `c` correlated with `filter[:, :, c, m]`, so
 * channels never mix. An unbatched rank-3 `x` gives a rank-3 result. Runs the backend's fused kernel when
 * it has one, else a composite of gather and a matMul batched over channels.
 *
 * @example
 * ```ts
 * const x = nr.ones([1, 4, 4, 2]);
 * const w = nr.ones([3, 3, 2, 1]);
 * nr.depthwiseConv2d(x, w, 1, 'same'); // shape [1, 4, 4, 2]
 * nr.depthwiseConv2d(x, nr.ones([3, 3, 2, 3]), 2, 'valid'); // shape [1, 1, 1, 6]
 * ```
 */
export function depthwiseConv2d(
  xLike: TensorOrLike,
  filterLike: TensorOrLike,
  strides: number | readonly [number, number] = 1,
  padding: Padding = 'valid',
  dilations: number | readonly [number, number] = 1,
): Tensor {
  const name = 'depthwiseConv2d';
  return op(name, () => {
    const x = convert(xLike, name, 'x');
    const filter = convert(filterLike, name, 'filter');
    const info = depthwiseConv2dInfo(x.shape, filter.shape, strides, padding, dilations);
    expectFloat(x, name, 'x');
    expectFloat(filter, name, 'filter');
    const x4 = x.rank === 3 ? reshape(x, [1, ...x.shape]) : x;
    const out = {
      shape: [info.batch, info.outHeight, info.outWidth, info.outChannels],
      dtype: 'float32',
    } as const;
    const y = runFused({
      name,
      kernel: 'depthwiseConv2d',
      inputs: [x4, filter],
      out,
      attrs: info,
      run: (b, [xo, fo]) => b.kernels.depthwiseConv2d!(xo!, fo!, info, out),
      composite: () => depthwiseConv2dComposite(x4, filter, info),
      grad: depthwiseConv2dGrad,
    });
    return x.rank === 3 ? reshape(y, out.shape.slice(1)) : y;
  });
}

const filterShapeOf = (info: Conv2DInfo): number[] => [
  info.filterHeight,
  info.filterWidth,
  info.inChannels,
  info.outChannels / info.inChannels,
];

/**
 * Gradient of {@link depthwiseConv2d} with respect to its input: maps `dy`
 * `[batch, outHeight, outWidth, inChannels * multiplier]` back to `[batch, inHeight, inWidth, inChannels]`.
 * Runs the backend's `depthwiseConv2dGradInput` kernel when it has one.
 *
 * @example
 * ```ts
 * const info = nr.depthwiseConv2dInfo([1, 4, 4, 2], [3, 3, 2, 1], 1, 'same');
 * const dx = nr.depthwiseConv2dBackpropInput(nr.ones([1, 4, 4, 2]), nr.ones([3, 3, 2, 1]), info); // [1, 4, 4, 2]
 * ```
 */
export function depthwiseConv2dBackpropInput(
  dyLike: TensorOrLike,
  filterLike: TensorOrLike,
  info: Conv2DInfo,
): Tensor {
  const name = 'depthwiseConv2dGradInput';
  return op(name, () => {
    const dy = convert(dyLike, name, 'dy');
    const filter = convert(filterLike, name, 'filter');
    checkOperand(dy, [info.batch, info.outHeight, info.outWidth, info.outChannels], name, 'dy');
    checkOperand(filter, filterShapeOf(info), name, 'filter');
    const out = {
      shape: [info.batch, info.inHeight, info.inWidth, info.inChannels],
      dtype: 'float32',
    } as const;
    return runFused({
      name,
      kernel: 'depthwiseConv2dGradInput',
      inputs: [dy, filter],
      out,
      attrs: info,
      run: (b, [dyo, fo]) => b.kernels.depthwiseConv2dGradInput!(dyo!, fo!, info, out),
      composite: () => depthwiseConv2dGradInputComposite(dy, filter, info),
      grad: depthwiseConv2dGradInputGrad,
    });
  });
}

/**
 * Gradient of {@link depthwiseConv2d} with respect to its filter, given the input `x` and `dy`: returns
 * `[filterHeight, filterWidth, inChannels, multiplier]`. Runs the backend's `depthwiseConv2dGradFilter`
 * kernel when it has one.
 *
 * @example
 * ```ts
 * const info = nr.depthwiseConv2dInfo([1, 4, 4, 2], [3, 3, 2, 1], 1, 'same');
 * const dw = nr.depthwiseConv2dBackpropFilter(nr.ones([1, 4, 4, 2]), nr.ones([1, 4, 4, 2]), info); // [3, 3, 2, 1]
 * ```
 */
export function depthwiseConv2dBackpropFilter(
  xLike: TensorOrLike,
  dyLike: TensorOrLike,
  info: Conv2DInfo,
): Tensor {
  const name = 'depthwiseConv2dGradFilter';
  return op(name, () => {
    const x = convert(xLike, name, 'x');
    const dy = convert(dyLike, name, 'dy');
    checkOperand(x, [info.batch, info.inHeight, info.inWidth, info.inChannels], name, 'x');
    checkOperand(dy, [info.batch, info.outHeight, info.outWidth, info.outChannels], name, 'dy');
    const out = { shape: filterShapeOf(info), dtype: 'float32' } as const;
    return runFused({
      name,
      kernel: 'depthwiseConv2dGradFilter',
      inputs: [x, dy],
      out,
      attrs: info,
      run: (b, [xo, dyo]) => b.kernels.depthwiseConv2dGradFilter!(xo!, dyo!, info, out),
      composite: () => depthwiseConv2dGradFilterComposite(x, dy, info),
      grad: depthwiseConv2dGradFilterGrad,
    });
  });
}
