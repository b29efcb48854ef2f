/**
 * The `torch-cpu` peer: PyTorch on the CPU, run as a Python child process (`python/bench_torch.py`) that times
 * one cell with the same loop as `measure.ts` and prints its timings as JSON.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { CellSpec } from './cell.js';
import type { Timings } from './measure.js';
import { mobilenetV2Spec } from './mobilenet.js';
import { findWorkload, type LayerSpec, type Workload } from './workloads.js';

/** Debian's interpreter first: `python3-torch` installs for it, while a `python3` on PATH may be another one. */
const PYTHONS = ['/usr/bin/python3', 'python3'];

/** How to install the peer, printed wherever it is missing. */
export const TORCH_INSTALL = 'apt-get install python3-torch libopenblas0-pthread';

/**
 * Whether PyTorch can be imported here, and by which interpreter.
 *
 * @example
 * ```ts
 * const t: TorchAvailability = { ok: false, reason: 'n/a (python3-torch not installed)', detail: '...' };
 * ```
 */
export type TorchAvailability =
  | { ok: true; python: string; version: string }
  | { ok: false; reason: string; detail: string };

/**
 * The environment of the PyTorch child: OpenBLAS tuning variables set for this machine's other programs
 * (`OPENBLAS_CORETYPE`, `OPENBLAS_L2_SIZE`) are removed, so OpenBLAS picks its own kernels.
 *
 * @example
 * ```ts
 * torchEnv({ OPENBLAS_CORETYPE: 'Haswell', PATH: '/usr/bin' }); // { PATH: '/usr/bin' }
 * ```
 */
export function torchEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  delete out.OPENBLAS_CORETYPE;
  delete out.OPENBLAS_L2_SIZE;
  return out;
}

let cached: TorchAvailability | null = null;

/**
 * Find an interpreter that imports `torch` (checked once per process).
 *
 * @example
 * ```ts
 * const t = torchAvailability();
 * if (!t.ok) console.log(t.reason); // 'n/a (python3-torch not installed)'
 * ```
 */
export function torchAvailability(): TorchAvailability {
  if (cached) return cached;
  const tried: string[] = [];
  for (const python of PYTHONS) {
    const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], {
      encoding: 'utf8',
      env: torchEnv(process.env),
      timeout: 60_000,
    });
    if (r.status === 0) {
      cached = { ok: true, python, version: r.stdout.trim() };
      return cached;
    }
    tried.push(
      `${python}: ${r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`)}`,
    );
  }
  cached = {
    ok: false,
    reason: 'n/a (python3-torch not installed)',
    detail: `no interpreter imports torch (${tried.join('; ')}); install it with: ${TORCH_INSTALL}`,
  };
  return cached;
}

/**
 * What the Python side prints for one cell.
 *
 * @example
 * ```ts
 * const r: TorchTimings = { batchesPerRep: 8, repSeconds: [0.5], estimate: false, peakRssMiB: 300, facts: {} };
 * ```
 */
export interface TorchTimings extends Timings {
  peakRssMiB: number;
  facts: Record<string, string | number | boolean>;
}

/**
 * The workload as the Python side reads it: a MobileNetV2 layer carries its whole architecture
 * (`architecture`: the {@link mobilenetV2Spec} block table), so the script needs no copy of it.
 *
 * @example
 * ```ts
 * torchWorkload(findWorkload('mobilenetv2-b1', false)); // layers[0].architecture.blocks.length === 17
 * ```
 */
export function torchWorkload(w: Workload): Workload {
  if (w.kind !== 'model') return w;
  const layers = w.layers.map((l: LayerSpec) =>
    l.kind === 'mobilenetV2' ? { ...l, architecture: mobilenetV2Spec(l.alpha) } : l,
  );
  return { ...w, layers };
}

/**
 * Time one cell in PyTorch: the workload definition, mode, seed and timing options go to the Python script on
 * stdin, with as many threads as Neurona's CPU backend uses (the number of cores).
 *
 * @example
 * ```ts
 * const t = runTorchTimings({ workload: 'mlp', mode: 'train', column: 'torch-cpu', quick: true, seed: 1, timing });
 * ```
 */
export function runTorchTimings(spec: CellSpec, threads = os.availableParallelism()): TorchTimings {
  const t = torchAvailability();
  if (!t.ok) throw new Error(`${t.reason}: ${t.detail}`);
  const script = fileURLToPath(new URL('../python/bench_torch.py', import.meta.url));
  if (!existsSync(script)) throw new Error(`torch-cpu: the script ${script} is missing`);
  const input = JSON.stringify({
    workload: torchWorkload(findWorkload(spec.workload, spec.quick)),
    mode: spec.mode,
    seed: spec.seed,
    timing: spec.timing,
    threads,
  });
  const r = spawnSync(t.python, [script], {
    input,
    encoding: 'utf8',
    env: torchEnv(process.env),
    maxBuffer: 16 << 20,
  });
  if (r.status !== 0) {
    const why = r.error ? r.error.message : r.stderr.trim().split('\n').slice(-3).join(' | ');
    throw new Error(`torch-cpu: bench_torch.py failed (${r.signal ?? `exit ${r.status}`}): ${why}`);
  }
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as TorchTimings;
}
