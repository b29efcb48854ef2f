/**
 * Transposed convolution (sometimes called deconvolution): the input gradient of a conv2d, used as a
 * layer of its own to upsample (Keras `Conv2DTranspose`, the decoders of autoencoders and GAN generators).
 *
 * @packageDocumentation
 */
import type { Shape } from '../backend/types.js';
import type { Tensor } from '../engine/tensor.js';
import { conv2dBackpropInput, conv2dInfo, type Padding } from './conv.js';
import { expectFloat } from './conv-checks.js';
import { reshape } from './shape.js';
import { convert, fmt, op, type TensorOrLike } from './util.js';

/**
 * 2-D transposed convolution of NHWC images with a `[filterHeight, filterWidth, outChannels, inChannels]`
 * filter (as in TensorFlow.js): the gradient of `conv2d(y, filter, strides, padding)` with respect to its
 * input `y` of shape `outputShape`, applied to `x`. `outputShape` is `[batch, height, width, outChannels]`
 * (or unbatched) and must be one that this convolution maps onto `x`'s spatial size. An unbatched rank-3 `x`
 * gives a rank-3 result. Runs the backend's `conv2dGradInput` kernel; its gradients are a conv2d (for `x`)
 * and a conv2d filter gradient (for `filter`).
 *
 * @example
 * ```ts
 * const x = nr.ones([1, 2, 2, 3]);
 * const w = nr.ones([3, 3, 4, 3]);
 * nr.conv2dTranspose(x, w, [1, 4, 4, 4], 2, 'same'); // shape [1, 4, 4, 4]
 * nr.conv2dTranspose(x, w, [1, 5, 5, 4], 2, 'valid'); // shape [1, 5, 5, 4]
 * ```
 */
export function conv2dTranspose(
  xLike: TensorOrLike,
  filterLike: TensorOrLike,
  outputShape: Shape,
  strides: number | readonly [number, number] = 1,
  padding: Padding = 'valid',
): Tensor {
  const name = 'conv2dTranspose';
  return op(name, () => {
    const x = convert(xLike, name, 'x');
    const filter = convert(filterLike, name, 'filter');
    if (x.rank !== 4 && x.rank !== 3) {
      throw new Error(
        `${name}: x must have rank 4 [batch, height, width, channels] or 3, got ${fmt(x.shape)}`,
      );
    }
    if (outputShape.length !== x.rank) {
      throw new Error(`${name}: outputShape ${fmt(outputShape)} must have the rank of x ${fmt(x.shape)}`);
    }
    if (filter.rank !== 4) {
      throw new Error(
        `${name}: filter must have rank 4 [filterHeight, filterWidth, outChannels, inChannels], got ${fmt(filter.shape)}`,
      );
    }
    expectFloat(x, name, 'x');
    expectFloat(filter, name, 'filter');
    const x4 = x.rank === 3 ? reshape(x, [1, ...x.shape]) : x;
    const out4 = outputShape.length === 3 ? [x4.shape[0]!, ...outputShape] : [...outputShape];
    if (filter.shape[3] !== x4.shape[3]) {
      throw new Error(
        `${name}: x ${fmt(x.shape)} has ${x4.shape[3]} channels but filter ${fmt(filter.shape)} expects ${filter.shape[3]} (filter is [fh, fw, outChannels, inChannels])`,
      );
    }
    if (out4[0] !== x4.shape[0]) {
      throw new Error(
        `${name}: outputShape ${fmt(outputShape)} has another batch size than x ${fmt(x.shape)}`,
      );
    }
    const info = conv2dInfo(out4, filter.shape, strides, padding, 1);
    if (info.outHeight !== x4.shape[1] || info.outWidth !== x4.shape[2]) {
      throw new Error(
        `${name}: outputShape ${fmt(outputShape)} does not fit x ${fmt(x.shape)}: a conv2d of that shape with a ${filter.shape[0]}x${filter.shape[1]} filter, strides ${JSON.stringify(strides)} and padding ${JSON.stringify(padding)} gives ${info.outHeight}x${info.outWidth}, not ${x4.shape[1]}x${x4.shape[2]}`,
      );
    }
    const y = conv2dBackpropInput(x4, filter, info);
    return x.rank === 3 ? reshape(y, out4.slice(1)) : y;
  });
}
