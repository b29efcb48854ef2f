import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatMemory, memoryBudget, runMnistMemory, trainArgs } from './memory.js';
import type { RssProbeReport } from './rss-probe.js';

const MiB = 2 ** 20;
// The probe and the app run as built JavaScript in a child process (as `npm run bench:memory` runs them).
const probe = fileURLToPath(new URL('../dist/rss-probe.js', import.meta.url));
const app = fileURLToPath(new URL('../../mnist-cnn/dist/cli.js', import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));
if (!existsSync(probe) || !existsSync(app)) {
  // `npm test` builds first; a lone vitest run builds the two apps here (incremental tsc -b).
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-b', 'apps/bench', 'apps/mnist-cnn'], { cwd: root });
}

describe('the memory budget of issue 18 part 5', () => {
  it('is 1.5x the float32 size of the images and labels plus 200 MiB (hand-computed)', () => {
    // All of MNIST: 70,000 x 785 floats x 4 B = 219,800,000 B = 209.6 MiB; limit 329,700,000 B + 200 MiB.
    expect(memoryBudget(70_000)).toEqual({ datasetBytes: 219_800_000, limitBytes: 329_700_000 + 200 * MiB });
    expect(memoryBudget(0).limitBytes).toBe(200 * MiB);
  });

  it("passes only the options given to the app's train command", () => {
    expect(trainArgs({}, '/tmp/m')).toEqual(['train', '--no-progress', '--out', '/tmp/m']);
    expect(trainArgs({ epochs: 1, limit: 500, testLimit: 50, backend: 'wasm' }, '/o')).toEqual([
      'train',
      '--no-progress',
      '--out',
      '/o',
      '--epochs',
      '1',
      '--limit',
      '500',
      '--test-limit',
      '50',
      '--backend',
      'wasm',
    ]);
  });
});

describe('the RSS probe and the MNIST run (tiny: 600 training, 100 test images, 1 epoch)', () => {
  it('sees a 256 MiB buffer a program touches in its peak RSS', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'probe-')), 'r.json');
    const program = 'const b = new Uint8Array(256 * 2 ** 20); b.fill(1); console.log(b[12345]);';
    const r = spawnSync(process.execPath, ['--import', probe, '-e', program], {
      encoding: 'utf8',
      env: { ...process.env, NEURONA_RSS_PROBE_OUT: out },
    });
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(readFileSync(out, 'utf8')) as RssProbeReport;
    expect(got.exitCode).toBe(0);
    expect(got.peakRssMiB - got.startRssMiB).toBeGreaterThanOrEqual(250);
    expect(got.peakExternalMiB).toBeGreaterThanOrEqual(250); // a typed array lives outside V8's heap
    expect(got.peakTensorMiB).toBe(0); // no tensors in this program
  });

  it('trains the default model with the probe preloaded and compares the peak with the budget', () => {
    const r = runMnistMemory({ epochs: 1, limit: 600, testLimit: 100 });
    expect(r.exitCode).toBe(0);
    expect(r.examples).toBe(700);
    expect(r.datasetMiB).toBeCloseTo((700 * 785 * 4) / MiB, 9);
    expect(r.limitMiB).toBeCloseTo((1.5 * 700 * 785 * 4) / MiB + 200, 9);
    expect(r.peakRssMiB).toBeGreaterThan(r.startRssMiB);
    // The probe reads the app's own core: its training images (540 after 60 for validation) are tensors.
    expect(r.peakTensorMiB).toBeGreaterThanOrEqual((540 * 784 * 4) / MiB);
    expect(r.withinLimit).toBe(r.peakRssMiB <= r.limitMiB);
    expect(r.tail.some((l) => l.startsWith('Model: lenet'))).toBe(true); // the app's default model
    expect(r.tail.some((l) => l.startsWith('Test accuracy'))).toBe(true);
    expect(formatMemory(r)).toContain('| limit (1.5x data set + 200 MiB) |');
  });
});
