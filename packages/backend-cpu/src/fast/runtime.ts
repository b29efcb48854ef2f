/**
 * The process-wide fast-kernel runtime: one kernel module instance, one WebAssembly memory (shared when
 * threads are possible), its allocator and the worker pool. Every CPU backend with the fast path on uses
 * the same runtime; each keeps its own handle table.
 *
 * @packageDocumentation
 */
import { Heap } from './heap.js';
import { type KernelExports, TASKS, type TaskName } from './kernel-exports.js';
import { MEMORY } from './layout.js';
import { type KernelVariant, loadKernelModule } from './module.js';
import { threadsAvailable, WorkerPool } from './threads.js';
import { WASM_MAX_PAGES } from './wasm-bytes.generated.js';

/**
 * The loaded kernels, their memory, and the way to run a job's tasks.
 *
 * @example
 * ```ts
 * const rt = fastRuntime();
 * if (rt) rt.kernels.fillF32(rt.heap.alloc(16), 4, 1);
 * ```
 */
export class Runtime {
  readonly kernels: KernelExports;
  readonly heap: Heap;
  readonly variant: KernelVariant;
  private pool: WorkerPool | null = null;

  constructor(
    private readonly module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    variant: KernelVariant,
    minGrowPages?: number,
  ) {
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    this.kernels = instance.exports as unknown as KernelExports;
    this.heap = new Heap(memory, minGrowPages);
    this.variant = variant;
  }

  /** Whether jobs can be split over worker threads (shared memory and a thread API). */
  get canThread(): boolean {
    return this.heap.shared && threadsAvailable();
  }

  /** Workers started so far. */
  get workers(): number {
    return this.pool?.size ?? 0;
  }

  /** Workers that have finished starting. */
  get readyWorkers(): number {
    return this.pool?.ready ?? 0;
  }

  /** Tasks of the last parallel job that the calling thread ran itself (the rest ran on workers). */
  get lastCallerTasks(): number {
    return this.pool?.lastCallerTasks ?? 0;
  }

  /**
   * Run tasks `0 .. tasks - 1` of `name` with the descriptor at `desc`: on this thread alone when `threads`
   * is 1 (or threading is unavailable), else with up to `threads - 1` workers.
   */
  run(name: TaskName, desc: number, tasks: number, threads: number): void {
    if (tasks <= 0) return;
    if (threads <= 1 || tasks === 1 || !this.canThread || this.pool?.backingOff) {
      const fn = this.kernels[name];
      for (let t = 0; t < tasks; t++) fn(desc, t, 0);
      return;
    }
    if (this.pool === null) {
      this.pool = new WorkerPool(
        this.module,
        this.heap.memory,
        MEMORY.CONTROL,
        TASKS,
        this.kernels as unknown as Record<string, unknown>,
      );
    }
    this.pool.ensure(threads - 1);
    this.pool.run(TASKS.indexOf(name), desc, tasks, threads);
  }

  /** Stop the worker threads (restarted on demand by the next parallel job). */
  stopWorkers(): void {
    this.pool?.terminate();
  }
}

let runtime: Runtime | null | undefined;

/**
 * The shared runtime, created on first use; `null` where WebAssembly SIMD is unavailable (the backend then
 * runs its reference kernels). Shared memory is used whenever it can be shared with workers.
 *
 * @example
 * ```ts
 * const rt = fastRuntime();
 * console.log(rt?.variant); // 'simd' or 'relaxed-simd'
 * ```
 */
export function fastRuntime(): Runtime | null {
  if (runtime !== undefined) return runtime;
  runtime = createRuntime(threadsAvailable());
  return runtime;
}

/**
 * Create a separate runtime (tests use it to exercise the unshared-memory path browsers without
 * cross-origin isolation take; `minGrowPages` 1 makes its memory grow in the smallest steps).
 *
 * @example
 * ```ts
 * const rt = createRuntime(false); // unshared memory, single-threaded
 * ```
 */
export function createRuntime(shared: boolean, minGrowPages?: number): Runtime | null {
  const loaded = loadKernelModule(shared);
  if (loaded === null) return null;
  const memory = createMemory(shared, minGrowPages === undefined ? 32 : 2);
  return new Runtime(loaded.module, memory, loaded.variant, minGrowPages);
}

function createMemory(shared: boolean, initial: number): WebAssembly.Memory {
  if (!shared) return new WebAssembly.Memory({ initial, maximum: WASM_MAX_PAGES });
  // A shared memory reserves its maximum up front: try 4 GiB, then smaller.
  let lastError: unknown = null;
  for (const maximum of [WASM_MAX_PAGES, 16384, 4096]) {
    try {
      return new WebAssembly.Memory({ initial, maximum, shared: true });
    } catch (e) {
      lastError = e;
    }
  }
  throw lastError;
}
