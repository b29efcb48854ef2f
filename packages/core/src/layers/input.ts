import type { DType } from '../backend/types.js';
import { InputLayer } from './input-layer.js';
import type { SymbolicShape } from './layer.js';
import type { SymbolicTensor } from './symbolic.js';

/**
 * Arguments of {@link input}: `shape` (one example, without the batch dimension) or `batchShape`.
 *
 * @example
 * ```ts
 * const args: nr.InputArgs = { shape: [28, 28, 1], name: 'image' };
 * ```
 */
export interface InputArgs {
  /** Shape of one example (without the batch dimension); `null` for a free dimension. */
  shape?: SymbolicShape;
  /** Full shape including the batch dimension (alternative to `shape`). */
  batchShape?: SymbolicShape;
  /** Fixed batch size to combine with `shape`. */
  batchSize?: number;
  /** `'float32'` (default), or `'int32'` for ids fed to an Embedding. */
  dtype?: DType;
  /** Name of the input layer (the key of name-keyed data in `fit` / `predict`). */
  name?: string;
}

/**
 * A symbolic input of a functional model: an `InputLayer` and the placeholder tensor it stands for. Apply
 * layers to it, then build the model with `nr.model({ inputs, outputs })`.
 *
 * @example
 * ```ts
 * const x = nr.input({ shape: [784], name: 'pixels' });
 * const y = nr.layers.dense({ units: 10, activation: 'softmax' }).apply(x);
 * const m = nr.model({ inputs: x, outputs: y });
 * ```
 */
export function input(args: InputArgs): SymbolicTensor {
  if (!args || (args.shape === undefined && args.batchShape === undefined))
    throw new Error('input: give shape (one example, without the batch dimension) or batchShape');
  if (args.shape !== undefined && args.batchShape !== undefined)
    throw new Error('input: give shape or batchShape, not both');
  const layer = new InputLayer({
    name: args.name,
    dtype: args.dtype,
    ...(args.batchShape
      ? { batchInputShape: args.batchShape }
      : { inputShape: args.shape!, batchSize: args.batchSize }),
  });
  return layer.output;
}
