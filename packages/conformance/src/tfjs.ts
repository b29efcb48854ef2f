/**
 * The TensorFlow.js oracle: tfjs-core with its CPU backend, and one comparison helper that runs an op in
 * Neurona and in TensorFlow.js on the same host data.
 *
 * @packageDocumentation
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type * as nr from '@neurona/core';
import type { HostTensor } from './gen.js';
import { expectTensor } from './harness.js';

// The oracle runs in tests only: production mode silences tfjs's console messages (the "running TensorFlow.js
// in Node.js" banner of its CPU backend); it gates logging only, not kernels.
tf.enableProdMode();

/**
 * TensorFlow.js (tfjs-core), the oracle; its CPU backend is registered by this module's import.
 *
 * @example
 * ```ts
 * await useTfjsCpu();
 * tf.add(tf.tensor([1]), tf.tensor([2]));
 * ```
 */
export { tf };

let ready: Promise<void> | null = null;

/**
 * Make the tfjs CPU backend active (once per process).
 *
 * @example
 * ```ts
 * beforeAll(() => useTfjsCpu());
 * ```
 */
export function useTfjsCpu(): Promise<void> {
  ready ??= tf.setBackend('cpu').then((ok) => {
    if (!ok)
      throw new Error(
        "conformance oracle: tf.setBackend('cpu') failed (is @tensorflow/tfjs-backend-cpu installed?)",
      );
  });
  return ready;
}

/**
 * The same host data as a TensorFlow.js tensor (call inside `tf.tidy`).
 *
 * @example
 * ```ts
 * const t = toTf(gen.floats([2, 2]));
 * ```
 */
export function toTf(h: HostTensor): tf.Tensor {
  return tf.tensor(h.data, [...h.shape], h.dtype);
}

/**
 * Run `theirs` in TensorFlow.js and `ours` in Neurona and require the same shape and values within `tol`
 * (`|ours - tfjs| <= tol * (1 + |tfjs|)`). With `dtype`, our result must also have that dtype (by
 * default, tfjs's dtype).
 *
 * @example
 * ```ts
 * await compareWithTf('add', () => nr.add(toNr(a), toNr(b)), () => tf.add(toTf(a), toTf(b)), 1e-4);
 * ```
 */
export async function compareWithTf(
  what: string,
  ours: () => nr.Tensor,
  theirs: () => tf.Tensor,
  tol: number,
  dtype?: string | null,
): Promise<void> {
  const want = tf.tidy(theirs);
  let values: Float64Array;
  try {
    values = Float64Array.from(await want.data<'float32'>());
  } finally {
    want.dispose();
  }
  const expectedDtype = dtype === null ? undefined : (dtype ?? want.dtype);
  await expectTensor(ours, want.shape, values, tol, what, expectedDtype);
}

/**
 * Describe a case for error messages: op name plus the shapes involved.
 *
 * @example
 * ```ts
 * label('add', [2, 1], [3]); // 'add [2,1] [3]'
 * ```
 */
export function label(op: string, ...shapes: (readonly number[])[]): string {
  return `${op} ${shapes.map((s) => `[${s.join(',')}]`).join(' ')}`;
}
