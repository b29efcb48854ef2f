/**
 * The allocation bound of a load: while a model is built from a file, the weights its layers create may
 * hold no more values than the file's manifest declares (every one of them is then overwritten by the file),
 * so a topology that asks for a huge layer fails before the memory is taken, not after.
 */

let budget: { total: number; left: number } | null = null;

/**
 * Run `build` with a weight budget of `values` numbers: every {@link chargeWeight} inside it takes from the
 * budget and throws once the layers ask for more than the file holds. Budgets do not nest: the inner one wins
 * and the outer one is restored afterwards.
 *
 * @example
 * ```ts
 * const model = withWeightBudget(1000, () => modelFromTopology(topology));
 * ```
 */
export function withWeightBudget<T>(values: number, build: () => T): T {
  const outer = budget;
  budget = { total: values, left: values };
  try {
    return build();
  } finally {
    budget = outer;
  }
}

/**
 * Take a weight of `shape` (named `name`) from the current budget; a no-op outside {@link withWeightBudget}.
 * Throws, before anything is allocated, when the shape is not whole sizes or holds more values than the
 * file has left.
 *
 * @example
 * ```ts
 * chargeWeight('dense/kernel', [784, 10]);
 * ```
 */
export function chargeWeight(name: string, shape: readonly number[]): void {
  if (!budget) return;
  let n = 1;
  for (const d of shape) n *= d;
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(
      `loadModel: modelTopology: weight '${name}' would have shape [${shape.join(', ')}], which is not a list of sizes: a layer config in the file gives a size that does not fit`,
    );
  }
  if (n > budget.left) {
    throw new Error(
      `loadModel: modelTopology: weight '${name}' would hold ${n} values (shape [${shape.join(', ')}]), more than the weightsManifest has left (${budget.left} of ${budget.total}): a layer config in the file asks for weights the file does not have`,
    );
  }
  budget.left -= n;
}
