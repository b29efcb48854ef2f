/**
 * Choosing between one thread and the worker pool by measuring both. On a machine whose cores are busy
 * with other processes, a parallel job can be slower than the calling thread alone (a preempted worker
 * holds back the whole job); on an idle one it is about twice as fast. For each size class of job
 * (log2 of its multiply-adds) the chooser keeps the recent wall time of each mode, runs the faster one,
 * and re-measures the other when its figure is older than {@link EXPLORE_MS} times how much slower it was
 * (at most 16 times).
 *
 * @packageDocumentation
 */

/** How old (ms) the other mode's figure may get (times its slowdown) before a job re-measures it. */
export const EXPLORE_MS = 250;

interface Arm {
  /** Recent wall time of a job of this class in this mode (ms); NaN before the first measurement. */
  ms: number;
  /** When it was last measured (performance.now()). */
  at: number;
}

/**
 * Per size class, the recent times of single-threaded and parallel jobs.
 *
 * @example
 * ```ts
 * const chooser = new ModeChooser();
 * const parallel = chooser.parallel(macs);
 * // ... run the job, taking `ms` ...
 * chooser.record(macs, parallel, ms);
 * ```
 */
export class ModeChooser {
  private readonly classes = new Map<number, [single: Arm, parallel: Arm]>();

  private arms(macs: number): [Arm, Arm] {
    const key = Math.round(Math.log2(Math.max(1, macs)));
    let arms = this.classes.get(key);
    if (!arms) {
      arms = [
        { ms: Number.NaN, at: 0 },
        { ms: Number.NaN, at: 0 },
      ];
      this.classes.set(key, arms);
    }
    return arms;
  }

  /** Whether a job of `macs` multiply-adds should run on the pool (`now`: the current time, for tests). */
  parallel(macs: number, now = performance.now()): boolean {
    const [single, par] = this.arms(macs);
    if (Number.isNaN(par.ms)) return true;
    if (Number.isNaN(single.ms)) return false;
    const best = par.ms <= single.ms ? par : single;
    const other = best === par ? single : par;
    // Re-measuring costs the difference once per interval: the slower the other mode was, the rarer.
    const explore = now - other.at > EXPLORE_MS * Math.min(16, Math.max(1, other.ms / best.ms));
    return explore ? other === par : best === par;
  }

  /**
   * Record a job's wall time: blended with a recent figure of the same mode, replacing a stale one (a
   * re-measurement after {@link EXPLORE_MS} stands for the machine as it is now).
   */
  record(macs: number, parallel: boolean, ms: number, now = performance.now()): void {
    const arm = this.arms(macs)[parallel ? 1 : 0];
    const fresh = !Number.isNaN(arm.ms) && now - arm.at <= EXPLORE_MS;
    arm.ms = fresh ? 0.5 * arm.ms + 0.5 * ms : ms;
    arm.at = now;
  }
}
