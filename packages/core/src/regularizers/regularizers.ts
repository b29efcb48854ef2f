import type { Tensor } from '../engine/tensor.js';
import type { ConfigDict, ConfigValue } from '../initializers/initializers.js';
import { add, mul } from '../ops/binary.js';
import { scalar } from '../ops/creation.js';
import { sum } from '../ops/reduce.js';
import { abs, square } from '../ops/unary.js';

/**
 * A weight penalty added to the training loss: `l1 * Σ|w| + l2 * Σw²`.
 *
 * @example
 * ```ts
 * nr.layers.dense({ units: 8, kernelRegularizer: nr.regularizers.l2({ l2: 1e-4 }) });
 * ```
 */
export interface Regularizer {
  readonly className: string;
  /** The penalty for one weight tensor (a scalar). */
  apply(weight: Tensor): Tensor;
  getConfig(): ConfigDict;
}

/**
 * L1 and L2 penalties together.
 *
 * @example
 * ```ts
 * nr.regularizers.l1l2({ l1: 1e-5, l2: 1e-4 });
 * ```
 */
export function l1l2(config: { l1?: number; l2?: number } = {}): Regularizer {
  const l1 = config.l1 ?? 0.01;
  const l2 = config.l2 ?? 0.01;
  for (const [k, v] of [
    ['l1', l1],
    ['l2', l2],
  ] as const) {
    if (!(v >= 0) || !Number.isFinite(v))
      throw new Error(`l1l2: ${k} must be a finite number >= 0, got ${v}`);
  }
  return {
    className: 'L1L2',
    apply(w) {
      let penalty = scalar(0);
      if (l1 > 0) penalty = add(penalty, mul(sum(abs(w)), l1));
      if (l2 > 0) penalty = add(penalty, mul(sum(square(w)), l2));
      return penalty;
    },
    getConfig: () => ({ l1, l2 }),
  };
}

/**
 * L1 penalty `l1 * Σ|w|` (encourages sparse weights).
 *
 * @example
 * ```ts
 * nr.regularizers.l1({ l1: 1e-4 });
 * ```
 */
export function l1(config: { l1?: number } = {}): Regularizer {
  return l1l2({ l1: config.l1 ?? 0.01, l2: 0 });
}

/**
 * L2 penalty `l2 * Σw²` (weight decay).
 *
 * @example
 * ```ts
 * nr.regularizers.l2({ l2: 1e-4 });
 * ```
 */
export function l2(config: { l2?: number } = {}): Regularizer {
  return l1l2({ l1: 0, l2: config.l2 ?? 0.01 });
}

/**
 * A regularizer given as an object, in serialised form (`{ className: 'L1L2', config: { l1, l2 } }`), by
 * Keras name (`'l1'`, `'l2'`, `'l1_l2'`), or `null` for none.
 *
 * @example
 * ```ts
 * const r: nr.regularizers.RegularizerLike = { className: 'L1L2', config: { l1: 0, l2: 1e-4 } };
 * ```
 */
export type RegularizerLike =
  | Regularizer
  | { readonly className: string; readonly config?: ConfigDict }
  | string
  | null;

/**
 * Resolve a {@link RegularizerLike} (`null`/`undefined` give `null`).
 *
 * @example
 * ```ts
 * nr.regularizers.getRegularizer({ className: 'L2', config: { l2: 0.01 } }, 'Dense');
 * ```
 */
export function getRegularizer(r: RegularizerLike | undefined, where: string): Regularizer | null {
  if (r === null || r === undefined) return null;
  if (typeof r === 'object' && 'apply' in r) return r;
  const className = typeof r === 'string' ? r : r.className;
  const config = typeof r === 'string' ? undefined : r.config;
  const num = (k: string, fallback: number): number =>
    typeof config?.[k] === 'number' ? (config[k] as number) : fallback;
  // Keras defaults: the name 'l1_l2' means 0.01 each, a serialised L1L2 leaves missing factors at 0.
  const l1l2Default = typeof r === 'string' ? 0.01 : 0;
  switch (className.replace(/_/g, '').toLowerCase()) {
    case 'l1l2':
      return l1l2({ l1: num('l1', l1l2Default), l2: num('l2', l1l2Default) });
    case 'l1':
      return l1l2({ l1: num('l1', 0.01), l2: 0 });
    case 'l2':
      return l1l2({ l1: 0, l2: num('l2', 0.01) });
    default:
      throw new Error(`${where}: unknown regularizer '${className}' (known: L1L2, L1, L2)`);
  }
}

/**
 * The serialised form of a regularizer, `{ className, config }`, or `null`.
 *
 * @example
 * ```ts
 * nr.regularizers.serializeRegularizer(nr.regularizers.l2({ l2: 1e-4 })); // { className: 'L1L2', config: { l1: 0, l2: 1e-4 } }
 * ```
 */
export function serializeRegularizer(r: Regularizer | null): ConfigValue {
  return r ? { className: r.className, config: r.getConfig() } : null;
}
