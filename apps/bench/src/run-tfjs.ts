/**
 * Sessions on TensorFlow.js 4.22 (the peers) in Node: the column's backend (and patch) around the sessions of
 * `tfjs-models.ts`.
 *
 * tfjs keeps one global engine and kernel registry per process; the bench runs each peer cell in its
 * own child process, and in-process runs switch backends with `tf.setBackend` and unregister the patch.
 */
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { patchCalls, registerWasmPatches } from './conv2d-backprop-filter-patch.js';
import type { Session } from './measure.js';
import { installChainedOps, tfjsWorkloadSession } from './tfjs-models.js';
import { loadTfjsWebgpu } from './tfjs-webgpu.js';
import type { Mode, Workload } from './workloads.js';

/**
 * The peer columns this module runs.
 *
 * @example
 * ```ts
 * const c: PeerColumn = 'tfjs-wasm';
 * ```
 */
export type PeerColumn = 'tfjs-cpu' | 'tfjs-wasm' | 'tfjs-wasm+patch' | 'tfjs-webgpu';

/**
 * A peer session plus facts worth reporting (backend, SIMD, threads, patched kernels and their calls).
 *
 * @example
 * ```ts
 * const { session, release, facts } = await tfjsSession('tfjs-cpu', findWorkload('mlp', true), 'infer', 1);
 * ```
 */
export interface PeerSession {
  session: Session;
  /** Dispose the session and undo the column's global changes (the patch). */
  release(): void;
  facts(): Record<string, string | number | boolean>;
}

/**
 * Select the column's tfjs backend (registering the patch for `tfjs-wasm+patch`) and build a session.
 *
 * @example
 * ```ts
 * const peer = await tfjsSession('tfjs-wasm', findWorkload('matmul-64', true), 'infer', 1);
 * peer.session.prepare(1); await peer.session.run(); peer.release();
 * ```
 */
export async function tfjsSession(
  column: PeerColumn,
  w: Workload,
  mode: Mode,
  seed: number,
): Promise<PeerSession> {
  tf.env().set('PROD', true); // silences the "install tfjs-node" banner; kernels are unaffected
  installChainedOps();
  const backendName = column === 'tfjs-cpu' ? 'cpu' : column === 'tfjs-webgpu' ? 'webgpu' : 'wasm';
  const gpuFacts = column === 'tfjs-webgpu' ? await loadTfjsWebgpu() : {};
  if (!(await tf.setBackend(backendName)))
    throw new Error(`${column}: tf.setBackend('${backendName}') failed`);
  await tf.ready();
  const patch = column === 'tfjs-wasm+patch' ? registerWasmPatches() : { names: [], unregister: () => {} };
  const before = { ...patchCalls };
  let session: Session;
  try {
    session = tfjsWorkloadSession(w, mode, seed);
  } catch (e) {
    patch.unregister();
    throw e;
  }
  return {
    session,
    release() {
      session.dispose();
      patch.unregister();
    },
    facts() {
      const f: Record<string, string | number | boolean> = {
        tfjsVersion: tf.version_core,
        backend: backendName,
        ...gpuFacts,
      };
      if (backendName === 'wasm') {
        f.wasmSimd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
        f.wasmThreads = getThreadsCount();
      }
      for (const n of patch.names) f[`patch ${n} calls`] = (patchCalls[n] ?? 0) - (before[n] ?? 0);
      return f;
    },
  };
}
