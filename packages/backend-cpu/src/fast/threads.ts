/**
 * The worker pool: threads that share the kernel module's memory and run the tasks of one job at a time
 * together with the calling thread (`worker_threads` in Node; Web Workers in a cross-origin-isolated page).
 * The caller always takes tasks itself, so a job finishes even if no worker is awake. Workers are unref'd
 * (they never keep a Node process alive) and sleep in timed waits when idle.
 *
 * @packageDocumentation
 */
import { CONTROL, type WorkerInit, workerMain } from './worker-main.js';

/** Longest a job may take before the caller gives up on a stalled worker (ms). */
const STALL_MS = 120_000;
/** Jobs in a row that were no faster than the caller alone would have been, before backing off. */
const STRIKES = 3;
/**
 * A job's time over the caller's alone (its time per task times the tasks): below GOOD_RATIO the pool
 * helped (a worker that started late still took a third of the tasks), above SLOW_RATIO it did not.
 */
const GOOD_RATIO = 0.8;
const SLOW_RATIO = 0.95;
/** How long to run single-threaded after backing off (ms); doubles on each back-off, halves on each good job. */
const BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 8000;
/** Shortest time the caller spins for the workers' last tasks before it sleeps (ms). */
const SPIN_WAIT_MS = 0.05;

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(event: 'error', fn: (e: unknown) => void): void;
}
interface NodeWorkerThreads {
  Worker: new (src: string, opts: { eval: true; workerData: WorkerInit }) => NodeWorker;
}
interface NodeOs {
  availableParallelism?(): number;
  cpus(): unknown[];
}
interface NodeProcess {
  versions?: { node?: string };
  getBuiltinModule?(name: string): unknown;
}
interface WebWorker {
  postMessage(m: unknown): void;
  terminate(): void;
}

function nodeProcess(): NodeProcess | undefined {
  const p = (globalThis as { process?: NodeProcess }).process;
  return p?.versions?.node !== undefined ? p : undefined;
}

/**
 * Number of logical cores (1 if unknown).
 *
 * @example
 * ```ts
 * const n = coreCount(); // 2 on this machine
 * ```
 */
export function coreCount(): number {
  const proc = nodeProcess();
  const os = proc?.getBuiltinModule?.('node:os') as NodeOs | undefined;
  if (os) return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, nav?.hardwareConcurrency ?? 1);
}

/**
 * The thread API the worker pool can use here: Node's `worker_threads`, Web Workers in a browser page that
 * is cross-origin isolated (served with `Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp`, which is what makes `SharedArrayBuffer` available), or
 * `'none'` (one thread).
 *
 * @example
 * ```ts
 * if (threadApi() === 'none') console.log('single-threaded: serve the page with COOP/COEP for threads');
 * ```
 */
export function threadApi(): 'worker_threads' | 'web-workers' | 'none' {
  if (typeof SharedArrayBuffer !== 'function') return 'none';
  const proc = nodeProcess();
  if (proc) return proc.getBuiltinModule?.('node:worker_threads') !== undefined ? 'worker_threads' : 'none';
  const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown };
  return g.crossOriginIsolated === true && typeof g.Worker === 'function' ? 'web-workers' : 'none';
}

/**
 * Whether worker threads over shared memory can run here: Node with `worker_threads`, or a browser page
 * that is cross-origin isolated (so `SharedArrayBuffer` exists).
 *
 * @example
 * ```ts
 * if (!threadsAvailable()) console.log('single-threaded');
 * ```
 */
export function threadsAvailable(): boolean {
  return threadApi() !== 'none';
}

type Handle = { kind: 'node'; w: NodeWorker } | { kind: 'web'; w: WebWorker; url: string };

/**
 * A pool of workers over one shared memory. `run` executes a job's tasks on the calling thread and up to
 * `threads - 1` workers, and returns when every task has finished.
 *
 * @example
 * ```ts
 * const pool = new WorkerPool(module, memory, 16384, ['gemmTask'], exports);
 * pool.run(0, descriptorAddress, 32, 2);
 * ```
 */
export class WorkerPool {
  private readonly ctrl: Int32Array;
  private readonly workers: Handle[] = [];
  private generation = 0;
  private readonly fns: ((d: number, t: number, tid: number) => void)[];
  private readonly cores = coreCount();
  /** Tasks of the last job that ran on the calling thread (the rest ran on workers). */
  lastCallerTasks = 0;
  private strikes = 0;
  private backoffUntil = 0;
  private backoffMs = BACKOFF_MS;
  /** Whether this thread may block in `Atomics.wait` (not a browser's main thread). */
  private canSleep = true;

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly control: number,
    private readonly names: readonly string[],
    exportsTable: Record<string, unknown>,
  ) {
    this.ctrl = new Int32Array(memory.buffer, control, CONTROL.WORDS);
    this.fns = names.map((n) => exportsTable[n] as (d: number, t: number, tid: number) => void);
    Atomics.store(this.ctrl, CONTROL.WORD, 0xffff);
    Atomics.store(this.ctrl, CONTROL.SHUTDOWN, 0);
    Atomics.store(this.ctrl, CONTROL.SPIN, 1);
  }

  /**
   * Whether parallel jobs should run single-threaded for now: set for a short while after several jobs in
   * a row took about as long as the caller alone would have (workers preempted by a busy machine).
   */
  get backingOff(): boolean {
    if (this.backoffUntil === 0) return false;
    if (performance.now() < this.backoffUntil) return true;
    this.backoffUntil = 0;
    Atomics.store(this.ctrl, CONTROL.SPIN, 1);
    return false;
  }

  /** Workers started so far. */
  get size(): number {
    return this.workers.length;
  }

  /** Workers that have finished starting. */
  get ready(): number {
    return Atomics.load(this.ctrl, CONTROL.READY);
  }

  /** Start workers until there are `count`. Workers spin briefly between jobs only if threads fit the cores. */
  ensure(count: number): void {
    if (this.workers.length >= count) return;
    Atomics.store(this.ctrl, CONTROL.SHUTDOWN, 0);
    const spinMs = count + 1 <= this.cores ? 2 : 0;
    while (this.workers.length < count) {
      const init: WorkerInit = {
        module: this.module,
        memory: this.memory,
        control: this.control,
        names: this.names,
        tid: this.workers.length + 1,
        spinMs,
      };
      this.workers.push(this.spawn(init));
    }
  }

  private spawn(init: WorkerInit): Handle {
    const proc = nodeProcess();
    const wt = proc?.getBuiltinModule?.('node:worker_threads') as NodeWorkerThreads | undefined;
    if (wt) {
      const src = `(${workerMain.toString()})(require('node:worker_threads').workerData);`;
      const w = new wt.Worker(src, { eval: true, workerData: init });
      w.on('error', () => {
        // A worker that dies leaves its tasks to the caller; a claimed task is reported as a stall by `run`.
      });
      w.unref();
      return { kind: 'node', w };
    }
    const src = `self.onmessage = (e) => (${workerMain.toString()})(e.data);`;
    const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
    const WorkerCtor = (globalThis as unknown as { Worker: new (url: string) => WebWorker }).Worker;
    const w = new WorkerCtor(url);
    w.postMessage(init);
    return { kind: 'web', w, url };
  }

  /**
   * Run tasks `0 .. tasks - 1` of export `kernel` (index into the pool's names) with descriptor `desc`, on
   * this thread and workers with ids below `threads`. Throws if a task failed in a worker.
   */
  run(kernel: number, desc: number, tasks: number, threads: number): void {
    if (tasks > 0xfffe) throw new Error(`cpu: a parallel job has at most 65534 tasks, got ${tasks}`);
    const c = this.ctrl;
    this.generation = (this.generation + 1) & 0xffff;
    const g = this.generation;
    Atomics.store(c, CONTROL.KERNEL, kernel);
    Atomics.store(c, CONTROL.DESC, desc);
    Atomics.store(c, CONTROL.TASKS, tasks);
    Atomics.store(c, CONTROL.MAX_TID, threads);
    Atomics.store(c, CONTROL.FINISHED, 0);
    Atomics.store(c, CONTROL.ERROR, 0);
    Atomics.store(c, CONTROL.WORD, g << 16);
    if (Atomics.load(c, CONTROL.SLEEPERS) > 0) Atomics.notify(c, CONTROL.WORD);
    const fn = this.fns[kernel]!;
    let failure: unknown = null;
    let mine = 0;
    const start = performance.now();
    for (;;) {
      const cur = Atomics.load(c, CONTROL.WORD);
      const t = cur & 0xffff;
      if (t >= tasks) break;
      if (Atomics.compareExchange(c, CONTROL.WORD, cur, cur + 1) !== cur) continue;
      try {
        fn(desc, t, 0);
      } catch (e) {
        failure ??= e;
      }
      mine++;
      Atomics.add(c, CONTROL.FINISHED, 1);
    }
    this.lastCallerTasks = mine;
    const worked = performance.now();
    if (Atomics.load(c, CONTROL.FINISHED) < tasks)
      this.awaitWorkers(g, tasks, worked, mine > 0 ? (worked - start) / mine : 0);
    this.judge(tasks, mine, performance.now() - start, worked - start);
    Atomics.store(c, CONTROL.WORD, (g << 16) | 0xffff);
    if (failure !== null) throw failure;
    if (Atomics.load(c, CONTROL.ERROR) !== 0) throw new Error('cpu: a kernel task failed in a worker thread');
  }

  /**
   * Wait for the tasks still running on workers: spin while a task of the caller's own pace could still be
   * finishing (`perTaskMs`, at least {@link SPIN_WAIT_MS}), then sleep on `FINISHED` (woken by the workers):
   * a worker that was preempted by another process can then run on this core instead of waiting for its own.
   */
  private awaitWorkers(g: number, tasks: number, since: number, perTaskMs: number): void {
    const c = this.ctrl;
    const deadline = since + STALL_MS;
    const spinUntil = since + Math.max(SPIN_WAIT_MS, 2 * perTaskMs);
    let spins = 0;
    while (Atomics.load(c, CONTROL.FINISHED) < tasks) {
      if (++spins % 1024 !== 0) continue;
      const now = performance.now();
      if (now > deadline) {
        Atomics.store(c, CONTROL.WORD, (g << 16) | 0xffff);
        throw new Error(
          `cpu: worker pool stalled (${Atomics.load(c, CONTROL.FINISHED)} of ${tasks} tasks done)`,
        );
      }
      if (now < spinUntil || !this.canSleep) continue;
      Atomics.store(c, CONTROL.WAITING, 1);
      const finished = Atomics.load(c, CONTROL.FINISHED);
      try {
        if (finished < tasks) Atomics.wait(c, CONTROL.FINISHED, finished, 1);
      } catch {
        this.canSleep = false; // a browser's main thread may not block: keep spinning
      }
      Atomics.store(c, CONTROL.WAITING, 0);
    }
  }

  /**
   * Judge a job: with the caller's own time per task as the yardstick, a job that was not clearly faster
   * than the caller alone would have been (workers preempted by a busy machine) is a strike; after
   * {@link STRIKES} in a row parallel jobs are off for a while (doubling while it keeps happening). One
   * slow job alone never backs off: a worker preempted once costs that job a time slice, while running
   * single-threaded for the back-off would cost every job of it.
   */
  private judge(tasks: number, mine: number, total: number, worked: number): void {
    if (mine === 0 || mine === tasks) return;
    const ratio = total / ((worked / mine) * tasks);
    if (ratio < GOOD_RATIO) {
      // One good job halves the next back-off rather than resetting it: on a busy machine, where good and
      // stalled jobs alternate, threads then stay off most of the time.
      this.strikes = 0;
      this.backoffMs = Math.max(BACKOFF_MS, this.backoffMs / 2);
    } else if (ratio > SLOW_RATIO && ++this.strikes >= STRIKES) {
      this.strikes = 0;
      this.backoffUntil = performance.now() + this.backoffMs;
      this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
      Atomics.store(this.ctrl, CONTROL.SPIN, 0); // idle workers sleep instead of spinning meanwhile
    }
  }

  /** Stop every worker (they are started again by the next {@link ensure}). */
  terminate(): void {
    Atomics.store(this.ctrl, CONTROL.SHUTDOWN, 1);
    Atomics.notify(this.ctrl, CONTROL.WORD);
    for (const h of this.workers) {
      if (h.kind === 'node') void h.w.terminate();
      else {
        h.w.terminate();
        URL.revokeObjectURL(h.url);
      }
    }
    this.workers.length = 0;
    Atomics.store(this.ctrl, CONTROL.READY, 0);
    // Fresh workers are a fresh measurement: forget the back-off, so the next parallel job starts them as documented.
    this.backoffUntil = 0;
    this.backoffMs = BACKOFF_MS;
  }
}
