import { checkOptionNames, describeValue } from '../training/validate-options.js';
import type { OptimizerArgs } from './optimizer.js';

/** Option names every optimizer takes. */
export const SHARED_OPTIONS = ['learningRate', 'clipNorm', 'globalClipNorm', 'clipValue'] as const;

/**
 * @internal The options of an optimizer factory called either way TensorFlow.js and Keras allow: an options
 * object (`adam({ learningRate: 0.01 })`, unknown names rejected with a suggestion) or positional arguments,
 * learning rate first (`adam(0.01, 0.9, 0.999, 1e-7)`; `names` lists the ones after it; `null` and
 * `undefined` mean the default).
 *
 * @example
 * ```ts
 * optimizerOptions('sgd', [0.1], [], []); // { learningRate: 0.1 }
 * ```
 */
export function optimizerOptions<T extends OptimizerArgs>(
  where: string,
  args: readonly unknown[],
  names: readonly (keyof T & string)[],
  own: readonly (keyof T & string)[],
): T {
  const [first, ...rest] = args;
  if (typeof first === 'number' || (first === null && args.length > 1)) {
    if (rest.length > names.length) {
      throw new Error(
        `${where}: expected at most ${names.length + 1} positional arguments (learningRate, ${names.join(', ')}), got ${args.length}`,
      );
    }
    const out: Record<string, unknown> = {};
    ['learningRate', ...names].forEach((name, i) => {
      const v = args[i];
      if (v !== undefined && v !== null) out[name] = v;
    });
    return out as T;
  }
  if (first === undefined) return {} as T;
  if (first === null || typeof first !== 'object' || Array.isArray(first)) {
    throw new Error(
      `${where}: expected a learning rate (a number) or an options object such as { learningRate: 0.01 }, got ${describeValue(first)}`,
    );
  }
  checkOptionNames(where, 'options', first, [...SHARED_OPTIONS, ...own]);
  if (rest.some((v) => v !== undefined)) {
    throw new Error(`${where}: pass either an options object or positional arguments, not both`);
  }
  return first as T;
}
