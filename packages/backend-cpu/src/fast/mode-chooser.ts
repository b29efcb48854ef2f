/**
 * Choosing between one thread and the worker pool by measuring both. On a machine whose cores are busy
 * with other processes, a parallel job can be slower than the calling thread alone (a preempted worker
 * holds back the whole job); on an idle one it is about twice as fast. For each size class of job
 * (log2 of its multiply-adds) the chooser keeps the recent mean wall time of each mode, runs the faster
 * one, and re-measures the other when its figure is older than {@link EXPLORE_MS} times how much slower it
 * was (at most 16 times).
 *
 * The mean is a moving average in which one job weighs {@link WEIGHT} and counts at most {@link CLIP} times
 * the average so far: a worker preempted once (a job of a few milliseconds among jobs of a tenth of one)
 * does not turn a sub-millisecond product single-threaded for seconds, while a machine on which such stalls
 * keep coming raises the figure by a third per job and turns it within a few jobs. Each mode first runs
 * {@link WARM} jobs and keeps the fastest of them: the first jobs of a process (code still being compiled,
 * workers just started) say little about the ones after.
 *
 * @packageDocumentation
 */

/** How old (ms) the other mode's figure may get (times its slowdown) before a job re-measures it. */
export const EXPLORE_MS = 250;
/** Weight of one job in a mode's moving average (while its figure is recent). */
export const WEIGHT = 1 / 8;
/** A job counts at most this many times the mode's moving average (one stall is not the machine). */
export const CLIP = 4;
/** Jobs each mode runs, the pool first, before the faster one is chosen; the fastest of them is its figure. */
export const WARM = 4;

interface Arm {
  /** Recent wall time of a job of this class in this mode (ms); NaN before the first measurement. */
  ms: number;
  /** When it was last measured (performance.now()). */
  at: number;
  /** Jobs measured so far. */
  n: number;
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
        { ms: Number.NaN, at: 0, n: 0 },
        { ms: Number.NaN, at: 0, n: 0 },
      ];
      this.classes.set(key, arms);
    }
    return arms;
  }

  /** Whether a job of `macs` multiply-adds should run on the pool (`now`: the current time, for tests). */
  parallel(macs: number, now = performance.now()): boolean {
    const [single, par] = this.arms(macs);
    if (par.n < WARM) return true;
    if (single.n < WARM) return false;
    const best = par.ms <= single.ms ? par : single;
    const other = best === par ? single : par;
    // Re-measuring costs the difference once per interval: the slower the other mode was, the rarer.
    const explore = now - other.at > EXPLORE_MS * Math.min(16, Math.max(1, other.ms / best.ms));
    return explore ? other === par : best === par;
  }

  /**
   * Record a job's wall time: the fastest of a mode's first {@link WARM} jobs, then into the moving average
   * of a recent figure of the same mode, or replacing a stale one (a re-measurement after
   * {@link EXPLORE_MS} stands for the machine as it is now); either way at most {@link CLIP} times the
   * figure it updates.
   */
  record(macs: number, parallel: boolean, ms: number, now = performance.now()): void {
    const arm = this.arms(macs)[parallel ? 1 : 0];
    if (arm.n++ < WARM) arm.ms = Number.isNaN(arm.ms) ? ms : Math.min(arm.ms, ms);
    else if (now - arm.at <= EXPLORE_MS) arm.ms += WEIGHT * (Math.min(ms, CLIP * arm.ms) - arm.ms);
    else arm.ms = Math.min(ms, CLIP * arm.ms);
    arm.at = now;
  }
}
