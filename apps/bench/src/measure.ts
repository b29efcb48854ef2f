/**
 * The timing loop shared by every column: warm up, pick how many batches one repetition runs, then time
 * the repetitions.
 */

/**
 * A workload made ready on one framework and backend.
 *
 * @example
 * ```ts
 * const s: Session = { prepare: () => {}, run: async () => {}, dispose: () => {} };
 * ```
 */
export interface Session {
  /** (Re)create the input data for `batches` batches. */
  prepare(batches: number): void;
  /** One repetition over the prepared batches; resolves once every result is computed and read back. */
  run(): Promise<void>;
  /** Free the model, the data and everything else the session holds. */
  dispose(): void;
}

/**
 * How to time a session.
 *
 * @example
 * ```ts
 * const t: TimingOptions = { reps: 5, warmup: 2, minRepSeconds: 0.5, maxBatchesPerRep: 200, maxDataBytes: 64e6,
 *   maxCellSeconds: 900 };
 * ```
 */
export interface TimingOptions {
  /** Timed repetitions (the median is reported). */
  reps: number;
  /** Untimed repetitions first (>= 1; the first also calibrates). */
  warmup: number;
  /** Run enough batches per repetition for it to last at least this long (0: one batch). */
  minRepSeconds: number;
  /** Upper bound on batches per repetition. */
  maxBatchesPerRep: number;
  /** Upper bound on the bytes of input data held for one repetition. */
  maxDataBytes: number;
  /**
   * Time budget of one cell in seconds: when the first warm-up batch shows that the warm-up and the timed
   * repetitions would take longer, the cell stops there and reports that one batch as an estimate.
   */
  maxCellSeconds: number;
}

/**
 * Raw timings of one session.
 *
 * @example
 * ```ts
 * const t: Timings = { batchesPerRep: 8, repSeconds: [0.51, 0.5, 0.52, 0.5, 0.55], estimate: false };
 * ```
 */
export interface Timings {
  batchesPerRep: number;
  repSeconds: number[];
  /** True when the time budget stopped the cell after its first warm-up batch (then `repSeconds` holds it). */
  estimate: boolean;
}

async function timed(f: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await f();
  return (performance.now() - t0) / 1000;
}

/**
 * Batches per repetition so that one repetition lasts about `minRepSeconds`, given one batch's time.
 *
 * @example
 * ```ts
 * batchesFor(0.02, 1000, { minRepSeconds: 0.5, maxBatchesPerRep: 200, maxDataBytes: 64e6 }); // 25
 * ```
 */
export function batchesFor(
  secondsPerBatch: number,
  bytesPerBatch: number,
  o: Pick<TimingOptions, 'minRepSeconds' | 'maxBatchesPerRep' | 'maxDataBytes'>,
): number {
  const byTime = secondsPerBatch > 0 ? Math.ceil(o.minRepSeconds / secondsPerBatch) : o.maxBatchesPerRep;
  const byBytes = Math.floor(o.maxDataBytes / Math.max(1, bytesPerBatch));
  return Math.max(1, Math.min(byTime, o.maxBatchesPerRep, byBytes));
}

/**
 * Warm up (one batch per repetition), calibrate, then time `reps` repetitions. When calibration asks for
 * more batches, the data grow and one more untimed repetition runs on them (up to three rounds). A cell whose first batch
 * shows that it would exceed `maxCellSeconds` stops after that batch and reports it as an estimate.
 *
 * @example
 * ```ts
 * const { batchesPerRep, repSeconds } = await measure(session, 4 * 64 * 784, options);
 * ```
 */
export async function measure(session: Session, bytesPerBatch: number, o: TimingOptions): Promise<Timings> {
  if (!Number.isInteger(o.reps) || o.reps < 1)
    throw new Error(`measure: reps must be an integer >= 1, got ${o.reps}`);
  if (!Number.isInteger(o.warmup) || o.warmup < 1) {
    throw new Error(`measure: warmup must be an integer >= 1, got ${o.warmup}`);
  }
  session.prepare(1);
  let last = await timed(() => session.run());
  if (last * (o.warmup - 1 + o.reps) > o.maxCellSeconds)
    return { batchesPerRep: 1, repSeconds: [last], estimate: true };
  for (let i = 1; i < o.warmup; i++) last = await timed(() => session.run());
  // Early runs are slow (JIT, first allocations), so the first estimate asks for too few batches:
  // grow the data and re-measure, at most three times, until a repetition lasts long enough.
  let batchesPerRep = 1;
  for (let round = 0; round < 3; round++) {
    const wanted = batchesFor(last / batchesPerRep, bytesPerBatch, o);
    if (wanted <= batchesPerRep) break;
    batchesPerRep = wanted;
    session.prepare(batchesPerRep);
    last = await timed(() => session.run());
  }
  const repSeconds: number[] = [];
  for (let i = 0; i < o.reps; i++) repSeconds.push(await timed(() => session.run()));
  return { batchesPerRep, repSeconds, estimate: false };
}
