/**
 * Counts of (true class, predicted class) pairs: `counts[t * classes + p]`.
 *
 * @example
 * ```ts
 * const cm = confusionMatrix(Int32Array.of(0, 1), Int32Array.of(0, 0), 2);
 * cm.counts; // [1, 0, 1, 0]
 * ```
 */
export interface ConfusionMatrix {
  readonly classes: number;
  readonly counts: Int32Array;
}

/**
 * Tally true labels against predicted labels.
 *
 * @example
 * ```ts
 * confusionMatrix(Int32Array.of(2, 2), Int32Array.of(2, 1), 3).counts[2 * 3 + 1]; // 1
 * ```
 */
export function confusionMatrix(labels: Int32Array, predicted: Int32Array, classes: number): ConfusionMatrix {
  if (labels.length !== predicted.length) {
    throw new Error(`confusionMatrix: ${labels.length} labels but ${predicted.length} predictions`);
  }
  const counts = new Int32Array(classes * classes);
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i]!;
    const p = predicted[i]!;
    if (t < 0 || t >= classes || p < 0 || p >= classes) {
      throw new Error(
        `confusionMatrix: example ${i} has label ${t} / prediction ${p}, expected 0..${classes - 1}`,
      );
    }
    counts[t * classes + p]!++;
  }
  return { classes, counts };
}

/**
 * Overall accuracy: the diagonal over the total (0 for an empty matrix).
 *
 * @example
 * ```ts
 * accuracyOf(confusionMatrix(Int32Array.of(0, 1), Int32Array.of(0, 0), 2)); // 0.5
 * ```
 */
export function accuracyOf(cm: ConfusionMatrix): number {
  let right = 0;
  let total = 0;
  for (let t = 0; t < cm.classes; t++) {
    for (let p = 0; p < cm.classes; p++) {
      const c = cm.counts[t * cm.classes + p]!;
      total += c;
      if (t === p) right += c;
    }
  }
  return total === 0 ? 0 : right / total;
}

/**
 * Argmax of each row of `probs` (`n` rows of `classes` values) and the mean cross-entropy of the true labels.
 *
 * @example
 * ```ts
 * scorePredictions(Float32Array.of(0.9, 0.1, 0.2, 0.8), Int32Array.of(0, 1), 2).predicted; // [0, 1]
 * ```
 */
export function scorePredictions(
  probs: Float32Array,
  labels: Int32Array,
  classes: number,
): { predicted: Int32Array; loss: number } {
  const n = labels.length;
  if (probs.length !== n * classes) {
    throw new Error(`scorePredictions: expected ${n} x ${classes} probabilities, got ${probs.length}`);
  }
  const predicted = new Int32Array(n);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[i * classes + c]! > probs[i * classes + best]!) best = c;
    predicted[i] = best;
    loss -= Math.log(Math.max(probs[i * classes + labels[i]!]!, 1e-7));
  }
  return { predicted, loss: n === 0 ? 0 : loss / n };
}

const pct = (v: number): string => `${(100 * v).toFixed(2)}%`;

/**
 * Per-class table: examples, correct, accuracy and the most frequent confusion of each class.
 *
 * @example
 * ```ts
 * console.log(formatPerClass(cm, ['0', '1']));
 * ```
 */
export function formatPerClass(cm: ConfusionMatrix, names: readonly string[]): string {
  const k = cm.classes;
  const nameWidth = Math.max(5, ...names.map((s) => s.length));
  const lines = [`${'class'.padEnd(nameWidth)}  examples  correct  accuracy  most confused with`];
  for (let t = 0; t < k; t++) {
    let total = 0;
    let worst = -1;
    for (let p = 0; p < k; p++) {
      const c = cm.counts[t * k + p]!;
      total += c;
      if (p !== t && c > 0 && (worst < 0 || c > cm.counts[t * k + worst]!)) worst = p;
    }
    const right = cm.counts[t * k + t]!;
    const acc = total === 0 ? '-' : pct(right / total);
    const confused = worst < 0 ? '-' : `${names[worst]} (${cm.counts[t * k + worst]})`;
    lines.push(
      `${names[t]!.padEnd(nameWidth)}  ${String(total).padStart(8)}  ${String(right).padStart(7)}  ${acc.padStart(8)}  ${confused}`,
    );
  }
  return lines.join('\n');
}

/**
 * The confusion matrix as text: rows are true classes, columns predictions, with a legend line.
 *
 * @example
 * ```ts
 * console.log(formatConfusion(cm, ['0', '1']));
 * ```
 */
export function formatConfusion(cm: ConfusionMatrix, names: readonly string[]): string {
  const k = cm.classes;
  const max = Math.max(...cm.counts, 1);
  const w = Math.max(4, String(max).length + 1);
  const labels = names.map((_, i) => String(i));
  const lines = [`true \\ predicted`, `      ${labels.map((l) => l.padStart(w)).join('')}`];
  for (let t = 0; t < k; t++) {
    const row = Array.from({ length: k }, (_, p) => {
      const c = cm.counts[t * k + p]!;
      return (c === 0 && p !== t ? '.' : String(c)).padStart(w);
    });
    lines.push(`${labels[t]!.padStart(4)}  ${row.join('')}`);
  }
  if (names.some((n, i) => n !== String(i))) {
    lines.push(`(${names.map((n, i) => `${i} = ${n}`).join(', ')})`);
  }
  return lines.join('\n');
}

/**
 * A duration as `1 min 23.4 s` or `12.3 s`.
 *
 * @example
 * ```ts
 * formatSeconds(83.4); // '1 min 23.4 s'
 * ```
 */
export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${(s - 60 * m).toFixed(1)} s`;
}
