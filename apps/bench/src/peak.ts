/**
 * The WebAssembly SIMD peak of this machine, measured in the same run as the cells: a register-only loop of
 * 128-bit multiply-adds (no memory traffic), on one thread and on every core at once. GEMM-bound cells are
 * judged as a fraction of it (issue 18), since no WebAssembly code can pass it.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import asc from 'assemblyscript/asc';

/** Independent accumulators in the loop: enough to hide the multiply-add latency, few enough for 16 registers. */
const CHAINS = 12;
/** Floating-point operations of one loop iteration: each chain does a 4-lane multiply and add. */
const FLOPS_PER_ITERATION = CHAINS * 4 * 2;

/**
 * The peak: GFLOP/s on one thread and on `threads` threads at once, with the instruction set used.
 *
 * @example
 * ```ts
 * const p: SimdPeak = { variant: 'relaxed-simd', oneThread: 46, allThreads: 88, threads: 2 };
 * ```
 */
export interface SimdPeak {
  /** `relaxed-simd` (fused `f32x4.relaxed_madd`) where the engine validates it, else `simd` (mul + add). */
  variant: 'relaxed-simd' | 'simd';
  oneThread: number;
  allThreads: number;
  threads: number;
}

/**
 * The AssemblyScript source of the loop: `CHAINS` accumulators, each `a = a * m + c` per iteration.
 *
 * @example
 * ```ts
 * peakSource(true).includes('relaxed_madd'); // true
 * ```
 */
export function peakSource(relaxed: boolean): string {
  const names = Array.from({ length: CHAINS }, (_, i) => `a${i}`);
  const step = (a: string): string =>
    relaxed ? `${a} = f32x4.relaxed_madd(${a}, m, c);` : `${a} = f32x4.add(f32x4.mul(${a}, m), c);`;
  return [
    'export function peak(iters: i32): f32 {',
    '  const m = f32x4.splat(0.99999);',
    '  const c = f32x4.splat(0.00001);',
    ...names.map((a, i) => `  let ${a} = f32x4.splat(${(1 + i / 64).toFixed(6)});`),
    '  for (let i = 0; i < iters; i++) {',
    ...names.map((a) => `    ${step(a)}`),
    '  }',
    `  return f32x4.extract_lane(${names.reduce((x, y) => `f32x4.add(${x}, ${y})`)}, 0);`,
    '}',
  ].join('\n');
}

async function compile(relaxed: boolean): Promise<Uint8Array<ArrayBuffer>> {
  const r = await asc.compileString(peakSource(relaxed), {
    optimizeLevel: 3,
    runtime: 'stub',
    noAssert: true,
    enable: relaxed ? ['simd', 'relaxed-simd'] : ['simd'],
  });
  if (r.error || !r.binary) throw new Error(`peak: asc failed: ${r.error?.message ?? 'no binary'}`);
  return new Uint8Array(r.binary);
}

/** The worker: instantiate the loop, wait for the start signal, run it, report seconds. */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { bytes, go } = workerData;
const peak = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.peak;
// Many short calls, so V8 tiers the function up from its baseline compiler (a running call never switches).
for (let i = 0; i < 200; i++) peak(2000);
parentPort.on('message', (iters) => {
  const flag = new Int32Array(go);
  while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0, 50);
  const t0 = performance.now();
  peak(iters);
  parentPort.postMessage((performance.now() - t0) / 1000);
});
`;

/**
 * Call the loop in short bursts, with pauses for V8's background compiler, until it stops getting faster
 * (V8 runs new WebAssembly on its baseline compiler and switches to optimised code between calls, never
 * during one), or for at most 3 s.
 */
async function tierUp(peak: (n: number) => number): Promise<void> {
  const start = performance.now();
  let best = Number.POSITIVE_INFINITY;
  let stale = 0;
  while (stale < 3 && performance.now() - start < 3000) {
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) peak(2000);
    const t = performance.now() - t0;
    if (t < best * 0.9) {
      best = t;
      stale = 0;
    } else stale++;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function gflops(iters: number, seconds: number): number {
  return (iters * FLOPS_PER_ITERATION) / seconds / 1e9;
}

/**
 * Measure the peak: the best of `rounds` runs of about `seconds` each, on one thread, then on `threads`
 * workers started together (their total over the slowest one's time).
 *
 * @example
 * ```ts
 * const p = await measureSimdPeak({ seconds: 0.3 });
 * console.log(`${p.allThreads.toFixed(1)} GFLOP/s on ${p.threads} threads`);
 * ```
 */
export async function measureSimdPeak(
  options: { seconds?: number; threads?: number; rounds?: number } = {},
): Promise<SimdPeak> {
  const { seconds = 0.4, threads = os.availableParallelism(), rounds = 3 } = options;
  const relaxedBytes = await compile(true);
  const variant = WebAssembly.validate(relaxedBytes) ? 'relaxed-simd' : 'simd';
  const bytes = variant === 'relaxed-simd' ? relaxedBytes : await compile(false);
  const peak = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.peak as (n: number) => number;
  await tierUp(peak);
  // Calibrate: iterations that take about `seconds` on one thread.
  let iters = 100_000;
  for (;;) {
    const t0 = performance.now();
    peak(iters);
    const s = (performance.now() - t0) / 1000;
    if (s >= seconds / 4) {
      iters = Math.max(1, Math.round((iters * seconds) / s));
      break;
    }
    iters *= 4;
  }
  let oneThread = 0;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    peak(iters);
    oneThread = Math.max(oneThread, gflops(iters, (performance.now() - t0) / 1000));
  }
  const allThreads = await parallelPeak(bytes, iters, threads, rounds);
  return { variant, oneThread, allThreads, threads };
}

async function parallelPeak(
  bytes: Uint8Array<ArrayBuffer>,
  iters: number,
  threads: number,
  rounds: number,
): Promise<number> {
  const go = new SharedArrayBuffer(4);
  const flag = new Int32Array(go);
  const workers = Array.from(
    { length: threads },
    () => new Worker(WORKER, { eval: true, workerData: { bytes, go } }),
  );
  try {
    let best = 0;
    for (let r = 0; r < rounds; r++) {
      Atomics.store(flag, 0, 0);
      const done = workers.map(
        (w) =>
          new Promise<number>((resolve, reject) => {
            w.once('message', resolve);
            w.once('error', reject);
          }),
      );
      for (const w of workers) w.postMessage(iters);
      await new Promise((resolve) => setTimeout(resolve, 100));
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
      const times = await Promise.all(done);
      best = Math.max(best, threads * gflops(iters, Math.max(...times)));
    }
    return best;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
