/** @internal Argument helpers shared by the convolution and pooling layers. */

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
