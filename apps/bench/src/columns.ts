/**
 * The table's columns: Neurona backends (ours) and TensorFlow.js peers.
 */
import type { Backend } from '@neurona/core';

/**
 * Column ids accepted by `--backend`, in table order.
 *
 * @example
 * ```ts
 * COLUMN_IDS[0]; // 'neurona-cpu'
 * ```
 */
export const COLUMN_IDS = [
  'neurona-cpu',
  'neurona-wasm',
  'neurona-webgpu',
  'tfjs-cpu',
  'tfjs-wasm',
  'tfjs-wasm+patch',
  'tfjs-webgpu',
  'torch-cpu',
] as const;

/**
 * One column id.
 *
 * @example
 * ```ts
 * const c: ColumnId = 'tfjs-wasm+patch';
 * ```
 */
export type ColumnId = (typeof COLUMN_IDS)[number];

/**
 * Whether a column is one of our backends or a peer.
 *
 * @example
 * ```ts
 * columnSide('tfjs-cpu'); // 'peer'
 * ```
 */
export function columnSide(id: ColumnId): 'ours' | 'peer' {
  return id.startsWith('neurona-') ? 'ours' : 'peer';
}

/**
 * What each column runs, for `--help`, the README and the JSON report.
 *
 * @example
 * ```ts
 * COLUMN_DESCRIPTIONS['tfjs-cpu']; // 'tfjs-layers 4.22 on @tensorflow/tfjs-backend-cpu'
 * ```
 */
export const COLUMN_DESCRIPTIONS: Readonly<Record<ColumnId, string>> = {
  'neurona-cpu': 'Neurona on @neurona/backend-cpu',
  'neurona-wasm': 'Neurona on @neurona/backend-wasm (when it can be imported)',
  'neurona-webgpu': 'Neurona on @neurona/backend-webgpu (when it can be imported and finds an adapter)',
  'tfjs-cpu': 'tfjs-layers 4.22 on @tensorflow/tfjs-backend-cpu',
  'tfjs-wasm': 'tfjs-layers 4.22 on @tensorflow/tfjs-backend-wasm (SIMD, one thread in Node)',
  'tfjs-wasm+patch':
    'tfjs-wasm plus kernels it lacks, written for this bench (Conv2DBackpropFilter: im2col in plain JS, then ' +
    "tfjs-wasm's own BatchMatMul; UnsortedSegmentSum: a plain JS scatter-add); run only where tfjs-wasm misses a kernel",
  'tfjs-webgpu':
    'tfjs-layers 4.22 on @tensorflow/tfjs-backend-webgpu, on the same Dawn adapter as neurona-webgpu (npm webgpu)',
  'torch-cpu':
    'PyTorch on the CPU (python3-torch, a child process running python/bench_torch.py), as many threads as Neurona uses',
};

/**
 * What a column is compared with: `cpu` (the JavaScript CPU and WebAssembly columns), `gpu` (WebGPU), or
 * `torch` (PyTorch on the CPU). The targets of issue 5 compare the `cpu` columns only; the WebGPU columns are
 * compared with each other; PyTorch is compared with the best Neurona `cpu` column (issue 18).
 *
 * @example
 * ```ts
 * columnClass('tfjs-webgpu'); // 'gpu'
 * ```
 */
export function columnClass(id: ColumnId): 'cpu' | 'gpu' | 'torch' {
  if (id === 'torch-cpu') return 'torch';
  return id.endsWith('-webgpu') ? 'gpu' : 'cpu';
}

/**
 * Workloads the WebGPU columns run by default. This machine has no GPU: Dawn runs on SwiftShader, an
 * emulated GPU at ~0.2-0.6 GFLOP/s, where the larger workloads (matmul 1024, cnn-large) and the recurrent
 * ones (one small dispatch per time step) would take many minutes per cell. `--webgpu-all` runs them all.
 *
 * @example
 * ```ts
 * GPU_WORKLOADS.includes('cnn-small'); // true
 * ```
 */
export const GPU_WORKLOADS: readonly string[] = ['matmul-256', 'matmul-512', 'xor', 'mlp', 'cnn-small'];

/**
 * Whether a WebGPU column runs a workload by default: the ones in {@link GPU_WORKLOADS}, and with `--quick`
 * every matmul (32, 64, 128).
 *
 * @example
 * ```ts
 * gpuRuns('lstm', false); // false
 * ```
 */
export function gpuRuns(workload: string, quick: boolean): boolean {
  return GPU_WORKLOADS.includes(workload) || (quick && workload.startsWith('matmul-'));
}

/**
 * Expand `--backend` names (column ids, `neurona`, `tfjs`, `torch` or `all`) into column ids, in table order.
 *
 * @example
 * ```ts
 * selectColumns(['tfjs', 'neurona-cpu']); // ['neurona-cpu', 'tfjs-cpu', 'tfjs-wasm', 'tfjs-wasm+patch']
 * ```
 */
export function selectColumns(names: readonly string[]): ColumnId[] {
  const wanted = new Set<ColumnId>();
  for (const raw of names) {
    const name = raw.trim();
    const hits = COLUMN_IDS.filter(
      (id) =>
        id === name ||
        name === 'all' ||
        (name === 'neurona' && columnSide(id) === 'ours') ||
        (name === 'tfjs' && id.startsWith('tfjs-')) ||
        (name === 'torch' && id.startsWith('torch-')),
    );
    if (hits.length === 0) {
      throw new Error(
        `--backend: unknown backend '${name}'; expected all, neurona, tfjs, torch or one of ${COLUMN_IDS.join(', ')}`,
      );
    }
    for (const id of hits) wanted.add(id);
  }
  return COLUMN_IDS.filter((id) => wanted.has(id));
}

/**
 * Where each Neurona column's backend comes from: the package and its factory export.
 *
 * @example
 * ```ts
 * NEURONA_PACKAGES['neurona-wasm']; // { pkg: '@neurona/backend-wasm', factory: 'wasm' }
 * ```
 */
export const NEURONA_PACKAGES: Readonly<Record<string, { pkg: string; factory: string }>> = {
  'neurona-cpu': { pkg: '@neurona/backend-cpu', factory: 'cpu' },
  'neurona-wasm': { pkg: '@neurona/backend-wasm', factory: 'wasm' },
  'neurona-webgpu': { pkg: '@neurona/backend-webgpu', factory: 'webgpu' },
};

/**
 * A Neurona backend factory found by dynamic import, or why there is none.
 *
 * @example
 * ```ts
 * const f: NeuronaFactory = { ok: false, reason: 'n/a (not built)', detail: 'no export wasm()' };
 * ```
 */
export type NeuronaFactory =
  | { ok: true; create: () => Promise<Backend> }
  | { ok: false; reason: string; detail: string };

/**
 * Import the package behind a Neurona column and find its factory (`cpu`, `wasm`, `webgpu`), without
 * creating the backend. A package that cannot be imported, or exports no factory yet, is 'n/a (not built)'.
 *
 * @example
 * ```ts
 * const f = await findNeuronaFactory('neurona-cpu');
 * if (f.ok) await nr.setBackend(await f.create());
 * ```
 */
export async function findNeuronaFactory(
  id: ColumnId,
  packages: Readonly<Record<string, { pkg: string; factory: string }>> = NEURONA_PACKAGES,
): Promise<NeuronaFactory> {
  const entry = packages[id];
  if (!entry) throw new Error(`findNeuronaFactory: '${id}' is not a Neurona column`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(entry.pkg)) as Record<string, unknown>;
  } catch (e) {
    return { ok: false, reason: 'n/a (not built)', detail: `cannot import ${entry.pkg}: ${errorText(e)}` };
  }
  const factory = mod[entry.factory];
  if (typeof factory !== 'function') {
    return { ok: false, reason: 'n/a (not built)', detail: `${entry.pkg} exports no ${entry.factory}() yet` };
  }
  return { ok: true, create: async () => (await (factory as () => Backend | Promise<Backend>)()) as Backend };
}

/**
 * The message of a thrown value.
 *
 * @example
 * ```ts
 * errorText(new Error('boom')); // 'boom'
 * ```
 */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
