import { describe, expect, it } from 'vitest';
import { requireCapability } from '../../../test-utils/capabilities.js';
import {
  type BrowserCellResult,
  type BrowserReport,
  cpuOverTfjsWasm,
  formatBrowserReport,
  runBrowserBench,
} from './browser.js';
import { timingFrom } from './cli.js';

const ok = (column: BrowserCellResult['column'], median: number): BrowserCellResult => ({
  workload: 'mlp',
  mode: 'train',
  column,
  status: 'ok',
  throughput: { median, min: median, max: median },
});

describe('the browser report', () => {
  it('divides Neurona cpu by the better tfjs-wasm column (plain or patched) and checks the 1.5x target', () => {
    const results = [
      ok('neurona-cpu', 300),
      ok('tfjs-wasm', 100),
      ok('tfjs-wasm+patch', 150),
      ok('tfjs-webgl', 999),
    ];
    expect(cpuOverTfjsWasm(results, 'mlp', 'train')).toBe(2);
    expect(cpuOverTfjsWasm(results.slice(0, 1), 'mlp', 'train')).toBeNull();
    const report: BrowserReport = {
      date: '2026-01-01T00:00:00.000Z',
      page: {
        crossOriginIsolated: true,
        hardwareConcurrency: 2,
        userAgent: 'UA',
        webgpu: true,
        tfjsWasmMultithread: true,
      },
      quick: true,
      timing: timingFrom({ workload: [], backend: [], mode: [], quick: true, seed: 1 }),
      results: [...results, { ...ok('neurona-cpu', 10), mode: 'infer' }],
    };
    const text = formatBrowserReport(report);
    expect(text).toMatch(/\| mlp +\| train \|.*\| +2\.00x \| >= 1\.5x: met +\|/);
    expect(text).toMatch(/\| mlp +\| infer \|.*\| +- \| - +\|/);
  });
});

// Needs Chromium: skipped with the reason when it is missing, required when CI is set.
const hasChromium = await requireCapability('chromium', 'the bench --browser test');

describe.runIf(hasChromium)('npm run bench -- --browser (quick, one page, not timed)', () => {
  it('trains xor, mlp and cnn-small on Neurona cpu/wasm and tfjs cpu/wasm/webgl in one cross-origin-isolated page', async () => {
    const lines: string[] = [];
    const report = await runBrowserBench({
      workloads: ['xor', 'mlp', 'cnn-small'],
      modes: ['train'],
      columns: ['neurona-cpu', 'neurona-wasm', 'tfjs-cpu', 'tfjs-wasm', 'tfjs-wasm+patch', 'tfjs-webgl'],
      quick: true,
      seed: 1,
      timing: { ...timingFrom({ workload: [], backend: [], mode: [], quick: true, seed: 1 }), reps: 1 },
      cellTimeoutSeconds: 300,
      onProgress: (l) => lines.push(l),
    });
    expect(report.page.crossOriginIsolated).toBe(true);
    const status = report.results.map((r) => `${r.workload} ${r.column} ${r.status}`);
    expect(status).toEqual([
      'xor neurona-cpu ok',
      'xor neurona-wasm ok',
      'xor tfjs-cpu ok',
      'xor tfjs-wasm ok',
      'xor tfjs-wasm+patch not-run',
      'xor tfjs-webgl ok',
      'mlp neurona-cpu ok',
      'mlp neurona-wasm ok',
      'mlp tfjs-cpu ok',
      'mlp tfjs-wasm ok',
      'mlp tfjs-wasm+patch not-run',
      'mlp tfjs-webgl ok',
      'cnn-small neurona-cpu ok',
      'cnn-small neurona-wasm ok',
      'cnn-small tfjs-cpu ok',
      // tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter; the patched column adds it.
      'cnn-small tfjs-wasm missing-kernel',
      'cnn-small tfjs-wasm+patch ok',
      'cnn-small tfjs-webgl ok',
    ]);
    expect(lines).toHaveLength(18);
    const facts = (c: string) => report.results.find((r) => r.column === c && r.status === 'ok')?.facts;
    expect(facts('neurona-cpu')).toMatchObject({ backend: 'cpu', workers: 'web-workers' });
    expect(facts('tfjs-wasm')).toMatchObject({ backend: 'wasm', wasmThreadedBinary: true, wasmSimd: true });
    expect(facts('tfjs-webgl')).toMatchObject({ backend: 'webgl' });
    expect(facts('tfjs-cpu')).toMatchObject({ backend: 'cpu' });
    for (const r of report.results.filter((x) => x.status === 'ok'))
      expect(r.throughput!.min).toBeGreaterThan(0);
    expect(formatBrowserReport(report)).toContain('cross-origin isolated: true');
  });
});
