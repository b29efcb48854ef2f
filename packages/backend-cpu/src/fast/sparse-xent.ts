/**
 * Fast fused sparse softmax cross-entropy: the row softmax (or log-softmax) runs in WebAssembly SIMD
 * (`softmaxRows`, sums in float64), then one host pass per row picks the label's entry. Same definition as
 * the reference kernels (`kernels/sparse-xent.ts`), NaN for a label outside `[0, classes)`.
 *
 * @packageDocumentation
 */
import type { Runtime } from './runtime.js';

/**
 * Logits at `x` (`rows x classes`, float32) and int32 labels at `labels`: with `dy` 0 (no pointer), the loss of each
 * row, `-logSoftmax(x)[r, label]`, into `out` (`rows` floats); else the gradient for the logits,
 * `dy[r] * (softmax(x)[r] - onehot(label))`, into `out` (`rows x classes`).
 *
 * @example
 * ```ts
 * sparseXentRows(rt, px, pl, 0, o, 64, 10); // 64 losses
 * ```
 */
export function sparseXentRows(
  rt: Runtime,
  x: number,
  labels: number,
  dy: number,
  out: number,
  rows: number,
  classes: number,
): void {
  const grad = dy !== 0;
  const bytes = rows * classes * 4;
  // The gradient is built in place on the softmax; the loss needs the log-softmax only for its pick.
  const rowsAt = grad ? out : rt.heap.alloc(bytes);
  try {
    rt.kernels.softmaxRows(grad ? 0 : 1, x, rowsAt, rows, classes);
    const f = rt.heap.f32();
    const l = rt.heap.i32();
    const base = rowsAt >> 2;
    for (let r = 0; r < rows; r++) {
      const label = l[(labels >> 2) + r]!;
      const row = base + r * classes;
      const bad = !(label >= 0 && label < classes);
      if (!grad) {
        f[(out >> 2) + r] = bad ? Number.NaN : -f[row + label]!;
        continue;
      }
      if (bad) {
        f.fill(Number.NaN, row, row + classes);
        continue;
      }
      const d = f[(dy >> 2) + r]!;
      const p = f[row + label]!;
      for (let j = 0; j < classes; j++) f[row + j] = d * f[row + j]!;
      f[row + label] = d * (p - 1);
    }
  } finally {
    if (!grad) rt.heap.free(rowsAt, bytes);
  }
}
