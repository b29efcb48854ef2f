import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as nr from '@neurona/core';
import { describe, expect, it, vi } from 'vitest';
import { runCell } from './cell.js';
import { type CliOptions, main, program, timingFrom } from './cli.js';
import { findNeuronaFactory, selectColumns } from './columns.js';
import { changedFolders, runBench } from './orchestrate.js';
import { fmtNum, formatReport } from './table.js';
import { selectWorkloads } from './workloads.js';

const quick: CliOptions = { workload: ['mlp'], backend: ['all'], mode: ['train'], quick: true, seed: 1 };

describe('bench smoke run (quick, in-process, not timed)', () => {
  it('measures mlp on neurona-cpu and tfjs-cpu in both modes and reports every number', async () => {
    const timing = timingFrom(quick);
    expect(timing).toMatchObject({ reps: 3, warmup: 1, minRepSeconds: 0 });
    const report = await runBench({
      workloads: selectWorkloads(['mlp'], true),
      modes: ['train', 'infer'],
      columns: selectColumns(['neurona-cpu', 'tfjs-cpu']),
      quick: true,
      seed: 1,
      timing,
      isolate: false,
      cellTimeoutSeconds: 120,
    });
    expect(report.results.map((r) => `${r.mode} ${r.column} ${r.status}`)).toEqual([
      'train neurona-cpu ok',
      'train tfjs-cpu ok',
      'infer neurona-cpu ok',
      'infer tfjs-cpu ok',
    ]);
    for (const r of report.results) {
      expect(r.repSeconds).toHaveLength(3);
      expect(r.batchesPerRep).toBe(1);
      expect(r.samplesPerRep).toBe(8);
      const t = r.throughput!;
      expect(t.min).toBeGreaterThan(0);
      expect(t.min).toBeLessThanOrEqual(t.median);
      expect(t.median).toBeLessThanOrEqual(t.max);
      expect(r.gflops!.median).toBeCloseTo((t.median * r.flopsPerSample) / 1e9, 9);
      expect(r.peakRssMiB).toBeGreaterThan(0);
    }
    for (const c of report.comparisons) {
      expect(c.ours?.column).toBe('neurona-cpu');
      expect(c.peer?.column).toBe('tfjs-cpu');
      expect(c.ratio).toBeGreaterThan(0);
    }
    const text = formatReport(report);
    expect(text).toMatch(
      /\| mlp {6}\| train \| .*\d+ \(.+-.+\) \| .*\d+ \(.+-.+\) \| \d+\.\d\dx \(neurona-cpu vs tfjs-cpu\)/,
    );
    expect(text).toContain('QUICK (small shapes, not comparable)');

    // --print re-prints a report saved by --json, unchanged.
    const file = join(mkdtempSync(join(tmpdir(), 'bench-')), 'report.json');
    writeFileSync(file, JSON.stringify(report));
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      expect(await main(['node', 'cli.js', '--print', file])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(written.join('')).toBe(`${text}\n`);
  });

  it('frees every Neurona tensor it creates', async () => {
    const spec = { workload: 'lstm', mode: 'train', column: 'neurona-cpu', quick: true, seed: 1 } as const;
    const first = await runCell({ ...spec, timing: { ...timingFrom(quick), reps: 1 } }, false);
    expect(first.status).toBe('ok');
    const before = nr.memory().numTensors;
    const again = await runCell({ ...spec, mode: 'infer', timing: { ...timingFrom(quick), reps: 1 } }, false);
    expect(again.status).toBe('ok');
    expect(nr.memory().numTensors).toBe(before);
  });

  it('trains the character model on neurona-cpu and tfjs-cpu, reports characters/s, skips WebGPU there', async () => {
    const report = await runBench({
      workloads: selectWorkloads(['char-lstm'], true),
      modes: ['train'],
      columns: selectColumns(['neurona-cpu', 'tfjs-cpu', 'tfjs-webgpu']),
      quick: true,
      seed: 1,
      timing: timingFrom(quick),
      isolate: false,
      cellTimeoutSeconds: 120,
    });
    expect(report.results.map((r) => `${r.column} ${r.status} ${r.message ?? ''}`.trim())).toEqual([
      'neurona-cpu ok',
      'tfjs-cpu ok',
      'tfjs-webgpu not-run skipped',
    ]);
    expect(report.workloads[0]).toMatchObject({ name: 'char-lstm', tokensPerSample: 10 });
    expect(report.comparisons[0]).toMatchObject({ target: null, met: null, peer: { column: 'tfjs-cpu' } });
    expect(report.gpuComparisons?.[0]).toMatchObject({ ratio: null, target: null });
    const ours = report.results[0]!.throughput!.median;
    const text = formatReport(report);
    const row = text.split('\n').find((l) => /^\| char-lstm \| train \|\s+10 \|/.test(l));
    expect(
      row
        ?.split('|')[4]
        ?.trim()
        .startsWith(`${fmtNum(ours * 10)} (`),
    ).toBe(true);
    expect(text).toMatch(/tfjs-webgpu: tfjs-layers 4\.22 on @tensorflow\/tfjs-backend-webgpu/);
  });

  it('frees every Neurona tensor of the character model', async () => {
    const spec = {
      workload: 'char-lstm',
      mode: 'train',
      column: 'neurona-cpu',
      quick: true,
      seed: 1,
    } as const;
    const timing = { ...timingFrom(quick), reps: 1 };
    expect((await runCell({ ...spec, timing }, false)).status).toBe('ok');
    const before = nr.memory().numTensors;
    expect((await runCell({ ...spec, timing }, false)).status).toBe('ok');
    expect((await runCell({ ...spec, mode: 'infer', timing }, false)).status).toBe('ok');
    expect(nr.memory().numTensors).toBe(before);
  });

  it('reports a Neurona package that is missing or exports no factory as not built', async () => {
    const missing = await findNeuronaFactory('neurona-wasm', {
      'neurona-wasm': { pkg: '@neurona/no-such-backend', factory: 'wasm' },
    });
    expect(missing).toMatchObject({ ok: false, reason: 'n/a (not built)' });
    expect(!missing.ok && missing.detail).toMatch(/^cannot import @neurona\/no-such-backend: /);
    const noFactory = await findNeuronaFactory('neurona-wasm', {
      'neurona-wasm': { pkg: '@neurona/core', factory: 'wasm' },
    });
    expect(noFactory).toEqual({
      ok: false,
      reason: 'n/a (not built)',
      detail: '@neurona/core exports no wasm() yet',
    });
    const cpu = await findNeuronaFactory('neurona-cpu');
    expect(cpu.ok && (await cpu.create()).name).toBe('cpu');
  });
});

describe('changedFolders', () => {
  it('names the folders with uncommitted changes, two levels deep', () => {
    const porcelain =
      ' M apps/bench/src/cli.ts\n?? apps/bench/README.md\nR  packages/a/x.ts -> packages/core/y.ts\n';
    expect(changedFolders(porcelain)).toEqual(['apps/bench', 'packages/core']);
    expect(changedFolders('')).toEqual([]);
  });
});

describe('command line', () => {
  const parse = (...args: string[]) => {
    const cmd = program()
      .exitOverride()
      .configureOutput({ writeErr: () => {}, writeOut: () => {} });
    return cmd.parse(args, { from: 'user' }).opts<CliOptions>();
  };
  it('parses lists and numbers', () => {
    const o = parse(
      '--workload',
      'mlp,lstm',
      '--backend',
      'neurona-cpu,tfjs',
      '--reps',
      '7',
      '--mode',
      'infer',
    );
    expect(o).toMatchObject({
      workload: ['mlp', 'lstm'],
      backend: ['neurona-cpu', 'tfjs'],
      reps: 7,
      mode: ['infer'],
    });
    expect(timingFrom(o)).toMatchObject({ reps: 7, warmup: 2, minRepSeconds: 0.5 });
    expect(selectColumns(o.backend)).toEqual([
      'neurona-cpu',
      'tfjs-cpu',
      'tfjs-wasm',
      'tfjs-wasm+patch',
      'tfjs-webgpu',
    ]);
    expect(parse('--webgpu-all').webgpuAll).toBe(true);
    expect(selectWorkloads(['gru', 'matmul'], false).map((w) => w.name)).toEqual([
      'matmul-256',
      'matmul-512',
      'matmul-1024',
      'gru',
    ]);
  });
  it('rejects bad values with a message naming the option', () => {
    expect(() => parse('--reps', '0')).toThrow(/--reps <n>.*expected an integer >= 1, got '0'/);
    expect(() => parse('--mode', 'fit')).toThrow(/unknown mode 'fit'; expected train or infer/);
    expect(() => selectWorkloads(['rnn'], false)).toThrow(
      /--workload: unknown workload 'rnn'; expected one of all/,
    );
    expect(() => selectColumns(['tfjs-gpu'])).toThrow(/--backend: unknown backend 'tfjs-gpu'/);
  });
});
