/**
 * The loop each pool worker runs. It is turned into source text (`workerMain.toString()`), so it must be
 * self-contained: no imports, no references to anything outside its body.
 *
 * Protocol (Int32 words at the control block of the shared memory, see {@link CONTROL}):
 * `WORD` holds `generation << 16 | next task`. A job is published by writing its fields, resetting
 * `FINISHED`, then storing a new generation with task 0. A thread claims task t by a compare-exchange of
 * `WORD` from `g << 16 | t` to `g << 16 | t + 1`, which only succeeds while the generation is the one whose
 * fields it read and t is below the job's task count, runs it, and adds 1 to `FINISHED` (then wakes the caller
 * if it sleeps on `FINISHED`, flagged by `WAITING`). Between jobs the
 * main thread stores `g << 16 | 0xffff`, which no claim can pass.
 *
 * @packageDocumentation
 */

/**
 * Indices of the control words.
 *
 * @example
 * ```ts
 * Atomics.load(ctrl, CONTROL.FINISHED);
 * ```
 */
export const CONTROL = Object.freeze({
  WORD: 0,
  TASKS: 1,
  KERNEL: 2,
  DESC: 3,
  FINISHED: 4,
  SLEEPERS: 5,
  SHUTDOWN: 6,
  MAX_TID: 7,
  ERROR: 8,
  READY: 9,
  /** 1 while workers may spin between jobs (the caller clears it while backing off). */
  SPIN: 10,
  /** 1 while the caller sleeps on `FINISHED` waiting for the last tasks (workers then notify it). */
  WAITING: 11,
  WORDS: 16,
});

/**
 * What a worker receives when it starts.
 *
 * @example
 * ```ts
 * const init: WorkerInit = { module, memory, control: 16384, names: ['gemmTask'], tid: 1, spinMs: 2 };
 * ```
 */
export interface WorkerInit {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  /** Byte address of the control words. */
  readonly control: number;
  /** Export names, indexed by a job's kernel number. */
  readonly names: readonly string[];
  /** This worker's thread id (1, 2, ...; the calling thread is 0). */
  readonly tid: number;
  /** How long to spin for a next job before sleeping (0: never spin). */
  readonly spinMs: number;
}

/**
 * Run jobs until the shutdown word is set. Sleeps in timed `Atomics.wait` calls when idle.
 *
 * @example
 * ```ts
 * // in a worker: workerMain(workerData);
 * ```
 */
export function workerMain(init: WorkerInit): void {
  // Word indices repeated here because this function runs as standalone source.
  const WORD = 0;
  const TASKS = 1;
  const KERNEL = 2;
  const DESC = 3;
  const FINISHED = 4;
  const SLEEPERS = 5;
  const SHUTDOWN = 6;
  const MAX_TID = 7;
  const ERROR = 8;
  const READY = 9;
  const SPIN = 10;
  const WAITING = 11;
  const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
  const exportsTable = instance.exports as Record<string, (d: number, t: number, tid: number) => void>;
  // (A loop, not a closure: bundlers may wrap nested functions in helpers this standalone source lacks.)
  const fns: ((d: number, t: number, tid: number) => void)[] = [];
  for (let i = 0; i < init.names.length; i++) fns.push(exportsTable[init.names[i]!]!);
  const ctrl = new Int32Array(init.memory.buffer, init.control, 16);
  const tid = init.tid;
  Atomics.add(ctrl, READY, 1);
  let last = Atomics.load(ctrl, WORD) >>> 16;
  let spinUntil = 0;
  for (;;) {
    if (Atomics.load(ctrl, SHUTDOWN) !== 0) return;
    const w = Atomics.load(ctrl, WORD);
    const g = w >>> 16;
    if (g === last || (w & 0xffff) === 0xffff) {
      if (init.spinMs > 0 && performance.now() < spinUntil) {
        for (let i = 0; i < 256 && Atomics.load(ctrl, WORD) === w; i++);
        continue;
      }
      Atomics.add(ctrl, SLEEPERS, 1);
      Atomics.wait(ctrl, WORD, w, 100);
      Atomics.sub(ctrl, SLEEPERS, 1);
      continue;
    }
    last = g;
    const fn = fns[Atomics.load(ctrl, KERNEL)]!;
    const desc = Atomics.load(ctrl, DESC);
    const n = Atomics.load(ctrl, TASKS);
    if (tid < Atomics.load(ctrl, MAX_TID)) {
      for (;;) {
        const cur = Atomics.load(ctrl, WORD);
        const t = cur & 0xffff;
        if (cur >>> 16 !== g || t >= n) break;
        if (Atomics.compareExchange(ctrl, WORD, cur, cur + 1) !== cur) continue;
        try {
          fn(desc, t, tid);
        } catch {
          Atomics.store(ctrl, ERROR, 1);
        }
        Atomics.add(ctrl, FINISHED, 1);
        if (Atomics.load(ctrl, WAITING) !== 0) Atomics.notify(ctrl, FINISHED);
      }
    }
    spinUntil = Atomics.load(ctrl, SPIN) !== 0 ? performance.now() + init.spinMs : 0;
  }
}
