/**
 * The non-finite guard: with `nr.debug({ nonFinite: true })`, every float32 kernel output is read and the
 * first NaN or ±Infinity stops the step with the layer, the op, the input ranges and the step number.
 *
 * @packageDocumentation
 */
import type { Engine } from '../engine/engine.js';
import { type Tensor, Variable } from '../engine/tensor.js';
import { fmt } from '../ops/util.js';
import { currentSite, type DebugSite, describeSite } from './site.js';

/**
 * Range of one kernel input: smallest and largest finite value and how many values were NaN or infinite.
 *
 * @example
 * ```ts
 * const r: nr.InputRange = { shape: [2, 3], min: -1, max: 4, nonFinite: 0 };
 * ```
 */
export interface InputRange {
  readonly shape: readonly number[];
  /** Smallest finite value (`NaN` when there is none or the input is not float). */
  readonly min: number;
  /** Largest finite value (`NaN` when there is none or the input is not float). */
  readonly max: number;
  /** Count of NaN and ±Infinity values. */
  readonly nonFinite: number;
}

/**
 * Thrown by the non-finite guard at the first kernel output holding NaN or ±Infinity.
 *
 * @example
 * ```ts
 * try { await model.fit(x, y); } catch (e) { if (e instanceof nr.NonFiniteError) console.log(e.site, e.step); }
 * ```
 */
export class NonFiniteError extends Error {
  /**
   * @param step Training step (1-based, the optimizer's update count), or `null` outside a training step.
   * @param site Layer (or loss, optimizer), pass and op that produced the value.
   * @param value The first non-finite value.
   * @param index Its flat index in the output.
   * @param shape The output's shape.
   * @param inputs Ranges of the kernel's inputs.
   * @param variable The variable being updated, when the optimizer produced the value.
   */
  constructor(
    message: string,
    readonly step: number | null,
    readonly site: DebugSite,
    readonly value: number,
    readonly index: number,
    readonly shape: readonly number[],
    readonly inputs: readonly InputRange[],
    readonly variable: string | null,
  ) {
    super(message);
    this.name = 'NonFiniteError';
  }
}

/** @internal Range of a tensor's values (read synchronously). */
export function rangeOf(t: Tensor): InputRange {
  const read = t.storage.backend.readSync;
  if (t.disposedFlag || !read) return { shape: t.shape, min: Number.NaN, max: Number.NaN, nonFinite: 0 };
  const d = read.call(t.storage.backend, t.storage.handle);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let nonFinite = 0;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (!Number.isFinite(v)) nonFinite++;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return min <= max
    ? { shape: t.shape, min, max, nonFinite }
    : { shape: t.shape, min: Number.NaN, max: Number.NaN, nonFinite };
}

const fmtRange = (r: InputRange): string =>
  `${fmt(r.shape)} in [${r.min.toPrecision(4)}, ${r.max.toPrecision(4)}]${r.nonFinite ? ` with ${r.nonFinite} non-finite` : ''}`;

/**
 * @internal Check one kernel output; throw a {@link NonFiniteError} at its first NaN or ±Infinity.
 * `step` is the current training step or `null`.
 */
export function checkOutput(
  e: Engine,
  name: string,
  inputs: readonly Tensor[],
  out: Tensor,
  step: number | null,
): void {
  if (out.dtype !== 'float32') return;
  const b = out.storage.backend;
  if (!b.readSync) {
    throw new Error(
      `nr.debug({ nonFinite: true }): backend '${b.name}' has no synchronous read (readSync), which the guard needs to check '${name}' as it runs; use the cpu or wasm backend to find the op, then switch back`,
    );
  }
  const d = b.readSync(out.storage.handle);
  for (let i = 0; i < d.length; i++) {
    if (Number.isFinite(d[i]!)) continue;
    const site = currentSite(e, name);
    const variable = out instanceof Variable ? out.name : (site.owner?.variable ?? null);
    const ranges = inputs.map(rangeOf);
    const when = step === null ? 'outside a training step' : `step ${step}`;
    const what = out instanceof Variable ? ` updating variable '${variable}'` : '';
    throw new NonFiniteError(
      `nr.debug nonFinite: ${when}: ${describeSite(site)}${what} produced ${d[i]} at flat index ${i} of its output ${fmt(out.shape)}; inputs: ${ranges.map(fmtRange).join(', ') || 'none'}`,
      step,
      site,
      d[i]!,
      i,
      out.shape,
      ranges,
      variable,
    );
  }
}
