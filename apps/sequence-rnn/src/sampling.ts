import * as nr from '@neurona/core';
import type { Vocab } from './vocab.js';

/**
 * The part of the seeded generator that sampling uses (`nr.engine().rng` or a `new nr.Rng(seed)`).
 *
 * @example
 * ```ts
 * const rng: UniformSource = new nr.Rng(42);
 * ```
 */
export interface UniformSource {
  uniform(): number;
}

/**
 * Draw a class from probabilities `probs` reshaped by a temperature: `p_i^(1/T)` renormalised, computed
 * in float64 from log-probabilities. `T = 1` samples the model's distribution, `T < 1` sharpens it, and
 * `T = 0` is greedy (the most probable class, lowest id on ties). Uses one `rng.uniform()` per call
 * (none when `T = 0`).
 *
 * @example
 * ```ts
 * sampleIndex([0.1, 0.6, 0.3], 0, new nr.Rng(1)); // 1
 * ```
 */
export function sampleIndex(probs: ArrayLike<number>, temperature: number, rng: UniformSource): number {
  if (!(temperature >= 0) || !Number.isFinite(temperature)) {
    throw new Error(`sampleIndex: temperature must be a finite number >= 0, got ${temperature}`);
  }
  const n = probs.length;
  if (n === 0) throw new Error('sampleIndex: expected at least one probability, got none');
  let best = 0;
  for (let i = 1; i < n; i++) if (probs[i]! > probs[best]!) best = i;
  if (temperature === 0) return best;
  const logMax = Math.log(probs[best]!);
  const w = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const p = probs[i]!;
    w[i] = p > 0 ? Math.exp((Math.log(p) - logMax) / temperature) : 0;
    total += w[i]!;
  }
  let u = rng.uniform() * total;
  for (let i = 0; i < n; i++) {
    u -= w[i]!;
    if (u < 0) return i;
  }
  // Rounding left a sliver of mass: fall back to the last class that has any.
  for (let i = n - 1; i >= 0; i--) if (w[i]! > 0) return i;
  return best;
}

/**
 * Options of {@link generate}.
 *
 * @example
 * ```ts
 * const o: GenerateOptions = { prompt: 'Call me', length: 300, temperatures: [0.7], context: 64 };
 * ```
 */
export interface GenerateOptions {
  /** Text to continue; every character must be in the vocabulary (may be empty only if `start` is given). */
  prompt: string;
  /** Characters to generate after the prompt. */
  length: number;
  /** One continuation per temperature, generated together as one batch. */
  temperatures: readonly number[];
  /** Longest context fed to the model (the training window length). */
  context: number;
  /** Random source; default the engine's seeded generator `nr.engine().rng`. */
  rng?: UniformSource;
  /** Called after each step with the new character of each continuation (to show them as they come). */
  onChars?: (chars: readonly string[]) => void | Promise<void>;
  /** Stops generating when aborted; the continuations so far are returned. */
  signal?: AbortSignal;
}

/**
 * Continue `prompt` with a trained character model, one character at a time: feed the last `context`
 * characters, read the distribution after the last one, draw the next character at each temperature.
 * With the same seed, weights and options the text is the same on every run.
 *
 * @example
 * ```ts
 * nr.seed(7);
 * const [cool, hot] = generate(model, vocab, { prompt: 'Call me', length: 80, temperatures: [0.5, 1], context: 64 });
 * ```
 */
export async function generate(
  model: nr.Sequential,
  vocab: Vocab,
  options: GenerateOptions,
): Promise<string[]> {
  const { length, temperatures, context } = options;
  if (!Number.isInteger(length) || length < 0)
    throw new Error(`generate: length must be an integer >= 0, got ${length}`);
  if (!Number.isInteger(context) || context < 1)
    throw new Error(`generate: context must be a positive integer, got ${context}`);
  if (temperatures.length === 0) throw new Error('generate: give at least one temperature');
  for (const t of temperatures) {
    if (!(t >= 0) || !Number.isFinite(t))
      throw new Error(`generate: temperature must be a finite number >= 0, got ${t}`);
  }
  if (options.prompt.length === 0) throw new Error('generate: the prompt must not be empty');
  const rng = options.rng ?? nr.engine().rng;
  const start = Array.from(vocab.encode(options.prompt));
  const seqs = temperatures.map(() => [...start]);
  const k = vocab.size;
  for (let step = 0; step < length && !options.signal?.aborted; step++) {
    const window = Math.min(context, seqs[0]!.length);
    const ids = new Int32Array(seqs.length * window);
    seqs.forEach((s, b) => {
      ids.set(s.slice(s.length - window), b * window);
    });
    const probs = nr.tidy(() => {
      const out = model.predict(nr.tensor(ids, [seqs.length, window], 'int32'));
      return nr.reshape(nr.slice(out, [0, window - 1, 0], [seqs.length, 1, k]), [seqs.length, k]);
    });
    const p = await probs.data();
    probs.dispose();
    seqs.forEach((s, b) => {
      s.push(sampleIndex(p.subarray(b * k, (b + 1) * k), temperatures[b]!, rng));
    });
    await options.onChars?.(seqs.map((s) => vocab.chars[s[s.length - 1]!]!));
  }
  return seqs.map((s) => vocab.decode(s.slice(start.length)));
}
