import { describe, expect, it } from 'vitest';
import { CLIP, EXPLORE_MS, ModeChooser, WARM, WEIGHT } from './mode-chooser.js';

/** Record `WARM` jobs of each mode (the pool's first), all taking `par` and `single` ms, at time `at`. */
function warm(c: ModeChooser, macs: number, par: number, single: number, at = 0): void {
  for (let i = 0; i < WARM; i++) {
    expect(c.parallel(macs, at)).toBe(true);
    c.record(macs, true, par, at);
  }
  for (let i = 0; i < WARM; i++) {
    expect(c.parallel(macs, at)).toBe(false);
    c.record(macs, false, single, at);
  }
}

describe('ModeChooser', () => {
  const macs = 1 << 24;

  it('measures the pool first, then one thread, then runs the faster mode', () => {
    const c = new ModeChooser();
    warm(c, macs, 2, 1);
    // One thread took 1 ms, the pool 2 ms: stay on one thread while the pool's figure is recent.
    expect(c.parallel(macs, 2)).toBe(false);
    c.record(macs, false, 1.2, 2);
    expect(c.parallel(macs, 3)).toBe(false);
  });

  it("keeps the fastest of a mode's first jobs (cold code, workers starting)", () => {
    const c = new ModeChooser();
    const first = [3, 2.5, 0.5, 0.6];
    for (const ms of first) c.record(macs, true, ms, 0);
    for (let i = 0; i < WARM; i++) c.record(macs, false, 1, 0);
    expect(c.parallel(macs, 1)).toBe(true); // 0.5 ms, not the mean of the first jobs (1.65 ms)
  });

  it('re-measures the slower mode once its figure is stale, and switches when it has become faster', () => {
    const c = new ModeChooser();
    warm(c, macs, 2, 1);
    // The pool was 2x slower: it is re-measured after twice the base interval.
    expect(c.parallel(macs, EXPLORE_MS + 1)).toBe(false);
    const later = 2 * EXPLORE_MS + 1;
    expect(c.parallel(macs, later)).toBe(true); // the pool's figure is stale: measure it again
    c.record(macs, true, 0.5, later); // the machine got quieter: replaces the stale 2 ms
    c.record(macs, false, 1, later);
    expect(c.parallel(macs, later + 1)).toBe(true);
  });

  it('re-measures a much slower mode at most 16 intervals apart', () => {
    const c = new ModeChooser();
    warm(c, macs, 100, 1);
    expect(c.parallel(macs, 16 * EXPLORE_MS - 1)).toBe(false);
    expect(c.parallel(macs, 16 * EXPLORE_MS + 1)).toBe(true);
  });

  it('keeps separate figures per size class (log2 of the multiply-adds)', () => {
    const c = new ModeChooser();
    warm(c, macs, 5, 1);
    expect(c.parallel(macs, 1)).toBe(false);
    expect(c.parallel(macs * 8, 1)).toBe(true);
  });

  it('does not leave the pool for one preempted job, but does when stalls keep coming', () => {
    const c = new ModeChooser();
    warm(c, macs, 0.15, 0.26);
    // One job held back 4 ms by a preempted worker: it counts as CLIP times the average, with WEIGHT.
    c.record(macs, true, 4, 1);
    const once = 0.15 + WEIGHT * (CLIP * 0.15 - 0.15);
    expect(once).toBeLessThan(0.26);
    expect(c.parallel(macs, 2)).toBe(true);
    // Stalls on every job: the pool's figure grows by (CLIP - 1) * WEIGHT per job and loses within a few.
    let jobs = 1;
    for (let t = 2; c.parallel(macs, t); t++, jobs++) c.record(macs, true, 4, t);
    expect(jobs).toBeLessThanOrEqual(3);
  });

  it('takes a re-measurement after a stale figure as it is, up to CLIP times that figure', () => {
    const c = new ModeChooser();
    warm(c, macs, 0.15, 0.26);
    c.record(macs, true, 4, 2 * EXPLORE_MS); // stale: replaced, but by at most CLIP * 0.15
    expect(c.parallel(macs, 2 * EXPLORE_MS + 1)).toBe(false);
    // The pool now looks CLIP * 0.15 / 0.26 times slower: it is measured again after that many intervals.
    const again = 2 * EXPLORE_MS + EXPLORE_MS * ((CLIP * 0.15) / 0.26) + 1;
    expect(c.parallel(macs, again)).toBe(true);
  });
});
