/**
 * One training run per model at a time, and no backend switch while any model trains: a second `fit` on
 * the same model, or `setBackend` during `fit`, would interleave updates or move weights mid-step.
 */

/** Models with a `fit` in progress. */
const training = new WeakSet<object>();
let running = 0;

/**
 * @internal Run `body` as the only `fit` of `model`; a second call while one is in progress rejects with a
 * clear error instead of interleaving updates.
 *
 * @example
 * ```ts
 * const history = await exclusiveFit(model, () => trainLoop());
 * ```
 */
export async function exclusiveFit<T>(model: { readonly name: string }, body: () => Promise<T>): Promise<T> {
  if (training.has(model)) {
    throw new Error(
      `fit: model '${model.name}' is already training (an earlier fit() on it has not finished); await it before calling fit() again`,
    );
  }
  training.add(model);
  running++;
  try {
    return await body();
  } finally {
    training.delete(model);
    running--;
  }
}

/**
 * @internal Throw when a `fit` is in progress (used by `setBackend`).
 *
 * @example
 * ```ts
 * assertNotTraining('setBackend');
 * ```
 */
export function assertNotTraining(where: string): void {
  if (running > 0) {
    throw new Error(
      `${where}: cannot switch the backend while fit() is running (${running} training run${running > 1 ? 's' : ''} in progress); await fit() first, or stop it with model.stopTraining = true`,
    );
  }
}
