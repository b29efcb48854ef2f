/**
 * Test helper: the same data on the WebGPU backend and a CPU reference, and one kernel run on both and compared,
 * with the GPU's direct/tiled GEMM threshold set for the call.
 */
import { expectClose } from '@neurona/conformance';
import type * as nr from '@neurona/core';
import type { WebGpuBackend } from '../src/index.js';

/** The operand helpers for one GPU backend (read lazily: it is created in `beforeAll`) and one reference. */
export function dualBackends(
  gpu: () => WebGpuBackend,
  ref: nr.Backend & { readSync(h: nr.Handle): nr.TypedArray },
  rng: nr.Rng,
  tol: number,
) {
  /** The same data (random in [-1, 1) unless given) as an operand of each backend. */
  function operand(shape: number[], given?: number[]): { gpu: nr.Operand; cpu: nr.Operand } {
    const data = given ? Float32Array.from(given) : new Float32Array(shape.reduce((a, b) => a * b, 1));
    if (!given) for (let i = 0; i < data.length; i++) data[i] = rng.uniform() * 2 - 1;
    const info = { shape, dtype: 'float32' as const };
    return {
      gpu: { handle: gpu().upload(data, info), ...info },
      cpu: { handle: ref.upload(data, info), ...info },
    };
  }

  /** Run `kernel` on both backends (GPU with direct GEMMs below `directMaxMacs`) and compare. */
  async function compare(
    what: string,
    directMaxMacs: number,
    kernel: (b: nr.Backend, side: 'gpu' | 'cpu') => nr.Handle,
  ): Promise<void> {
    const g = gpu();
    const saved = g.runtime.gemmDirectMaxMacs;
    g.runtime.gemmDirectMaxMacs = directMaxMacs;
    try {
      const got = kernel(g, 'gpu');
      const want = kernel(ref, 'cpu');
      expectClose(await g.read(got), ref.readSync(want), tol, what);
      g.dispose(got);
      ref.dispose(want);
    } finally {
      g.runtime.gemmDirectMaxMacs = saved;
    }
  }

  return { operand, compare };
}
