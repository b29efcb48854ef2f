/**
 * The page of `npm run bench -- --browser` (bundled by esbuild, run in headless Chromium): it runs one cell at a
 * time when the Node side calls `window.__bench.runCell(spec)`, with the very timing loop and sessions of the
 * Node bench, and answers with the timings and facts about the backend. Every cell of a run shares this one page.
 */
import { cpu } from '@neurona/backend-cpu';
import { wasm } from '@neurona/backend-wasm';
import { webgpu } from '@neurona/backend-webgpu';
import * as nr from '@neurona/core';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import * as tf from '@tensorflow/tfjs-core';
import type { BrowserCellOutcome, BrowserCellSpec, PageFacts } from './browser-types.js';
import { registerWasmPatches } from './conv2d-backprop-filter-patch.js';
import { measure, type Session } from './measure.js';
import { neuronaSession } from './run-neurona.js';
import { installChainedOps, tfjsWorkloadSession } from './tfjs-models.js';
import { batchSizeOf, findWorkload } from './workloads.js';

/** Where the server puts tfjs-backend-wasm's three binaries. */
const WASM_PATHS = '/wasm/';
setWasmPaths(WASM_PATHS);
// tfjs-wasm's threaded binary defaults to half the cores (at most 4); the peer gets as many as Neurona's CPU
// backend uses (every core). The one tfjs-wasm instance is shared with Neurona's wasm backend.
setThreadsCount(navigator.hardwareConcurrency);
tf.env().set('PROD', true);

type Facts = Record<string, string | number | boolean>;

function flat(prefix: string, o: object): Facts {
  const out: Facts = {};
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[`${prefix}${k}`] = v;
  }
  return out;
}

async function prepare(
  spec: BrowserCellSpec,
): Promise<{ session: Session; facts: Facts; release: () => void }> {
  const w = findWorkload(spec.workload, spec.quick);
  if (spec.column.startsWith('neurona-')) {
    const backend: nr.Backend & { features?: object; destroy?: () => void } =
      spec.column === 'neurona-cpu'
        ? cpu()
        : spec.column === 'neurona-wasm'
          ? await wasm({ wasmPaths: WASM_PATHS })
          : await webgpu();
    await nr.setBackend(backend);
    const session = neuronaSession(w, spec.mode, spec.seed);
    const facts = { backend: backend.name, ...flat('', backend.features ?? {}) };
    return { session, facts, release: () => session.dispose() };
  }
  installChainedOps();
  const name = spec.column === 'tfjs-webgl' ? 'webgl' : spec.column === 'tfjs-cpu' ? 'cpu' : 'wasm';
  if (!(await tf.setBackend(name))) throw new Error(`${spec.column}: tf.setBackend('${name}') failed`);
  await tf.ready();
  const patch = spec.column === 'tfjs-wasm+patch' ? registerWasmPatches() : null;
  const session = tfjsWorkloadSession(w, spec.mode, spec.seed);
  const facts: Facts = { backend: name, tfjsVersion: tf.version_core };
  if (name === 'wasm') {
    facts.wasmThreads = getThreadsCount();
    const module = (tf.backend() as unknown as { wasm?: Record<string, unknown> }).wasm;
    facts.wasmThreadedBinary = module !== undefined && 'PThread' in module;
    facts.wasmSimd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  }
  return {
    session,
    facts,
    release: () => {
      session.dispose();
      patch?.unregister();
    },
  };
}

async function runCell(spec: BrowserCellSpec): Promise<BrowserCellOutcome> {
  let prepared: Awaited<ReturnType<typeof prepare>> | null = null;
  try {
    prepared = await prepare(spec);
    const w = findWorkload(spec.workload, spec.quick);
    const perExample = w.kind === 'model' ? w.inputShape.reduce((a, b) => a * b, 1) : 0;
    const timings = await measure(prepared.session, 4 * batchSizeOf(w) * (perExample + 1), spec.timing);
    return { ok: true, timings, facts: prepared.facts };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, message, facts: prepared?.facts ?? {} };
  } finally {
    prepared?.release();
  }
}

const facts: PageFacts = {
  crossOriginIsolated: self.crossOriginIsolated === true,
  hardwareConcurrency: navigator.hardwareConcurrency,
  userAgent: navigator.userAgent,
  webgpu: 'gpu' in navigator,
  tfjsWasmMultithread: (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true,
};

(globalThis as unknown as { __bench: unknown }).__bench = { ready: true, facts, runCell };
