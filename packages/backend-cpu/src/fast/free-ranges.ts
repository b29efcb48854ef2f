/**
 * The free address ranges of the heap's large blocks, sorted by address and merged with their free
 * neighbours, so that a freed block can be handed out again for any size up to its own (tensors of a deep
 * model come in many sizes, and per-size free lists would keep a block of every size ever used).
 *
 * @packageDocumentation
 */

/**
 * Free ranges `[start, start + size)`, disjoint, sorted by start, never adjacent (adjacent ones are merged).
 *
 * @example
 * ```ts
 * const free = new FreeRanges();
 * free.give(65536, 4096);
 * free.take(1024); // 65536 (the rest, 3072 bytes at 66560, stays free)
 * ```
 */
export class FreeRanges {
  private readonly starts: number[] = [];
  private readonly sizes: number[] = [];

  /** Number of free ranges. */
  get count(): number {
    return this.starts.length;
  }

  /** Bytes in all free ranges. */
  get bytes(): number {
    return this.sizes.reduce((a, b) => a + b, 0);
  }

  /** Best fit: the start of the smallest free range of at least `size` bytes, cut to `size`; -1 if none. */
  take(size: number): number {
    let best = -1;
    for (let i = 0; i < this.sizes.length; i++) {
      const s = this.sizes[i]!;
      if (s >= size && (best < 0 || s < this.sizes[best]!)) {
        best = i;
        if (s === size) break;
      }
    }
    if (best < 0) return -1;
    const start = this.starts[best]!;
    if (this.sizes[best] === size) this.remove(best);
    else {
      this.starts[best] = start + size;
      this.sizes[best]! -= size;
    }
    return start;
  }

  /** Free `[start, start + size)`, merged with free neighbours. */
  give(start: number, size: number): void {
    // First range that starts after `start`.
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! < start) lo = mid + 1;
      else hi = mid;
    }
    const prev = lo - 1;
    const joinsPrev = prev >= 0 && this.starts[prev]! + this.sizes[prev]! === start;
    const joinsNext = lo < this.starts.length && start + size === this.starts[lo]!;
    if (joinsPrev && joinsNext) {
      this.sizes[prev]! += size + this.sizes[lo]!;
      this.remove(lo);
    } else if (joinsPrev) this.sizes[prev]! += size;
    else if (joinsNext) {
      this.starts[lo] = start;
      this.sizes[lo]! += size;
    } else {
      this.starts.splice(lo, 0, start);
      this.sizes.splice(lo, 0, size);
    }
  }

  /** Remove and return the start of the last range if it ends at `end` (else -1). */
  takeEndingAt(end: number): number {
    const last = this.starts.length - 1;
    if (last < 0 || this.starts[last]! + this.sizes[last]! !== end) return -1;
    const start = this.starts[last]!;
    this.remove(last);
    return start;
  }

  private remove(i: number): void {
    this.starts.splice(i, 1);
    this.sizes.splice(i, 1);
  }
}
