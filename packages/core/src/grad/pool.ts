import type { Pool2DInfo } from '../backend/types.js';
import { runFused } from '../composites/dispatch.js';
import { maxPoolGradGradComposite } from '../composites/pool.js';
import type { GradFn } from '../engine/engine.js';
import { avgPool, avgPoolBackprop, maxPoolBackprop } from '../ops/pool.js';

/**
 * Derivative rule of maxPool: each `dy` element goes to the first maximum of its window.
 *
 * @example
 * ```ts
 * const [dx] = maxPoolGrad(dy, [x], y, info);
 * ```
 * @internal
 */
export const maxPoolGrad: GradFn = (dy, [x], _y, attrs) => [maxPoolBackprop(dy, x!, attrs as Pool2DInfo)];

/**
 * Derivative rule of avgPool: each `dy` element is spread evenly over its window's in-bounds elements.
 *
 * @example
 * ```ts
 * const [dx] = avgPoolGrad(dy, [x], y, info);
 * ```
 * @internal
 */
export const avgPoolGrad: GradFn = (dy, _x, _y, attrs) => [avgPoolBackprop(dy, attrs as Pool2DInfo)];

/**
 * Derivative rule of maxPoolGrad (linear in `dy`, piecewise constant in `x`): the adjoint picks, for each
 * window, the value of `ddx` at the window's first maximum of `x`. The gradient with respect to `x` is zero.
 *
 * @example
 * ```ts
 * const [ddy] = maxPoolGradGrad(ddx, [dy, x], dx, info);
 * ```
 * @internal
 */
export const maxPoolGradGrad: GradFn = (ddx, [dy, x], _y, attrs) => {
  const info = attrs as Pool2DInfo;
  const picked = runFused({
    name: 'maxPoolGradGrad',
    inputs: [ddx, x!],
    out: { shape: dy!.shape, dtype: 'float32' },
    run: () => {
      throw new Error('maxPoolGradGrad has no fused kernel');
    },
    composite: () => maxPoolGradGradComposite(ddx, x!, info),
  });
  return [picked, null];
};

/**
 * Derivative rule of avgPoolGrad (linear in `dy`): its adjoint is avgPool itself.
 *
 * @example
 * ```ts
 * const [ddy] = avgPoolGradGrad(ddx, [dy], dx, info);
 * ```
 * @internal
 */
export const avgPoolGradGrad: GradFn = (ddx, _dy, _y, attrs) => {
  const info = attrs as Pool2DInfo;
  return [
    avgPool(
      ddx,
      [info.filterHeight, info.filterWidth],
      [info.strideHeight, info.strideWidth],
      [
        [info.padTop, info.padBottom],
        [info.padLeft, info.padRight],
      ],
    ),
  ];
};
