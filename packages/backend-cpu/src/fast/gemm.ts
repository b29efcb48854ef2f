/**
 * Driving the WebAssembly GEMM: fill a descriptor, choose between row/column blocks over a packed B and
 * split-K partial sums, size the scratch, and run the tasks on one or several threads.
 *
 * @packageDocumentation
 */
import type { HeapRecord } from './heap.js';
import { A_MODE, BLOCK, GEMM, GEMM_FLAGS, MEMORY } from './layout.js';
import { ModeChooser } from './mode-chooser.js';
import type { Runtime } from './runtime.js';

/** Single-threaded or parallel, per kind of job and size, measured in this process. */
const choosers = new Map<string, ModeChooser>();

/**
 * When to use threads: `threads` in all (1 = never) for jobs of at least `threshold` multiply-adds.
 *
 * @example
 * ```ts
 * const p: Parallelism = { threads: 2, threshold: 1 << 19 };
 * ```
 */
export interface Parallelism {
  readonly threads: number;
  readonly threshold: number;
}

/**
 * One (batched) product `C[b] (+)= A[b] * B[b]` on WebAssembly memory. Element (i, k) of A is at
 * `a + (b * aBatch + i * aRs + k * aCs) * 4`, and likewise for B; C is row-major with row stride `ldc`.
 * A batch stride of 0 broadcasts. `aMode` 1/2 reads A as the im2col matrix (or its transpose) of the
 * convolution geometry at `geom` (batch must be 1). `bias` (pointer, one value per column) and `relu` are
 * applied to the result. `bOwner`, the record whose data B is, may keep B's packed panels for the next
 * product with the same B (a weight during inference).
 *
 * @example
 * ```ts
 * const spec: GemmSpec = { M: 2, N: 2, K: 3, batch: 1, a, aRs: 3, aCs: 1, aBatch: 0, b, bRs: 2, bCs: 1, bBatch: 0, c, ldc: 2, cBatch: 0 };
 * ```
 */
export interface GemmSpec {
  readonly M: number;
  readonly N: number;
  readonly K: number;
  readonly batch: number;
  readonly a: number;
  readonly aRs: number;
  readonly aCs: number;
  readonly aBatch: number;
  readonly aMode?: number;
  readonly geom?: number;
  readonly b: number;
  readonly bRs: number;
  readonly bCs: number;
  readonly bBatch: number;
  readonly c: number;
  readonly ldc: number;
  readonly cBatch: number;
  readonly accumulate?: boolean;
  readonly bias?: number;
  readonly relu?: boolean;
  readonly bOwner?: HeapRecord;
}

const roundUp = (n: number, m: number): number => Math.ceil(n / m) * m;

/** Floats of packed B from which its packing is split over the threads too. */
const PACK_PARALLEL_FLOATS = 1 << 18;

/** Bytes of per-thread scratch for packed A. */
export const PACK_A_BYTES = BLOCK.MC * BLOCK.KC * 4;

/** The GEMM descriptor's words, per view of the whole memory (a new view after growth gets a new one). */
const descriptorViews = new WeakMap<Int32Array, Int32Array>();

/** A view of the GEMM descriptor, made once per view of the memory (a subarray per product costs more than the product when it is tiny). */
function descriptorView(rt: Runtime): Int32Array {
  const whole = rt.heap.i32();
  let w = descriptorViews.get(whole);
  if (w === undefined) {
    w = whole.subarray(MEMORY.GEMM >> 2, (MEMORY.GEMM >> 2) + GEMM.WORDS);
    descriptorViews.set(whole, w);
  }
  return w;
}

/**
 * Write the fields of `s` into the GEMM descriptor (the grid and buffers are set by the caller).
 *
 * @example
 * ```ts
 * const w = writeGemmSpec(rt, spec);
 * w[GEMM.M_BLOCK] = 64;
 * ```
 */
export function writeGemmSpec(rt: Runtime, s: GemmSpec): Int32Array {
  const w = descriptorView(rt);
  for (let i = 0; i < GEMM.WORDS; i++) w[i] = 0;
  w[GEMM.M] = s.M;
  w[GEMM.N] = s.N;
  w[GEMM.K] = s.K;
  w[GEMM.A] = s.a;
  w[GEMM.A_RS] = s.aRs;
  w[GEMM.A_CS] = s.aCs;
  w[GEMM.A_BATCH] = s.aBatch;
  w[GEMM.A_MODE] = s.aMode ?? A_MODE.STRIDED;
  w[GEMM.GEOM] = s.geom ?? 0;
  w[GEMM.B] = s.b;
  w[GEMM.B_RS] = s.bRs;
  w[GEMM.B_CS] = s.bCs;
  w[GEMM.B_BATCH] = s.bBatch;
  w[GEMM.C] = s.c;
  w[GEMM.LDC] = s.ldc;
  w[GEMM.C_BATCH] = s.cBatch;
  w[GEMM.FLAGS] =
    (s.accumulate ? GEMM_FLAGS.ACCUMULATE : 0) |
    (s.bias ? GEMM_FLAGS.BIAS : 0) |
    (s.relu ? GEMM_FLAGS.RELU : 0);
  w[GEMM.BIAS] = s.bias ?? 0;
  return w;
}

/** Threads to use for `macs` multiply-adds. */
export function threadsFor(p: Parallelism, macs: number): number {
  return p.threads > 1 && macs >= p.threshold ? p.threads : 1;
}

/** Point the descriptor at packed B (`pbBatch` floats apart per batch) and its column grid. */
function setPackedB(rt: Runtime, ptr: number, pbBatch: number, nBlock: number, nTasks: number): void {
  const words = rt.heap.i32();
  const base = MEMORY.GEMM >> 2;
  words[base + GEMM.PB] = ptr;
  words[base + GEMM.PB_BATCH] = pbBatch;
  words[base + GEMM.N_BLOCK] = nBlock;
  words[base + GEMM.N_TASKS] = nTasks;
}

/**
 * Pack B of the descriptor (all of K, panels of 8 columns, `bCount` batches) into a new block; the caller
 * frees it (`bytes` returned) unless `kept`. Columns are split into `nTasks` groups of `nBlock` per batch.
 * With `owner` (the record B is the whole of, unbatched), panels it keeps are reused and new ones may be
 * kept by it (see `HeapRecord.derived`); a kept block belongs to the owner.
 *
 * @example
 * ```ts
 * const { ptr, bytes, kept } = packB(rt, w, 1, nBlock, nTasks, threads);
 * ```
 */
export function packB(
  rt: Runtime,
  w: Int32Array,
  bCount: number,
  nBlock: number,
  nTasks: number,
  threads: number,
  owner?: HeapRecord,
): { ptr: number; bytes: number; kept: boolean } {
  const K = w[GEMM.K]!;
  const key =
    owner !== undefined && bCount === 1 && w[GEMM.B] === owner.ptr
      ? `gemmB ${K} ${w[GEMM.N]} ${w[GEMM.B_RS]} ${w[GEMM.B_CS]}`
      : '';
  const cached = key === '' ? 0 : owner!.derived(key);
  if (cached !== 0) {
    setPackedB(rt, cached, 0, nBlock, nTasks);
    return { ptr: cached, bytes: 0, kept: true };
  }
  const perBatch = roundUp(w[GEMM.N]!, BLOCK.NR) * K;
  const bytes = bCount * perBatch * 4;
  const ptr = rt.heap.alloc(bytes);
  setPackedB(rt, ptr, bCount > 1 ? perBatch : 0, nBlock, nTasks);
  // Packing is a copy (about 8 GB/s on one thread): below a MiB it takes less than a worker hand-off risks.
  const packThreads = perBatch * bCount >= PACK_PARALLEL_FLOATS ? threads : 1;
  rt.run('gemmPackBTask', MEMORY.GEMM, bCount * nTasks, packThreads);
  const kept = key !== '' && owner!.wantsKept(key);
  if (kept) owner!.keep(key, ptr, bytes);
  return { ptr, bytes, kept };
}

/** Whether a product is long and thin enough for split-K partial sums (only for batch 1, no epilogue). */
function useSplitK(s: FullGemmSpec): boolean {
  return s.batch === 1 && !s.bias && !s.relu && s.K >= 2048 && s.K >= 8 * s.M && s.M * s.N <= 1 << 18;
}

/** A {@link GemmSpec} with every field present. */
type FullGemmSpec = Required<Omit<GemmSpec, 'bOwner'>> & { readonly bOwner: HeapRecord | undefined };

/**
 * `s` with every field, in one order. The callers build specs of many shapes (spreads, optional fields);
 * the functions below read one shape, so their property reads stay monomorphic (for a product of a few
 * hundred multiply-adds, megamorphic reads cost more than the product).
 */
function canonical(s: GemmSpec): FullGemmSpec {
  return {
    M: s.M,
    N: s.N,
    K: s.K,
    batch: s.batch,
    a: s.a,
    aRs: s.aRs,
    aCs: s.aCs,
    aBatch: s.aBatch,
    aMode: s.aMode ?? A_MODE.STRIDED,
    geom: s.geom ?? 0,
    b: s.b,
    bRs: s.bRs,
    bCs: s.bCs,
    bBatch: s.bBatch,
    c: s.c,
    ldc: s.ldc,
    cBatch: s.cBatch,
    accumulate: s.accumulate ?? false,
    bias: s.bias ?? 0,
    relu: s.relu ?? false,
    bOwner: s.bOwner,
  };
}

/**
 * Compute the product `s` on the runtime's memory.
 *
 * @example
 * ```ts
 * runGemm(rt, spec, { threads: 1, threshold: Infinity });
 * ```
 */
export function runGemm(rt: Runtime, spec: GemmSpec, p: Parallelism): void {
  const s = canonical(spec);
  const { M, N, K, batch } = s;
  if (M === 0 || N === 0 || batch === 0) return;
  if (K === 0) {
    if (s.bias || s.relu) throw new Error('cpu: a GEMM with K = 0 cannot apply a bias or ReLU');
    if (!s.accumulate) {
      for (let b = 0; b < batch; b++) {
        for (let i = 0; i < M; i++) rt.kernels.fillF32(s.c + (b * s.cBatch + i * s.ldc) * 4, N, 0);
      }
    }
    return;
  }
  withThreads(rt, p, 'gemm', M * N * K * batch, (threads) => gemmWithThreads(rt, s, threads));
}

/**
 * Run a job of `macs` multiply-adds on the threads {@link threadsFor} allows, or on the calling thread alone
 * when that has measured faster for jobs of this kind and size (see {@link ModeChooser}). With a threshold
 * of 0 every job is split, as documented.
 *
 * @example
 * ```ts
 * withThreads(rt, parallelism, 'convGradInput', macs, (threads) => rt.run('convGradInputTask', desc, n, threads));
 * ```
 */
export function withThreads(
  rt: Runtime,
  p: Parallelism,
  kind: string,
  macs: number,
  run: (threads: number) => void,
): void {
  let threads = threadsFor(p, macs);
  const adaptive = threads > 1 && p.threshold > 0;
  let chooser = choosers.get(kind);
  if (adaptive && !chooser) {
    chooser = new ModeChooser();
    choosers.set(kind, chooser);
  }
  const parallel = adaptive ? chooser!.parallel(macs) : threads > 1;
  if (!parallel) threads = 1;
  // A parallel job measures the pool only once its workers are up (starting them takes milliseconds).
  const measured = adaptive && (!parallel || rt.readyWorkers >= threads - 1);
  const start = measured ? performance.now() : 0;
  run(threads);
  if (measured) chooser!.record(macs, parallel, performance.now() - start);
}

/**
 * Rows per task when a job of `totalRows` independent rows runs as about `perThread` tasks per thread
 * (small tasks balance a preempted thread), or as one task on the calling thread alone.
 *
 * @example
 * ```ts
 * const rows = rowsPerTask(totalRows, threads, 4);
 * rt.run('channelAffineTask', MEMORY.AFFINE, Math.ceil(totalRows / rows), threads);
 * ```
 */
export function rowsPerTask(totalRows: number, threads: number, perThread: number): number {
  return Math.ceil(totalRows / Math.min(totalRows, threads > 1 ? threads * perThread : 1));
}

/** The product `s` on `threads` threads (1: the calling thread alone). */
function gemmWithThreads(rt: Runtime, s: FullGemmSpec, threads: number): void {
  const { M, N, K, batch } = s;
  if (useSplitK(s)) {
    splitK(rt, s, threads);
    return;
  }
  // Task grid: enough tasks for the threads (4 per thread, more for big jobs: up to 32 tasks of at least
  // 2^23 multiply-adds, so a thread that is preempted holds back only a small last task), rows in multiples
  // of 4, columns of 8.
  const tasksWanted = Math.max(4 * threads, Math.min(32, Math.floor((M * N * K * batch) / (1 << 23))));
  const wanted = threads > 1 ? Math.ceil(tasksWanted / batch) : 1;
  const mSplit = Math.max(1, Math.min(wanted, Math.ceil(M / 16)));
  const nSplit = Math.max(1, Math.min(Math.ceil(wanted / mSplit), Math.ceil(N / 32)));
  const mBlock = roundUp(Math.ceil(M / mSplit), BLOCK.MR);
  const nBlock = roundUp(Math.ceil(N / nSplit), BLOCK.NR);
  const mTasks = Math.ceil(M / mBlock);
  const nTasks = Math.ceil(N / nBlock);
  const bCount = s.bBatch === 0 ? 1 : batch;
  const scratchBytes = threads * PACK_A_BYTES;
  const scratch = rt.heap.alloc(scratchBytes);
  // Views of the memory are taken after allocating: growing an unshared memory detaches older ones.
  const w = writeGemmSpec(rt, s);
  const packed = packB(rt, w, bCount, nBlock, nTasks, threads, s.bOwner);
  const words = rt.heap.i32();
  const base = MEMORY.GEMM >> 2;
  words[base + GEMM.SCRATCH] = scratch;
  words[base + GEMM.SCRATCH_STRIDE] = PACK_A_BYTES;
  words[base + GEMM.M_BLOCK] = mBlock;
  words[base + GEMM.M_TASKS] = mTasks;
  try {
    rt.run('gemmTask', MEMORY.GEMM, batch * mTasks * nTasks, threads);
  } finally {
    if (!packed.kept) rt.heap.free(packed.ptr, packed.bytes);
    rt.heap.free(scratch, scratchBytes);
  }
}

/** Split K into independent partial products, then sum them in order (same result for any thread count). */
function splitK(rt: Runtime, s: FullGemmSpec, threads: number): void {
  const { M, N, K } = s;
  let kBlock = Math.max(4 * BLOCK.KC, roundUp(Math.ceil(K / 32), BLOCK.KC));
  while (Math.ceil(K / kBlock) * M * N > 1 << 21) kBlock *= 2;
  const kTasks = Math.ceil(K / kBlock);
  const stride = PACK_A_BYTES + BLOCK.KC * roundUp(N, BLOCK.NR) * 4;
  const scratchBytes = threads * stride;
  const partialBytes = kTasks * M * N * 4;
  const scratch = rt.heap.alloc(scratchBytes);
  const partials = rt.heap.alloc(partialBytes);
  writeGemmSpec(rt, s);
  const words = rt.heap.i32();
  const base = MEMORY.GEMM >> 2;
  words[base + GEMM.SCRATCH] = scratch;
  words[base + GEMM.SCRATCH_STRIDE] = stride;
  words[base + GEMM.K_BLOCK] = kBlock;
  words[base + GEMM.PARTIALS] = partials;
  try {
    rt.run('gemmSplitKTask', MEMORY.GEMM, kTasks, threads);
    if (s.ldc === N) {
      rt.kernels.sumPartials(s.c, partials, kTasks, M * N, M * N, s.accumulate ? 1 : 0);
    } else {
      for (let i = 0; i < M; i++) {
        const acc = s.accumulate ? 1 : 0;
        rt.kernels.sumPartials(s.c + i * s.ldc * 4, partials + i * N * 4, kTasks, N, M * N, acc);
      }
    }
  } finally {
    rt.heap.free(partials, partialBytes);
    rt.heap.free(scratch, scratchBytes);
  }
}

/**
 * A right-hand matrix packed once for many single-threaded products `C (+)= A·B` with the same B (the
 * recurrent kernels multiply by the same weights at every time step). `free` returns the packed panels.
 *
 * @example
 * ```ts
 * const u = prepackB(rt, { b, bRs: N, bCs: 1, K, N });
 * u.run(a, K, c, N, M, false);
 * u.free();
 * ```
 */
export interface PrepackedB {
  /** `C (+)= A·B` for `M` rows of A (row stride `aRs`, unit column stride) into C (row stride `ldc`). */
  run(a: number, aRs: number, c: number, ldc: number, M: number, accumulate: boolean): void;
  free(): void;
}

/**
 * Pack B (element (k, j) at `b + (k * bRs + j * bCs) * 4`, `K` x `N`) once; see {@link PrepackedB}.
 *
 * @example
 * ```ts
 * const u = prepackB(rt, { b, bRs: N, bCs: 1, K, N });
 * ```
 */
export function prepackB(
  rt: Runtime,
  B: {
    readonly b: number;
    readonly bRs: number;
    readonly bCs: number;
    readonly K: number;
    readonly N: number;
  },
): PrepackedB {
  const { K, N } = B;
  const nBlock = roundUp(N, BLOCK.NR);
  const spec = { M: 1, N, K, batch: 1, a: 0, aRs: K, aCs: 1, aBatch: 0, c: 0, ldc: N, cBatch: 0 };
  const w = writeGemmSpec(rt, { ...spec, b: B.b, bRs: B.bRs, bCs: B.bCs, bBatch: 0 });
  const packed = packB(rt, w, 1, nBlock, 1, 1);
  const scratch = rt.heap.alloc(PACK_A_BYTES);
  const base = MEMORY.GEMM >> 2;
  return {
    run(a, aRs, c, ldc, M, accumulate) {
      if (M === 0 || N === 0) return;
      // Written field by field (no objects): this runs at every time step of a recurrent sequence.
      const w = rt.heap.i32();
      w.fill(0, base, base + GEMM.WORDS);
      w[base + GEMM.M] = M;
      w[base + GEMM.N] = N;
      w[base + GEMM.K] = K;
      w[base + GEMM.A] = a;
      w[base + GEMM.A_RS] = aRs;
      w[base + GEMM.A_CS] = 1;
      w[base + GEMM.A_MODE] = A_MODE.STRIDED;
      w[base + GEMM.B] = B.b;
      w[base + GEMM.B_RS] = B.bRs;
      w[base + GEMM.B_CS] = B.bCs;
      w[base + GEMM.PB] = packed.ptr;
      w[base + GEMM.C] = c;
      w[base + GEMM.LDC] = ldc;
      w[base + GEMM.FLAGS] = accumulate ? GEMM_FLAGS.ACCUMULATE : 0;
      w[base + GEMM.SCRATCH] = scratch;
      w[base + GEMM.SCRATCH_STRIDE] = PACK_A_BYTES;
      w[base + GEMM.M_BLOCK] = roundUp(M, BLOCK.MR);
      w[base + GEMM.N_BLOCK] = nBlock;
      w[base + GEMM.M_TASKS] = 1;
      w[base + GEMM.N_TASKS] = 1;
      rt.run('gemmTask', MEMORY.GEMM, 1, 1);
    },
    free() {
      rt.heap.free(packed.ptr, packed.bytes);
      rt.heap.free(scratch, PACK_A_BYTES);
    },
  };
}
