/**
 * The vocab.json beside a saved character model (no Node imports: the web page reads it too).
 *
 * @packageDocumentation
 */

/**
 * Marker in vocab.json, so a wrong file is recognised.
 *
 * @example
 * ```ts
 * VOCAB_FORMAT; // 'neurona-char-vocab/1'
 * ```
 */
export const VOCAB_FORMAT = 'neurona-char-vocab/1';

/**
 * What vocab.json holds beside the model: the characters (in id order) and the context length used in
 * training.
 *
 * @example
 * ```ts
 * const meta: CharModelMeta = { chars: ['a', 'b'], seqLen: 64 };
 * ```
 */
export interface CharModelMeta {
  chars: readonly string[];
  seqLen: number;
}

/**
 * Check the parsed contents of a vocab.json (`file` names it in errors) and return its characters and window
 * length.
 *
 * @example
 * ```ts
 * const { chars, seqLen } = parseCharMeta(JSON.parse(text), 'vocab.json');
 * ```
 */
export function parseCharMeta(json: unknown, file: string): CharModelMeta {
  const m = json as { format?: unknown; chars?: unknown; seqLen?: unknown } | null;
  if (!m || m.format !== VOCAB_FORMAT)
    throw new Error(`${file}: not a character vocabulary (expected format '${VOCAB_FORMAT}')`);
  if (!Array.isArray(m.chars) || !m.chars.every((c) => typeof c === 'string')) {
    throw new Error(`${file}: 'chars' must be an array of single characters`);
  }
  if (!Number.isInteger(m.seqLen) || (m.seqLen as number) < 1) {
    throw new Error(`${file}: 'seqLen' must be a positive integer, got ${String(m.seqLen)}`);
  }
  return { chars: m.chars as string[], seqLen: m.seqLen as number };
}
