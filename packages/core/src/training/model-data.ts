import { Tensor } from '../engine/tensor.js';

/**
 * Data for a model's inputs or outputs: one tensor (one input / output), an array in input / output order,
 * or an object keyed by input / output layer name.
 *
 * @example
 * ```ts
 * const x: nr.ModelData = { image: images, meta: features };
 * ```
 */
export type ModelData = Tensor | readonly Tensor[] | Readonly<Record<string, Tensor>>;

/** @internal The tensors of `data` in model order (`names` is asked for only for name-keyed objects). */
export function toTensorList(data: ModelData, names: () => readonly string[], what: string): Tensor[] {
  if (data instanceof Tensor) return [data];
  if (Array.isArray(data)) {
    if (data.length === 0) throw new Error(`${what}: got an empty array`);
    for (const [i, t] of data.entries())
      if (!(t instanceof Tensor)) throw new Error(`${what}[${i}] must be a Tensor, got ${typeof t}`);
    return [...(data as readonly Tensor[])];
  }
  if (data === null || typeof data !== 'object') {
    throw new Error(
      `${what} must be a Tensor, an array of tensors or an object of tensors keyed by name, got ${String(data)}`,
    );
  }
  const rec = data as Readonly<Record<string, Tensor>>;
  const keys = names();
  const extra = Object.keys(rec).filter((k) => !keys.includes(k));
  if (extra.length)
    throw new Error(`${what}: unknown name(s) ${extra.join(', ')} (expected ${keys.join(', ')})`);
  return keys.map((k) => {
    const t = rec[k];
    if (!(t instanceof Tensor))
      throw new Error(`${what}: no tensor for '${k}' (expected ${keys.join(', ')})`);
    return t;
  });
}
