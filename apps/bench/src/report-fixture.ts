/**
 * Test fixture: the fixed header of a {@link BenchReport} (tool, date, commit, machine, settings) that the
 * table tests build their reports on.
 */
import type { BenchReport } from './orchestrate.js';

/** Every field of a report but its columns, workloads, results and comparisons; `reps` as given. */
export function reportHeader(
  reps: number,
): Omit<BenchReport, 'columns' | 'workloads' | 'results' | 'comparisons'> {
  return {
    tool: '@neurona/bench',
    date: '2026-01-02T03:04:05.000Z',
    commit: '0123456789abcdef0123',
    dirty: false,
    changedFolders: [],
    command: 'npm run bench',
    machine: {
      cpu: 'Test CPU',
      cores: 2,
      memoryGiB: 8,
      node: 'v20.20.2',
      v8: '11.3',
      platform: 'linux x64',
      loadAverageStart: [1, 1, 1],
      loadAverageEnd: [1, 1, 1],
    },
    settings: {
      quick: false,
      seed: 1,
      isolate: true,
      reps,
      warmup: 2,
      minRepSeconds: 0.5,
      maxBatchesPerRep: 200,
      maxDataBytes: 1e6,
      maxCellSeconds: 900,
    },
  };
}
