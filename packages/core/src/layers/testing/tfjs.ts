/**
 * TensorFlow.js 4.22 as the second opinion for layer tests (test-only; excluded from the build): a model made
 * of Neurona layers is saved, loaded by tfjs-layers, and both predict on the same input; then the model tfjs
 * loaded is saved by tfjs and loaded back by Neurona. Both directions must agree to `tol`, which checks the
 * maths, the Keras config names and the weight names at once.
 *
 * @packageDocumentation
 */
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect } from 'vitest';
import * as nr from '../../index.js';
import type { ModelArtifacts } from '../../io/types.js';
import type { Layer } from '../layer.js';

/**
 * Seeded uniform values in [-1, 1) of `shape`, as a flat array both libraries accept.
 *
 * @example
 * ```ts
 * const data = randomData([2, 3], 7);
 * ```
 */
export function randomData(shape: readonly number[], seed: number): Float32Array {
  const rng = new nr.Rng(seed);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform() * 2 - 1;
  return data;
}

/**
 * Expect `a` and `b` equal elementwise to `tol * (1 + |b|)`.
 *
 * @example
 * ```ts
 * expectClose([1, 2], [1, 2.000001]);
 * ```
 */
export function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs(a[i]! - b[i]!);
    if (!(err <= tol * (1 + Math.abs(b[i]!)))) {
      expect.fail(`element ${i}: ${a[i]} vs ${b[i]} (tolerance ${tol})`);
    }
  }
}

/** Options of {@link expectTfjsAgrees}. */
export interface TfjsAgreeOptions {
  /** Largest accepted difference, relative to 1 + |value| (default 1e-5). */
  readonly tol?: number;
  /** Seed of the random input (default 1). */
  readonly seed?: number;
  /** Randomise every weight in [-1, 1) before comparing (default true: zero-initialised weights prove little). */
  readonly randomWeights?: boolean;
  /** Scale of the random input, drawn in [-scale, scale) (default 1). */
  readonly inputScale?: number;
}

/**
 * Build `nr.sequential({ layers })` (the first layer must carry `inputShape`), run it on a random input of
 * `inputShape`, save it, load it with tfjs-layers and compare the predictions; then save tfjs's model and
 * load it with Neurona, which must predict the same again. Returns the weight names tfjs gave the loaded
 * model, for tests that check them.
 *
 * @example
 * ```ts
 * await expectTfjsAgrees([nr.layers.reLU({ maxValue: 6, inputShape: [4] })], [2, 4]);
 * ```
 */
export async function expectTfjsAgrees(
  layers: Layer[],
  inputShape: readonly number[],
  options: TfjsAgreeOptions = {},
): Promise<string[]> {
  await tf.setBackend('cpu');
  const tol = options.tol ?? 1e-5;
  const model = nr.sequential({ layers });
  const data = randomData(inputShape, options.seed ?? 1).map((v) => v * (options.inputScale ?? 1));
  const x = nr.tensor(data, [...inputShape]);
  const tx = tf.tensor(data, [...inputShape]);
  try {
    nr.dispose(model.predict(x));
    if (options.randomWeights ?? true) {
      const fresh = model.weights.map((w, i) => nr.tensor(randomData(w.shape, 100 + i), w.shape));
      model.setWeights(fresh);
      nr.dispose(fresh);
    }
    const ours = model.predict(x);
    const ourValues = await ours.data();
    const ourShape = ours.shape;
    ours.dispose();
    const h = nr.io.memory();
    await model.save(h);
    const theirs = await tfl.loadLayersModel(tf.io.fromMemory(h.artifacts as tf.io.ModelArtifacts));
    const ty = theirs.predict(tx) as tf.Tensor;
    expect(ty.shape).toEqual(ourShape);
    expectClose(await ty.data(), ourValues, tol);
    ty.dispose();
    let saved: ModelArtifacts | null = null;
    await theirs.save(
      tf.io.withSaveHandler(async (a) => {
        saved = a as ModelArtifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const names = theirs.weights.map((w) => w.originalName);
    theirs.dispose();
    const back = await nr.loadModel(nr.io.memory(saved!));
    try {
      const y = back.predict(x) as nr.Tensor;
      expect(y.shape).toEqual(ourShape);
      expectClose(await y.data(), ourValues, tol);
      y.dispose();
    } finally {
      back.dispose();
    }
    return names;
  } finally {
    x.dispose();
    tx.dispose();
    model.dispose();
  }
}
