import * as nr from '@neurona/core';

/**
 * The recurrent cells the app can train.
 *
 * @example
 * ```ts
 * const cell: Cell = 'gru';
 * ```
 */
export type Cell = 'lstm' | 'gru' | 'simple';

/**
 * Every {@link Cell}, for option parsing.
 *
 * @example
 * ```ts
 * CELLS.includes('gru'); // true
 * ```
 */
export const CELLS: readonly Cell[] = ['lstm', 'gru', 'simple'];

/**
 * Shape of a character-level language model.
 *
 * @example
 * ```ts
 * const spec: CharModelSpec = { vocabSize: 80, cell: 'lstm', units: 128, layers: 1, embeddingDim: 32 };
 * ```
 */
export interface CharModelSpec {
  vocabSize: number;
  cell: Cell;
  /** Units of each recurrent layer. */
  units: number;
  /** Number of stacked recurrent layers. */
  layers: number;
  /** Size of the character embedding. */
  embeddingDim: number;
}

function recurrentLayer(cell: Cell, units: number, name: string): nr.Layer {
  const args = { units, returnSequences: true, name };
  if (cell === 'lstm') return nr.layers.lstm(args);
  if (cell === 'gru') return nr.layers.gru(args);
  return nr.layers.simpleRNN(args);
}

/**
 * Build `embedding -> (lstm | gru | simpleRNN) x layers -> dense softmax`, every recurrent layer returning its
 * whole sequence, so the model predicts the next character after every position: input `[batch, time]`
 * ids, output `[batch, time, vocabSize]` probabilities. The time length is left free, so the same model
 * trains on fixed windows and generates from prompts of any length.
 *
 * @example
 * ```ts
 * const model = buildCharModel({ vocabSize: 30, cell: 'gru', units: 64, layers: 2, embeddingDim: 16 });
 * model.predict(nr.tensor2d([[1, 2, 3]], [1, 3], 'int32')).shape; // [1, 3, 30]
 * ```
 */
export function buildCharModel(spec: CharModelSpec): nr.Sequential {
  const layers: nr.Layer[] = [
    nr.layers.embedding({
      inputDim: spec.vocabSize,
      outputDim: spec.embeddingDim,
      inputShape: [null],
      name: 'chars',
    }),
  ];
  for (let i = 0; i < spec.layers; i++)
    layers.push(recurrentLayer(spec.cell, spec.units, `${spec.cell}_${i + 1}`));
  layers.push(nr.layers.dense({ units: spec.vocabSize, activation: 'softmax', name: 'next_char' }));
  return nr.sequential({ layers, name: 'char_rnn' });
}

/** What {@link nextCharLogits} needs of the last layer: a Dense layer's pre-softmax output. */
interface LogitsLayer {
  callLogits(x: nr.Tensor): nr.Tensor;
}

function hasLogits(layer: nr.Layer): layer is nr.Layer & LogitsLayer {
  return typeof (layer as Partial<LogitsLayer>).callLogits === 'function';
}

/**
 * The model's pre-softmax scores `[batch, time, vocabSize]` for ids `[batch, time]`: every layer but the
 * last, then the last Dense layer without its softmax (so the loss can use a stable log-softmax).
 *
 * @example
 * ```ts
 * const logits = nextCharLogits(model, nr.tensor2d([[0, 1]], [1, 2], 'int32'));
 * ```
 */
export function nextCharLogits(model: nr.Sequential, ids: nr.Tensor, training = false): nr.Tensor {
  const layers = model.layers;
  const last = layers[layers.length - 1]!;
  if (!hasLogits(last)) {
    throw new Error(
      `nextCharLogits: the last layer '${last.name}' (${last.className}) must be a Dense layer`,
    );
  }
  return nr.tidy(() => {
    let h = ids;
    for (let i = 0; i < layers.length - 1; i++) h = layers[i]!.apply(h, { training });
    return last.callLogits(h);
  });
}

const crossEntropy = nr.losses.sparseCategoricalCrossentropy({ fromLogits: true });

/**
 * Sparse categorical cross-entropy of the next-character predictions, per window: mean over the window's
 * positions of `-log p(y_t | x_1..t)`, in nats. Shape `[batch]`.
 *
 * @example
 * ```ts
 * const perWindow = windowLosses(model, x, y); // x, y: [batch, time] int32
 * ```
 */
export function windowLosses(model: nr.Sequential, x: nr.Tensor, y: nr.Tensor, training = false): nr.Tensor {
  return nr.tidy(() => crossEntropy(y, nextCharLogits(model, x, training)));
}
