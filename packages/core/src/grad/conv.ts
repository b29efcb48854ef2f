import type { Conv2DInfo } from '../backend/types.js';
import type { GradFn } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput } from '../ops/conv.js';

/** conv2d with the geometry of `info` (explicit padding reproduces 'same' exactly). */
function conv2dWithInfo(x: Tensor, filter: Tensor, info: Conv2DInfo): Tensor {
  return conv2d(
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
 * Derivative rule of conv2d (`y = x ⋆ w`): dx is the transposed convolution of dy with w,
 * dw correlates x with dy. Both dispatch to the backend's fused backward kernels when present.
 *
 * @example
 * ```ts
 * const [dx, dw] = conv2dGrad(dy, [x, filter], y, info);
 * ```
 * @internal
 */
export const conv2dGrad: GradFn = (dy, [x, filter], _y, attrs, needs) => {
  const info = attrs as Conv2DInfo;
  // The first layer's input is data: skipping its gradient saves a whole transposed convolution.
  return [
    needs[0] ? conv2dBackpropInput(dy, filter!, info) : null,
    needs[1] ? conv2dBackpropFilter(x!, dy, info) : null,
  ];
};

/**
 * Derivative rule of conv2dGradInput (`dx = Gi(dy, w)`, bilinear): its adjoint in dy is conv2d,
 * in w it is conv2dGradFilter. Makes conv2d twice differentiable.
 *
 * @example
 * ```ts
 * const [ddy, dfilter] = conv2dGradInputGrad(ddx, [dy, filter], dx, info);
 * ```
 * @internal
 */
export const conv2dGradInputGrad: GradFn = (ddx, [dy, filter], _y, attrs) => {
  const info = attrs as Conv2DInfo;
  return [conv2dWithInfo(ddx, filter!, info), conv2dBackpropFilter(ddx, dy!, info)];
};

/**
 * Derivative rule of conv2dGradFilter (`dw = Gf(x, dy)`, bilinear): its adjoint in x is conv2dGradInput,
 * in dy it is conv2d.
 *
 * @example
 * ```ts
 * const [dx, ddy] = conv2dGradFilterGrad(ddw, [x, dy], dw, info);
 * ```
 * @internal
 */
export const conv2dGradFilterGrad: GradFn = (ddw, [x, dy], _y, attrs) => {
  const info = attrs as Conv2DInfo;
  return [conv2dBackpropInput(dy!, ddw, info), conv2dWithInfo(x!, ddw, info)];
};
