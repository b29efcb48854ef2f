/** @internal Argument helpers shared by the convolution and pooling layers. */
import { fmtShape, type SymbolicShape } from './layer.js';

/**
 * Data layout of image tensors; only channels-last (`[batch, height, width, channels]`) is supported.
 *
 * @example
 * ```ts
 * const f: nr.layers.DataFormat = 'channelsLast';
 * ```
 */
export type DataFormat = 'channelsLast' | 'channels_last';

/**
 * Validate a `dataFormat` argument (channels-last only), throwing an error that starts with `where`.
 *
 * @example
 * ```ts
 * checkDataFormat('channelsLast', "Conv2D 'conv2d'"); // ok
 * ```
 * @internal
 */
export function checkDataFormat(format: string | undefined, where: string): void {
  const f = format ?? 'channelsLast';
  if (f !== 'channelsLast' && f !== 'channels_last') {
    throw new Error(`${where}: dataFormat '${f}' is not supported (only 'channelsLast', NHWC)`);
  }
}

/**
 * Data layout of a layer that also reads channels-first images (`[batch, channels, height, width]`), as Keras
 * models converted from Theano-era code save them.
 *
 * @example
 * ```ts
 * const f: nr.layers.AnyDataFormat = 'channelsFirst';
 * ```
 */
export type AnyDataFormat = DataFormat | 'channelsFirst' | 'channels_first';

/**
 * Validate a `dataFormat` that may be channels-first; true when it is (throws an error that starts with `where`).
 *
 * @example
 * ```ts
 * channelsFirstArg('channelsFirst', "Conv2DTranspose 'deconv'"); // true
 * ```
 * @internal
 */
export function channelsFirstArg(format: string | undefined, where: string): boolean {
  const f = format ?? 'channelsLast';
  if (f === 'channelsFirst' || f === 'channels_first') return true;
  if (f === 'channelsLast' || f === 'channels_last') return false;
  throw new Error(
    `${where}: dataFormat must be 'channelsLast' or 'channelsFirst', got ${JSON.stringify(format)}`,
  );
}

/**
 * A channels-first 4-D shape in channels-last order (other ranks unchanged, for the rank check to report).
 *
 * @example
 * ```ts
 * toChannelsLast([null, 3, 8, 8]); // [null, 8, 8, 3]
 * ```
 * @internal
 */
export function toChannelsLast(s: SymbolicShape): SymbolicShape {
  return s.length === 4 ? [s[0]!, s[2]!, s[3]!, s[1]!] : s;
}

/**
 * A positive integer or a pair of them, as a pair (throws an error that starts with `where`).
 *
 * @example
 * ```ts
 * pairArg(3, 'kernelSize', "Conv2D 'conv2d'"); // [3, 3]
 * ```
 * @internal
 */
export function pairArg(v: number | readonly number[], what: string, where: string): [number, number] {
  const p = typeof v === 'number' ? [v, v] : Array.isArray(v) ? [...v] : [];
  if (p.length !== 2 || !p.every((d) => Number.isInteger(d) && d > 0)) {
    throw new Error(
      `${where}: ${what} must be a positive integer or a pair of them, got ${JSON.stringify(v)}`,
    );
  }
  return [p[0]!, p[1]!];
}

/**
 * Output length of a window sliding over `length` (`null` stays unknown; 0 when it does not fit).
 *
 * @example
 * ```ts
 * windowOutputLength(28, 5, 1, 'valid'); // 24
 * ```
 * @internal
 */
export function windowOutputLength(
  length: number | null,
  window: number,
  stride: number,
  padding: 'valid' | 'same',
  dilation = 1,
): number | null {
  if (length === null) return null;
  if (padding === 'same') return Math.ceil(length / stride);
  const effective = (window - 1) * dilation + 1;
  return length < effective ? 0 : Math.floor((length - effective) / stride) + 1;
}

/**
 * Validate a `padding` argument (`'valid'` by default).
 *
 * @example
 * ```ts
 * paddingArg('same', "Conv2D 'conv2d'"); // 'same'
 * ```
 * @internal
 */
export function paddingArg(p: string | undefined, where: string): 'valid' | 'same' {
  const v = p ?? 'valid';
  if (v !== 'valid' && v !== 'same')
    throw new Error(`${where}: padding must be 'valid' or 'same', got '${v}'`);
  return v;
}

/**
 * Check the input shape of a convolution layer with `kernel.length` spatial axes (channels last): its rank,
 * a known channel count (equal to `channels` once built), and a window that fits under `'valid'` padding.
 * Errors start with `where`.
 *
 * @example
 * ```ts
 * checkWindowInput("Conv2D 'c'", [null, 5, 5, 3], [3, 3], [1, 1], 'valid', [1, 1], null);
 * ```
 * @internal
 */
export function checkWindowInput(
  where: string,
  inputShape: SymbolicShape,
  kernel: readonly number[],
  strides: readonly number[],
  padding: 'valid' | 'same' | 'causal',
  dilation: readonly number[],
  channels: number | null,
): void {
  const rank = kernel.length + 2;
  if (inputShape.length !== rank) {
    const axes = rank === 3 ? '[batch, steps, channels]' : '[batch, height, width, channels]';
    throw new Error(`${where}: expected input of rank ${rank} ${axes}, got ${fmtShape(inputShape)}`);
  }
  const c = inputShape[rank - 1];
  if (c === null || c === undefined) {
    throw new Error(
      `${where}: the channel dimension of the input must be known, got ${fmtShape(inputShape)}`,
    );
  }
  if (channels !== null && c !== channels) {
    throw new Error(`${where}: expected input with ${channels} channels, got ${fmtShape(inputShape)}`);
  }
  if (padding !== 'valid') return;
  for (let i = 0; i < kernel.length; i++) {
    if (windowOutputLength(inputShape[i + 1] ?? null, kernel[i]!, strides[i]!, 'valid', dilation[i]) === 0) {
      throw new Error(
        `${where}: input ${fmtShape(inputShape)} is smaller than the ${kernel.join('x')} kernel (dilation ${dilation.join('x')}) with 'valid' padding`,
      );
    }
  }
}

/**
 * Output shape of a convolution layer over the spatial axes of `inputShape` (unknown sizes stay null).
 *
 * @example
 * ```ts
 * windowOutputShape([null, 28, 28, 1], [5, 5], [1, 1], 'valid', [1, 1], 8); // [null, 24, 24, 8]
 * ```
 * @internal
 */
export function windowOutputShape(
  inputShape: SymbolicShape,
  kernel: readonly number[],
  strides: readonly number[],
  padding: 'valid' | 'same',
  dilation: readonly number[],
  outChannels: number,
): SymbolicShape {
  const spatial = kernel.map((k, i) =>
    windowOutputLength(inputShape[i + 1] ?? null, k, strides[i]!, padding, dilation[i]),
  );
  return [inputShape[0] ?? null, ...spatial, outChannels];
}

/**
 * Reject strides above 1 combined with dilations above 1 (TensorFlow does not define that convolution).
 *
 * @example
 * ```ts
 * checkStridesDilation("Conv2D 'c'", [2, 2], [1, 1]); // ok
 * ```
 * @internal
 */
export function checkStridesDilation(
  where: string,
  strides: readonly number[],
  dilation: readonly number[],
): void {
  if (strides.some((s) => s > 1) && dilation.some((d) => d > 1)) {
    throw new Error(
      `${where}: strides ${fmtShape(strides)} > 1 cannot be combined with dilationRate ${fmtShape(dilation)} > 1`,
    );
  }
}

/**
 * Weight constraints are not implemented: accept only an absent or null `value` for the config key `what`.
 *
 * @example
 * ```ts
 * checkNoConstraint(null, 'depthwiseConstraint', "DepthwiseConv2D 'd'"); // ok
 * ```
 * @internal
 */
export function checkNoConstraint(value: unknown, what: string, where: string): void {
  if (value !== undefined && value !== null) {
    throw new Error(
      `${where}: ${what} is not supported (weight constraints are not implemented), got ${JSON.stringify(value)}`,
    );
  }
}
