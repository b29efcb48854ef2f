import { engine } from '../engine/engine.js';
import type { Tensor } from '../engine/tensor.js';
import { matmulGrad } from '../grad/matmul.js';
import { reshape } from './shape.js';
import { broadcastShapes, convert, fmt, op, type TensorOrLike } from './util.js';

/**
 * Matrix product of the last two dimensions, batched over the leading ones (which broadcast).
 * Rank-1 operands are not promoted: use rank >= 2.
 *
 * @example
 * ```ts
 * nr.matMul([[1, 2]], [[3], [4]]);            // [[11]]
 * nr.matMul(a, b, false, true);               // a · bᵀ
 * nr.matMul(nr.zeros([8, 2, 3]), nr.zeros([3, 4])); // shape [8, 2, 4]
 * ```
 */
export function matMul(
  aLike: TensorOrLike,
  bLike: TensorOrLike,
  transposeA = false,
  transposeB = false,
): Tensor {
  return op('matMul', () => {
    const a = convert(aLike, 'matMul', 'a');
    const b = convert(bLike, 'matMul', 'b', a.dtype);
    if (a.rank < 2 || b.rank < 2) {
      throw new Error(`matMul: both operands need rank >= 2, got ${fmt(a.shape)} and ${fmt(b.shape)}`);
    }
    if (a.dtype !== b.dtype || a.dtype === 'bool') {
      throw new Error(`matMul: operands must both be float32 or both int32, got ${a.dtype} and ${b.dtype}`);
    }
    const [m, ka] = transposeA
      ? [a.shape[a.rank - 1]!, a.shape[a.rank - 2]!]
      : [a.shape[a.rank - 2]!, a.shape[a.rank - 1]!];
    const [kb, n] = transposeB
      ? [b.shape[b.rank - 1]!, b.shape[b.rank - 2]!]
      : [b.shape[b.rank - 2]!, b.shape[b.rank - 1]!];
    if (ka !== kb) {
      throw new Error(
        `matMul: inner dimensions differ: a ${fmt(a.shape)}${transposeA ? 'ᵀ' : ''} has ${ka} columns, b ${fmt(b.shape)}${transposeB ? 'ᵀ' : ''} has ${kb} rows`,
      );
    }
    const batchShape = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2), 'matMul');
    const batch = batchShape.reduce((p, d) => p * d, 1);
    const a3 = toRank3(a, batchShape, 'a');
    const b3 = toRank3(b, batchShape, 'b');
    const out = { shape: [batch, m, n], dtype: a.dtype };
    const y = engine().runKernel({
      name: 'matMul',
      inputs: [a3, b3],
      out,
      attrs: { transposeA, transposeB },
      run: (be, [ao, bo]) => be.kernels.matmul(ao!, bo!, transposeA, transposeB, out),
      grad: matmulGrad,
    });
    return reshape(y, [...batchShape, m, n]);
  });
}

/** Flatten leading dims to one batch dim; a fully broadcast operand keeps batch 1. */
function toRank3(t: Tensor, batchShape: number[], arg: string): Tensor {
  const lead = t.shape.slice(0, -2);
  const rows = t.shape[t.rank - 2]!;
  const cols = t.shape[t.rank - 1]!;
  const leadSize = lead.reduce((p, d) => p * d, 1);
  const full = batchShape.reduce((p, d) => p * d, 1);
  if (leadSize === full && lead.length === batchShape.length) return reshape(t, [leadSize, rows, cols]);
  if (leadSize === 1) return reshape(t, [1, rows, cols]);
  throw new Error(
    `matMul: partial broadcasting of batch dimensions is not supported: operand '${arg}' has batch ${fmt(lead)}, result batch ${fmt(batchShape)}`,
  );
}
