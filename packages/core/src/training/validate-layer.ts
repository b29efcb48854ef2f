/**
 * Option-name checks of the layer factories (`nr.layers.dense({ unit: 3 })` -> did you mean 'units'?).
 * A layer's known options are the keys of its `getConfig()` plus the options every layer takes.
 */
import type { Layer } from '../layers/layer.js';
import { describeValue, didYouMean } from './validate-options.js';

/** Options every layer takes, beyond its config. */
const LAYER_OPTIONS = ['name', 'trainable', 'inputShape', 'batchSize', 'batchInputShape', 'dtype'];

/** Option names seen on any layer built by a factory so far: suggestions when a constructor throws. */
const seen = new Set<string>([
  ...LAYER_OPTIONS,
  ...['units', 'filters', 'kernelSize', 'strides', 'padding', 'activation', 'useBias', 'rate', 'poolSize'],
  ...['inputDim', 'outputDim', 'returnSequences', 'axis', 'targetShape'],
]);

function unknownOption(where: string, key: string, known: readonly string[]): Error {
  const hint = didYouMean(key, known);
  return new Error(
    `${where}: unknown option '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}; known options: ${known.join(', ')}`,
  );
}

/**
 * @internal Build a layer in a factory and check its options: not an object, or a name the layer does not
 * know, is an error naming the factory and suggesting the closest known name. When the constructor itself
 * throws (for example because `units` is missing), a misspelt option is named in the error. `aliases` lists
 * options the layer takes under another name than its config key (`keepDims` for the saved `keepdims`).
 *
 * @example
 * ```ts
 * export const dense = (args: DenseArgs) => checkedLayer('dense', args, () => new Dense(args));
 * ```
 */
export function checkedLayer<L extends Layer>(
  where: string,
  args: unknown,
  make: () => L,
  aliases: readonly string[] = [],
): L {
  if (args !== undefined && (args === null || typeof args !== 'object' || Array.isArray(args))) {
    throw new Error(`${where}: expected an options object, got ${describeValue(args)}`);
  }
  const keys = Object.keys(args ?? {});
  let layer: L;
  try {
    layer = make();
  } catch (e) {
    const stray = keys.find((k) => !seen.has(k) && didYouMean(k, [...seen]) !== null);
    if (stray && e instanceof Error) {
      e.message += ` (unknown option '${stray}': did you mean '${didYouMean(stray, [...seen])}'?)`;
    }
    throw e;
  }
  const own = [...aliases, ...Object.keys(layer.getConfig())].filter((k) => !LAYER_OPTIONS.includes(k));
  const known = [...LAYER_OPTIONS, ...new Set(own)];
  for (const k of known) seen.add(k);
  const bad = keys.find((k) => !known.includes(k));
  if (bad !== undefined) {
    layer.dispose();
    throw unknownOption(where, bad, known);
  }
  return layer;
}
