import { describe, expect, it } from 'vitest';
import { platformSchedule, Yielder } from './yield.js';

/** A clock the test moves by hand and a scheduler that queues tasks until the test runs them. */
function fakes() {
  let t = 1000;
  const tasks: (() => void)[] = [];
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
    schedule: (fn: () => void) => {
      tasks.push(fn);
    },
    tasks,
  };
}

describe('Yielder: yields only after a few milliseconds of work', () => {
  it('returns at once while less than everyMs has passed, and schedules one task once it has', async () => {
    const f = fakes();
    const y = new Yielder(f.now, f.schedule, 8);
    for (let i = 0; i < 7; i++) {
      f.advance(1);
      await y.maybeYield(); // 1..7 ms since creation: no macrotask
    }
    expect(f.tasks.length).toBe(0);
    f.advance(1); // 8 ms
    let resumed = false;
    const p = y.maybeYield().then(() => {
      resumed = true;
    });
    expect(f.tasks.length).toBe(1);
    await Promise.resolve();
    expect(resumed, 'waits for the scheduled task').toBe(false);
    f.tasks.shift()!();
    await p;
    expect(resumed).toBe(true);
  });

  it('counts from the end of the last yield, not from its request', async () => {
    const f = fakes();
    const y = new Yielder(f.now, f.schedule, 5);
    f.advance(5);
    const p = y.maybeYield();
    f.advance(100); // the task runs late (e.g. the page was busy rendering)
    f.tasks.shift()!();
    await p;
    f.advance(4);
    await y.maybeYield();
    expect(f.tasks.length, '4 ms after the task ran: no yield').toBe(0);
    f.advance(1);
    void y.maybeYield();
    expect(f.tasks.length).toBe(1);
  });

  it('many tiny batches make one yield per interval, not one per batch', async () => {
    const f = fakes();
    const y = new Yielder(f.now, f.schedule, 8);
    let yields = 0;
    for (let batch = 0; batch < 100; batch++) {
      f.advance(0.5); // a 0.5 ms batch
      const p = y.maybeYield();
      if (f.tasks.length > 0) {
        yields++;
        f.tasks.shift()!();
      }
      await p;
    }
    expect(yields).toBe(6); // 50 ms of work: at 8, 16, 24, 32, 40, 48 ms
  });

  const channelOnly = { MessageChannel };
  for (const [name, g] of [
    ['this environment (setImmediate in Node)', undefined],
    ['MessageChannel (a browser without scheduler.postTask)', channelOnly],
  ] as const) {
    it(`${name}: the task runs as a macrotask, after pending microtasks, in order`, async () => {
      const order: string[] = [];
      const schedule = platformSchedule(g);
      const done = new Promise<void>((resolve) => {
        schedule(() => order.push('task 1'));
        schedule(() => {
          order.push('task 2');
          resolve();
        });
      });
      void Promise.resolve().then(() => order.push('microtask'));
      await done;
      expect(order).toEqual(['microtask', 'task 1', 'task 2']);
    });
  }

  it('prefers scheduler.postTask where it exists', () => {
    const posted: string[] = [];
    const scheduler = {
      postTask: (_fn: () => void, o?: { priority?: string }) => {
        posted.push(o?.priority ?? '');
        return Promise.resolve();
      },
    };
    platformSchedule({ scheduler, setImmediate, MessageChannel })(() => {});
    expect(posted).toEqual(['user-visible']);
  });
});
