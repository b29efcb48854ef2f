import type { GradFn } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { matMul } from '../ops/matmul.js';
import { sum } from '../ops/reduce.js';

/** Sum over the batch when the operand was broadcast (batch 1). */
const unbroadcast = (g: Tensor, x: Tensor): Tensor =>
  x.shape[0] === 1 && g.shape[0] !== 1 ? sum(g, 0, true) : g;

/**
 * Derivative rule of batched matMul, for every transpose combination:
 * C = A·B gives dA = dC·Bᵀ and dB = Aᵀ·dC.
 *
 * @internal
 */
export const matmulGrad: GradFn = (dy, [a, b], _y, attrs, needs) => {
  const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
  // C = A·B gives dA = dC·Bᵀ and dB = Aᵀ·dC; each transpose combination folds the transposes into matMul.
  const da = (): Tensor =>
    !transposeA && !transposeB
      ? matMul(dy, b!, false, true)
      : !transposeA
        ? matMul(dy, b!, false, false)
        : !transposeB
          ? matMul(b!, dy, false, true)
          : matMul(b!, dy, true, true);
  const db = (): Tensor =>
    !transposeA && !transposeB
      ? matMul(a!, dy, true, false)
      : !transposeA
        ? matMul(dy, a!, true, false)
        : !transposeB
          ? matMul(a!, dy, false, false)
          : matMul(dy, a!, true, true);
  return [needs[0] ? unbroadcast(da(), a!) : null, needs[1] ? unbroadcast(db(), b!) : null];
};
