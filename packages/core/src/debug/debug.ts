/**
 * `nr.debug`: switch the training guards on and off. Off (the default), the engine has no hooks and each
 * dispatch point costs one null check; nothing is read back.
 *
 * @packageDocumentation
 */
import { collectTensors, engine } from '../engine/engine.js';
import type { EngineHooks } from '../engine/hooks.js';
import type { Tensor, Variable } from '../engine/tensor.js';
import { LeakTracker } from './leaks.js';
import { checkOutput } from './non-finite.js';

/**
 * Options of {@link debug}. An omitted field keeps its current setting.
 *
 * @example
 * ```ts
 * const opts: nr.DebugOptions = { leaks: true, nonFinite: true };
 * ```
 */
export interface DebugOptions {
  /** After every training step, throw a `LeakError` naming the layer and op that left extra tensors alive. */
  leaks?: boolean;
  /** Check every kernel output; throw a `NonFiniteError` at the first NaN or ±Infinity (needs `readSync`). */
  nonFinite?: boolean;
}

const settings = { leaks: false, nonFinite: false };
/** The step in progress while a guard is on: its number and its leak tracker. */
let current: { step: number; tracker: LeakTracker | null } | null = null;

/**
 * Turn the training guards on or off; returns the previous settings (pass them back to restore).
 * The leak guard checks after each training step that the only new live tensors are what the step returned,
 * the model's weights and the optimizer's state, and otherwise throws a {@link LeakError} naming the layer
 * and op that created the others. The non-finite guard reads every float kernel output and throws a
 * {@link NonFiniteError} at the first NaN or ±Infinity, with the layer, the op, the input ranges and the
 * step number. Both slow training down; with both off the engine is untouched.
 *
 * @example
 * ```ts
 * const previous = nr.debug({ leaks: true, nonFinite: true });
 * await model.fit(x, y, { epochs: 1 }); // throws at the first leak or NaN, naming the layer
 * nr.debug(previous);
 * ```
 */
export function debug(options: DebugOptions): Required<DebugOptions> {
  if (options === null || typeof options !== 'object') {
    throw new Error(
      `nr.debug: expected an object such as { leaks: true, nonFinite: true }, got ${String(options)}`,
    );
  }
  for (const [key, value] of Object.entries(options)) {
    if (key !== 'leaks' && key !== 'nonFinite') {
      throw new Error(`nr.debug: unknown option '${key}' (expected 'leaks' or 'nonFinite')`);
    }
    if (value !== undefined && typeof value !== 'boolean') {
      throw new Error(`nr.debug: '${key}' must be true or false, got ${JSON.stringify(value)}`);
    }
  }
  const previous = { ...settings };
  if (options.leaks !== undefined) settings.leaks = options.leaks;
  if (options.nonFinite !== undefined) settings.nonFinite = options.nonFinite;
  engine().hooks = guardHooks();
  return previous;
}

/** @internal The engine hooks of the guards that are on, or `null`. */
export function guardHooks(): EngineHooks | null {
  if (!settings.leaks && !settings.nonFinite) return null;
  const e = engine();
  return {
    created: settings.leaks ? (t) => current?.tracker?.created(t) : undefined,
    disposed: settings.leaks ? (t) => current?.tracker?.disposed(t) : undefined,
    output: settings.nonFinite
      ? (name, inputs, out) => checkOutput(e, name, inputs, out, current?.step ?? null)
      : undefined,
  };
}

/** What the step guard needs of a model and its optimizer. */
interface GuardedModel {
  readonly trainableWeights: readonly Variable[];
  readonly weights?: readonly Variable[];
}

/**
 * @internal Run one training step under the guards that are on (`null` when none is, so the caller runs it
 * directly). `iterations` is the optimizer's update count before the step.
 */
export function stepGuard(): ((model: GuardedModel, iterations: number, run: () => Tensor) => Tensor) | null {
  if (!settings.leaks && !settings.nonFinite) return null;
  return (model, iterations, run) => {
    const step = iterations + 1;
    const tracker = settings.leaks ? new LeakTracker(engine()) : null;
    const outer = current;
    current = { step, tracker };
    let out: Tensor;
    try {
      out = run();
    } finally {
      current = outer;
    }
    if (tracker) {
      const weights = new Set<Tensor>([...model.trainableWeights, ...(model.weights ?? [])]);
      try {
        tracker.check(step, collectTensors(out), weights);
      } catch (err) {
        out.dispose();
        throw err;
      }
    }
    return out;
  };
}

/**
 * @internal Run `fn` with the guards off and no engine hooks (the kernel report installs its own), then
 * restore them.
 */
export function withoutGuards<T>(fn: () => T): T {
  const saved = { ...settings };
  settings.leaks = false;
  settings.nonFinite = false;
  const e = engine();
  const hooks = e.hooks;
  e.hooks = null;
  try {
    return fn();
  } finally {
    Object.assign(settings, saved);
    e.hooks = hooks;
  }
}
