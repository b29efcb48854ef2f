import { describe, expect, it } from 'vitest';
import { requireCapability } from '../../../test-utils/capabilities.js';
import { runCell } from './cell.js';
import { type CliOptions, timingFrom } from './cli.js';

const hasGpu = await requireCapability('webgpu', 'bench WebGPU smoke test');

const quick: CliOptions = {
  workload: ['matmul-32'],
  backend: ['all'],
  mode: ['infer'],
  quick: true,
  seed: 1,
};

// Dawn on SwiftShader (the CI installs it, see packages/backend-webgpu): tiny shapes only, a few seconds.
describe.runIf(hasGpu)('WebGPU columns smoke run (quick, in-process, not timed)', () => {
  it('runs matmul-32 on tfjs-webgpu and neurona-webgpu on the same Dawn adapter', async () => {
    const timing = { ...timingFrom(quick), reps: 1 };
    for (const column of ['tfjs-webgpu', 'neurona-webgpu'] as const) {
      const r = await runCell(
        { workload: 'matmul-32', mode: 'infer', column, quick: true, seed: 1, timing },
        false,
      );
      expect(r.status, `${column}: ${r.detail ?? ''}`).toBe('ok');
      expect(r.throughput!.median).toBeGreaterThan(0);
      expect(r.facts?.backend).toBe('webgpu');
    }
  });
});
