/**
 * How training gives the event loop a turn: through a macrotask that browsers do not clamp
 * (`scheduler.postTask`, `setImmediate` in Node, else a `MessageChannel` message; `setTimeout(0)` is
 * clamped to 4 ms after a few nested calls), and only once a few milliseconds of work have passed since the
 * last turn, so tiny batches are not slowed by a yield each.
 *
 * @packageDocumentation
 */

/** Work, in milliseconds, between two yields. */
export const YIELD_EVERY_MS = 8;

/** @internal Schedules `fn` as a macrotask. */
export type Schedule = (fn: () => void) => void;

interface PostTaskScheduler {
  postTask(fn: () => void, options?: { priority?: string }): Promise<unknown>;
}

/** @internal The globals `platformSchedule` looks at. */
export interface ScheduleGlobals {
  scheduler?: PostTaskScheduler;
  setImmediate?: (fn: () => void) => unknown;
  MessageChannel?: typeof MessageChannel;
}

/** @internal The best unclamped macrotask of this environment (`g`: its globals). */
export function platformSchedule(g: ScheduleGlobals = globalThis as ScheduleGlobals): Schedule {
  const scheduler = g.scheduler;
  if (scheduler && typeof scheduler.postTask === 'function') {
    return (fn) => void scheduler.postTask(fn, { priority: 'user-visible' });
  }
  if (typeof g.setImmediate === 'function') {
    const setImmediate = g.setImmediate;
    return (fn) => void setImmediate(fn);
  }
  if (typeof g.MessageChannel === 'function') {
    const channel = new g.MessageChannel();
    const queue: (() => void)[] = [];
    channel.port1.onmessage = () => queue.shift()?.();
    (channel.port1 as { unref?(): void }).unref?.(); // Node: an idle channel must not keep the process alive
    return (fn) => {
      queue.push(fn);
      channel.port2.postMessage(null);
    };
  }
  return (fn) => void setTimeout(fn, 0);
}

/**
 * @internal Yields through `schedule` when at least `everyMs` of `now()` time have passed since the last
 * yield (or since it was made); otherwise returns at once.
 */
export class Yielder {
  private last: number;

  constructor(
    private readonly now: () => number,
    private readonly schedule: Schedule,
    private readonly everyMs = YIELD_EVERY_MS,
  ) {
    this.last = now();
  }

  /** Resolves after a macrotask when the work since the last yield reached `everyMs`, else at once. */
  maybeYield(): Promise<void> {
    if (this.now() - this.last < this.everyMs) return Promise.resolve();
    return new Promise((resolve) =>
      this.schedule(() => {
        this.last = this.now();
        resolve();
      }),
    );
  }
}

let shared: Yielder | null = null;

/** @internal The process-wide yielder training uses (created on first use). */
export function trainingYielder(): Yielder {
  shared ??= new Yielder(() => performance.now(), platformSchedule());
  return shared;
}
