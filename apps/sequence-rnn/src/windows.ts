/**
 * Split a sequence into its first `1 - fraction` (training) and its last `fraction` (held out), in order,
 * so the held-out text is text the model has never seen.
 *
 * @example
 * ```ts
 * splitHoldout(Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), 0.2); // { train: [0..7], heldOut: [8, 9] }
 * ```
 */
export function splitHoldout(ids: Int32Array, fraction = 0.1): { train: Int32Array; heldOut: Int32Array } {
  if (!(fraction > 0 && fraction < 1))
    throw new Error(`splitHoldout: fraction must be in (0, 1), got ${fraction}`);
  const cut = ids.length - Math.floor(ids.length * fraction);
  return { train: ids.subarray(0, cut), heldOut: ids.subarray(cut) };
}

/**
 * Next-character windows for a many-to-many model: window `w` reads `seqLen` ids starting at
 * `offset + w*seqLen` (x) and must predict the same span shifted by one (y). Windows do not overlap, so each
 * character is a target once per pass; a different `offset` per epoch cuts the text at other places.
 * Returns row-major `[count, seqLen]` arrays.
 *
 * @example
 * ```ts
 * const { x, y, count } = nextCharWindows(Int32Array.from([0, 1, 2, 3, 4, 5, 6]), 3);
 * // count 2, x = [0,1,2, 3,4,5], y = [1,2,3, 4,5,6]
 * ```
 */
export function nextCharWindows(
  ids: Int32Array,
  seqLen: number,
  offset = 0,
): { x: Int32Array; y: Int32Array; count: number } {
  if (!Number.isInteger(seqLen) || seqLen < 1) {
    throw new Error(`nextCharWindows: seqLen must be a positive integer, got ${seqLen}`);
  }
  if (!Number.isInteger(offset) || offset < 0) {
    throw new Error(`nextCharWindows: offset must be a non-negative integer, got ${offset}`);
  }
  const count = Math.max(0, Math.floor((ids.length - 1 - offset) / seqLen));
  const x = new Int32Array(count * seqLen);
  const y = new Int32Array(count * seqLen);
  for (let w = 0; w < count; w++) {
    const start = offset + w * seqLen;
    x.set(ids.subarray(start, start + seqLen), w * seqLen);
    y.set(ids.subarray(start + 1, start + 1 + seqLen), w * seqLen);
  }
  return { x, y, count };
}

/**
 * Copy rows `rows` of a row-major `[n, width]` array into a new `[rows.length, width]` array (a batch).
 *
 * @example
 * ```ts
 * gatherRows(Int32Array.from([1, 2, 3, 4, 5, 6]), 2, Int32Array.from([2, 0])); // [5, 6, 1, 2]
 * ```
 */
export function gatherRows(data: Int32Array, width: number, rows: ArrayLike<number>): Int32Array {
  const out = new Int32Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    out.set(data.subarray(r * width, (r + 1) * width), i * width);
  }
  return out;
}
