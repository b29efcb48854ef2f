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
export const matmulGrad: GradFn = (dy, [a, b], _y, attrs) => {
  const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
  let da: Tensor;
  let db: Tensor;
  if (!transposeA && !transposeB) {
    da = matMul(dy, b!, false, true);
    db = matMul(a!, dy, true, false);
  } else if (!transposeA && transposeB) {
    da = matMul(dy, b!, false, false);
    db = matMul(dy, a!, true, false);
  } else if (transposeA && !transposeB) {
    da = matMul(b!, dy, false, true);
    db = matMul(a!, dy, false, false);
  } else {
    da = matMul(b!, dy, true, true);
    db = matMul(dy, a!, true, true);
  }
  return [unbroadcast(da, a!), unbroadcast(db, b!)];
};
