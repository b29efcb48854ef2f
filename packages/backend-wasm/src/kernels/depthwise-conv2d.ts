/**
 * Depthwise convolution forward on tfjs-wasm's `DepthwiseConv2dNative` (XNNPACK), NHWC with a
 * `[fh, fw, inC, multiplier]` filter; explicit padding, strides and dilations are passed through. Its two
 * gradients run core's composites (tfjs-wasm has no depthwise backward kernels).
 *
 * @packageDocumentation
 */
import type { Conv2DInfo, TensorInfo } from '@neurona/core';
import { type Runner, sizeOf, type TfInfo } from '../runner.js';

/**
 * Depthwise convolution of `x` `[batch, inH, inW, inC]` with `filter` `[fh, fw, inC, multiplier]`.
 *
 * @example
 * ```ts
 * const y = depthwiseConv2d(tw, x, filter, nr.depthwiseConv2dInfo(x.shape, filter.shape, 1, 'same'), out);
 * ```
 */
export function depthwiseConv2d(
  tw: Runner,
  x: TfInfo,
  filter: TfInfo,
  info: Conv2DInfo,
  out: TensorInfo,
): TfInfo {
  if (sizeOf(out.shape) === 0 || sizeOf(filter.shape) === 0) return tw.fill(out.shape, 'float32', 0);
  return tw.run(
    'DepthwiseConv2dNative',
    { x, filter },
    {
      strides: [info.strideHeight, info.strideWidth],
      pad: [
        [0, 0],
        [info.padTop, info.padBottom],
        [info.padLeft, info.padRight],
        [0, 0],
      ],
      dilations: [info.dilationHeight, info.dilationWidth],
      dataFormat: 'NHWC',
    },
  );
}
