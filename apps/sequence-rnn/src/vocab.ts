/**
 * The character vocabulary of a text: every distinct Unicode code point, sorted, mapped to a dense id.
 *
 * @example
 * ```ts
 * const vocab = Vocab.fromText('abca');
 * vocab.chars; // ['a', 'b', 'c']
 * vocab.encode('cab'); // Int32Array [2, 0, 1]
 * vocab.decode([1, 2]); // 'bc'
 * ```
 */
export class Vocab {
  /** The characters, in id order. */
  readonly chars: readonly string[];
  private readonly index: Map<string, number>;

  constructor(chars: readonly string[]) {
    if (chars.length === 0) throw new Error('Vocab: expected at least one character, got none');
    const index = new Map<string, number>();
    chars.forEach((c, i) => {
      if (typeof c !== 'string' || Array.from(c).length !== 1) {
        throw new Error(`Vocab: entry ${i} must be a single character, got ${JSON.stringify(c)}`);
      }
      if (index.has(c))
        throw new Error(`Vocab: character ${JSON.stringify(c)} appears twice (ids ${index.get(c)} and ${i})`);
      index.set(c, i);
    });
    this.chars = [...chars];
    this.index = index;
  }

  /** The vocabulary of `text`: its distinct code points sorted by code point. */
  static fromText(text: string): Vocab {
    if (text.length === 0) throw new Error('Vocab.fromText: the text is empty');
    const set = new Set(Array.from(text));
    return new Vocab([...set].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
  }

  /** Number of characters (the model's number of classes). */
  get size(): number {
    return this.chars.length;
  }

  /** Whether `ch` (one character) is in the vocabulary. */
  has(ch: string): boolean {
    return this.index.has(ch);
  }

  /** Ids of the characters of `text`; throws naming the first character that is not in the vocabulary. */
  encode(text: string): Int32Array {
    const cps = Array.from(text);
    const out = new Int32Array(cps.length);
    for (let i = 0; i < cps.length; i++) {
      const id = this.index.get(cps[i]!);
      if (id === undefined) {
        throw new Error(
          `Vocab.encode: character ${JSON.stringify(cps[i])} (position ${i}) is not in the vocabulary of ${this.size} characters`,
        );
      }
      out[i] = id;
    }
    return out;
  }

  /** The text of `ids`; throws on an id outside `[0, size)`. */
  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const c = this.chars[ids[i]!];
      if (c === undefined)
        throw new Error(`Vocab.decode: id ${ids[i]} (position ${i}) is not in [0, ${this.size})`);
      s += c;
    }
    return s;
  }
}

/**
 * Entropy, in nats, of the character frequencies of `ids` (ids in `[0, size)`): the cross-entropy per
 * character of the best unigram model of that very text, so `exp` of it is the unigram perplexity a
 * sequence model must beat.
 *
 * @example
 * ```ts
 * unigramEntropy([0, 0, 1, 1], 2); // Math.log(2)
 * ```
 */
export function unigramEntropy(ids: ArrayLike<number>, size: number): number {
  if (ids.length === 0) throw new Error('unigramEntropy: expected at least one id, got none');
  const counts = new Float64Array(size);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!(id >= 0 && id < size))
      throw new Error(`unigramEntropy: id ${id} (position ${i}) is not in [0, ${size})`);
    counts[id]! += 1;
  }
  let h = 0;
  for (const c of counts) {
    if (c > 0) {
      const p = c / ids.length;
      h -= p * Math.log(p);
    }
  }
  return h;
}
