/**
 * @internal Geometry and operand checks shared by the convolution ops (conv2d, depthwiseConv2d and their
 * gradients); not part of the public API.
 *
 * @packageDocumentation
 */
import type { Conv2DInfo, Shape } from '../backend/types.js';
import { toPair, windowGeometry } from '../composites/dispatch.js';
import type { Tensor } from '../engine/tensor.js';
import type { Padding } from './conv.js';
import { fmt } from './util.js';

/**
 * The geometry behind {@link conv2dInfo} and `depthwiseConv2dInfo`, with errors naming `name`. A depthwise
 * filter is `[fh, fw, inChannels, multiplier]` and gives `inChannels * multiplier` output channels.
 *
 * @example
 * ```ts
 * windowConvInfo('depthwiseConv2d', true, [1, 5, 5, 2], [3, 3, 2, 2], 1, 'same', 1).outChannels; // 4
 * ```
 * @internal
 */
export function windowConvInfo(
  name: string,
  depthwise: boolean,
  xShape: Shape,
  filterShape: Shape,
  strides: number | readonly [number, number],
  padding: Padding,
  dilations: number | readonly [number, number],
): Conv2DInfo {
  const lastAxis = depthwise ? 'multiplier' : 'outChannels';
  if (xShape.length !== 4 && xShape.length !== 3) {
    throw new Error(`${name}: x must have rank 4 [batch, height, width, channels] or 3, got ${fmt(xShape)}`);
  }
  if (filterShape.length !== 4) {
    throw new Error(
      `${name}: filter must have rank 4 [filterHeight, filterWidth, inChannels, ${lastAxis}], got ${fmt(filterShape)}`,
    );
  }
  const [batch, inHeight, inWidth, inChannels] = xShape.length === 4 ? xShape : [1, ...xShape];
  const [filterHeight, filterWidth, filterIn, filterOut] = filterShape;
  if (filterIn !== inChannels) {
    throw new Error(
      `${name}: x ${fmt(xShape)} has ${inChannels} channels but filter ${fmt(filterShape)} expects ${filterIn} (filter is [fh, fw, inChannels, ${lastAxis}])`,
    );
  }
  if (filterHeight! < 1 || filterWidth! < 1)
    throw new Error(`${name}: filter ${fmt(filterShape)} has an empty window`);
  const g = windowGeometry(
    name,
    [inHeight!, inWidth!],
    [filterHeight!, filterWidth!],
    toPair(strides, 'strides', name),
    padding,
    toPair(dilations, 'dilations', name),
  );
  return {
    batch: batch!,
    inHeight: inHeight!,
    inWidth: inWidth!,
    inChannels: inChannels!,
    outHeight: g.outHeight,
    outWidth: g.outWidth,
    outChannels: depthwise ? inChannels! * filterOut! : filterOut!,
    filterHeight: filterHeight!,
    filterWidth: filterWidth!,
    strideHeight: g.strideHeight,
    strideWidth: g.strideWidth,
    dilationHeight: g.dilationHeight,
    dilationWidth: g.dilationWidth,
    padTop: g.padTop,
    padLeft: g.padLeft,
    padBottom: g.padBottom,
    padRight: g.padRight,
  };
}

/** @internal Throw unless `t` is float32 (naming the op and the argument). */
export function expectFloat(t: Tensor, name: string, arg: string): void {
  if (t.dtype !== 'float32') {
    throw new Error(`${name}: argument '${arg}' must be float32, got ${t.dtype} (use nr.cast)`);
  }
}

/** @internal Throw unless `t` is float32 of shape `expected` (from a convolution info). */
export function checkOperand(t: Tensor, expected: readonly number[], name: string, arg: string): void {
  expectFloat(t, name, arg);
  if (t.rank !== expected.length || t.shape.some((d, i) => d !== expected[i])) {
    throw new Error(
      `${name}: argument '${arg}' has shape ${fmt(t.shape)}, expected ${fmt(expected)} from the convolution info`,
    );
  }
}
