import type { Conv2DInfo } from '../backend/types.js';
import type { GradFn } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import {
  depthwiseConv2d,
  depthwiseConv2dBackpropFilter,
  depthwiseConv2dBackpropInput,
} from '../ops/depthwise-conv.js';

/** depthwiseConv2d with the geometry of `info` (explicit padding reproduces 'same' exactly). */
function depthwiseWithInfo(x: Tensor, filter: Tensor, info: Conv2DInfo): Tensor {
  return depthwiseConv2d(
    x,
    filter,
    [info.strideHeight, info.strideWidth],
    [
      [info.padTop, info.padBottom],
      [info.padLeft, info.padRight],
    ],
    [info.dilationHeight, info.dilationWidth],
  );
}

/**
 * Derivative rule of depthwiseConv2d (`y = x ⋆ w` channel by channel): dx is the transposed depthwise
 * convolution of dy with w, dw correlates each channel of x with its dy channels.
 *
 * @example
 * ```ts
 * const [dx, dw] = depthwiseConv2dGrad(dy, [x, filter], y, info, [true, true]);
 * ```
 * @internal
 */
export const depthwiseConv2dGrad: GradFn = (dy, [x, filter], _y, attrs, needs) => {
  const info = attrs as Conv2DInfo;
  return [
    needs[0] ? depthwiseConv2dBackpropInput(dy, filter!, info) : null,
    needs[1] ? depthwiseConv2dBackpropFilter(x!, dy, info) : null,
  ];
};

/**
 * Derivative rule of depthwiseConv2dGradInput (bilinear in dy and w): its adjoint in dy is the depthwise
 * convolution, in w the filter gradient. Makes depthwiseConv2d twice differentiable.
 *
 * @example
 * ```ts
 * const [ddy, dfilter] = depthwiseConv2dGradInputGrad(ddx, [dy, filter], dx, info, [true, true]);
 * ```
 * @internal
 */
export const depthwiseConv2dGradInputGrad: GradFn = (ddx, [dy, filter], _y, attrs) => {
  const info = attrs as Conv2DInfo;
  return [depthwiseWithInfo(ddx, filter!, info), depthwiseConv2dBackpropFilter(ddx, dy!, info)];
};

/**
 * Derivative rule of depthwiseConv2dGradFilter (bilinear in x and dy): its adjoint in x is the input
 * gradient, in dy the depthwise convolution.
 *
 * @example
 * ```ts
 * const [dx, ddy] = depthwiseConv2dGradFilterGrad(ddw, [x, dy], dw, info, [true, true]);
 * ```
 * @internal
 */
export const depthwiseConv2dGradFilterGrad: GradFn = (ddw, [x, dy], _y, attrs) => {
  const info = attrs as Conv2DInfo;
  return [depthwiseConv2dBackpropInput(dy!, ddw, info), depthwiseWithInfo(x!, ddw, info)];
};
