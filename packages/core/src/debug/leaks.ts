/**
 * The leak guard: with `nr.debug({ leaks: true })`, every tensor a training step creates is tagged with the
 * layer and op that made it; after the step, the only new live tensors may be what the step returned, new
 * weights of the model and new optimizer state. Anything else is reported by where it was made.
 *
 * @packageDocumentation
 */
import type { Engine } from '../engine/engine.js';
import { type Tensor, Variable } from '../engine/tensor.js';
import { fmt } from '../ops/util.js';
import { currentSite, type DebugSite, describeSite } from './site.js';

/**
 * Tensors one site left alive after a step.
 *
 * @example
 * ```ts
 * const l: nr.LeakedTensors = { site, count: 1, shapes: [[4, 3]] };
 * ```
 */
export interface LeakedTensors {
  /** Layer (or loss, optimizer), pass and op that created them. */
  readonly site: DebugSite;
  readonly count: number;
  /** Shapes of the first few. */
  readonly shapes: readonly (readonly number[])[];
}

/**
 * Thrown by the leak guard after a step that left extra tensors alive.
 *
 * @example
 * ```ts
 * try { await model.fit(x, y); } catch (e) { if (e instanceof nr.LeakError) console.log(e.leaks[0]?.site); }
 * ```
 */
export class LeakError extends Error {
  /**
   * @param step The training step (1-based, the optimizer's update count).
   * @param extra How many more tensors were alive than allowed.
   * @param leaks The surviving tensors the step created, grouped by where they were made.
   */
  constructor(
    message: string,
    readonly step: number,
    readonly extra: number,
    readonly leaks: readonly LeakedTensors[],
  ) {
    super(message);
    this.name = 'LeakError';
  }
}

/** @internal Tensors created during one step and still alive, with where they were made. */
export class LeakTracker {
  private readonly born = new Map<Tensor, DebugSite>();
  private readonly before: number;

  constructor(private readonly e: Engine) {
    this.before = e.memory().numTensors;
  }

  /** Hook: a tensor became live. */
  created(t: Tensor): void {
    this.born.set(t, currentSite(this.e));
  }

  /** Hook: a tensor was disposed. */
  disposed(t: Tensor): void {
    this.born.delete(t);
  }

  /**
   * After the step: throw a {@link LeakError} when more tensors are alive than before plus `returned`, new
   * `weights` and new optimizer state (variables made by the optimizer). A step that replaces a tensor it
   * keeps (a disposed old one, a new one alive) adds nothing and passes.
   */
  check(step: number, returned: ReadonlySet<Tensor>, weights: ReadonlySet<Tensor>): void {
    const suspects: [Tensor, DebugSite][] = [];
    let allowed = 0;
    for (const [t, site] of this.born) {
      const ok =
        returned.has(t) || weights.has(t) || (t instanceof Variable && site.owner?.kind === 'optimizer');
      if (ok) allowed++;
      else suspects.push([t, site]);
    }
    const extra = this.e.memory().numTensors - this.before - allowed;
    if (extra <= 0 || suspects.length === 0) return;
    const groups = new Map<string, { site: DebugSite; count: number; shapes: (readonly number[])[] }>();
    for (const [t, site] of suspects) {
      const key = describeSite(site);
      const g = groups.get(key) ?? { site, count: 0, shapes: [] };
      g.count++;
      if (g.shapes.length < 3) g.shapes.push(t.shape);
      groups.set(key, g);
    }
    const leaks = [...groups.values()].sort((a, b) => b.count - a.count);
    const lines = leaks.map(
      (g) =>
        `${g.count} created by ${describeSite(g.site)} (${g.shapes.map((s) => fmt(s)).join(', ')}${g.count > g.shapes.length ? ', ...' : ''})`,
    );
    throw new LeakError(
      `nr.debug leaks: step ${step} left ${extra} extra tensor${extra > 1 ? 's' : ''} alive (beyond the model's weights, the optimizer's state and the step's result): ${lines.join('; ')}. Dispose them, or create them inside tidy() without keep()`,
      step,
      extra,
      leaks,
    );
  }
}
