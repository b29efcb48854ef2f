/**
 * The example the smoke test runs from the installed tarballs: train XOR, predict, save, load the model back
 * and predict again. It uses only the public API, as a user would, and runs unchanged in Node and browsers.
 *
 * @example
 * ```ts
 * const result = await trainXor(cpu(), 'file://./xor-model');
 * ```
 */
import * as nr from '@neurona/core';

/** What {@link trainXor} measured. */
export interface XorResult {
  /** The backend's name. */
  readonly backend: string;
  /** Training loss after the first and the last epoch. */
  readonly firstLoss: number;
  readonly lastLoss: number;
  /** The trained model's outputs for the four XOR inputs. */
  readonly predicted: number[];
  /** The outputs of the model loaded back from where it was saved. */
  readonly reloaded: number[];
  /** Live tensors left behind by the whole run (0 when nothing leaks). */
  readonly leaked: number;
}

/**
 * Train a 2-8-1 network on XOR with `backend`, save it to `target` and load it back.
 *
 * @example
 * ```ts
 * const { predicted } = await trainXor(cpu(), nr.io.memory());
 * ```
 */
export async function trainXor(backend: nr.Backend, target: string | nr.io.IOHandler): Promise<XorResult> {
  await nr.setBackend(backend);
  nr.seed(7);
  const before = nr.memory().numTensors;
  const x = nr.tensor2d([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]);
  const y = nr.tensor2d([[0], [1], [1], [0]]);
  const model = nr.sequential({
    layers: [
      nr.layers.dense({ units: 8, activation: 'tanh', inputShape: [2] }),
      nr.layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
  });
  model.compile({ optimizer: nr.optimizers.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy' });
  const history = await model.fit(x, y, { epochs: 300, batchSize: 4, verbose: 0 });

  const p = model.predict(x);
  const predicted = Array.from(await p.data());
  await model.save(target);
  const loaded = await nr.loadModel(target);
  const q = loaded.predict(x) as nr.Tensor; // a loaded model may have several outputs; this one has one
  const reloaded = Array.from(await q.data());

  nr.dispose([x, y, p, q]);
  model.dispose();
  loaded.dispose();
  return {
    backend: backend.name,
    firstLoss: history.history.loss.at(0) ?? Number.NaN,
    lastLoss: history.history.loss.at(-1) ?? Number.NaN,
    predicted,
    reloaded,
    leaked: nr.memory().numTensors - before,
  };
}
