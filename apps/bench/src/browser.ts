/**
 * `npm run bench -- --browser` (issue 18 part 4): the xor, mlp, cnn-small and lstm cells in headless Chromium, for
 * Neurona's cpu, wasm and webgpu backends and TensorFlow.js's wasm (its threaded binary: the page is served
 * cross-origin isolated, with COOP/COEP) and webgl backends, all in one page session. The page
 * (`browser-page.ts`) is bundled with esbuild and served from 127.0.0.1; it runs each cell with the timing loop
 * and sessions of the Node bench.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import type { BrowserCellOutcome, BrowserCellSpec, BrowserColumn, PageFacts } from './browser-types.js';
import { gpuRuns } from './columns.js';
import type { TimingOptions } from './measure.js';
import { type Summary, summarize } from './stats.js';
import { fmtNum, markdownTable, oneLine } from './table.js';
import { batchSizeOf, findWorkload, type Mode, modesOf } from './workloads.js';

/**
 * One cell of a browser run.
 *
 * @example
 * ```ts
 * if (r.status === 'ok') console.log(r.throughput!.median);
 * ```
 */
export interface BrowserCellResult {
  workload: string;
  mode: Mode;
  column: BrowserColumn;
  status: 'ok' | 'missing-kernel' | 'error' | 'not-run';
  message?: string;
  /** Samples per second over the timed repetitions. */
  throughput?: Summary;
  batchesPerRep?: number;
  facts?: Record<string, string | number | boolean>;
}

/**
 * A whole browser run.
 *
 * @example
 * ```ts
 * const report: BrowserReport = await runBrowserBench(options);
 * ```
 */
export interface BrowserReport {
  date: string;
  page: PageFacts;
  quick: boolean;
  timing: TimingOptions;
  results: BrowserCellResult[];
}

/**
 * What to run.
 *
 * @example
 * ```ts
 * const o: BrowserOptions = { workloads: ['mlp'], modes: ['train'], columns: ['neurona-cpu', 'tfjs-wasm'], quick: true,
 *   seed: 1, timing, cellTimeoutSeconds: 600 };
 * ```
 */
export interface BrowserOptions {
  workloads: readonly string[];
  modes: readonly Mode[];
  columns: readonly BrowserColumn[];
  quick: boolean;
  seed: number;
  timing: TimingOptions;
  cellTimeoutSeconds: number;
  /** Run neurona-webgpu on every workload (default: as the Node bench, only xor, mlp and cnn-small). */
  webgpuAll?: boolean;
  /** Chromium to launch (default `CHROMIUM_PATH` or `/usr/bin/chromium`). */
  executablePath?: string;
  onProgress?: (line: string) => void;
}

/**
 * Chromium's flags: WebGPU on (SwiftShader without a GPU), software WebGL allowed, none of the background
 * connections a closed network refuses; no sandbox as root. (The tests' copy is `test-utils/capabilities.ts`.)
 */
const CHROMIUM_FLAGS = [
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
];

/** The headers that make the page cross-origin isolated (SharedArrayBuffer: tfjs-wasm's and our threads). */
const ISOLATION = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/**
 * Bundle the page with esbuild (from the TypeScript source next to this file's folder).
 *
 * @example
 * ```ts
 * const js = await bundlePage(); // an ES module for the browser
 * ```
 */
export async function bundlePage(): Promise<string> {
  const entry = fileURLToPath(new URL('../src/browser-page.ts', import.meta.url));
  const out = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

function serve(
  files: Map<string, { body: string | Buffer; type: string }>,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const file = files.get((req.url ?? '/').split('?')[0]!);
    if (!file) {
      res.writeHead(404, ISOLATION).end();
      return;
    }
    res.writeHead(200, { 'content-type': file.type, ...ISOLATION }).end(file.body);
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      ok({ server, url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/` });
    }),
  );
}

function pageFiles(script: string): Map<string, { body: string | Buffer; type: string }> {
  const wasmDir = dirname(
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'),
  );
  const files = new Map<string, { body: string | Buffer; type: string }>([
    [
      '/',
      {
        body: '<!doctype html><meta charset="utf-8"><title>Neurona bench</title><script type="module" src="/page.js"></script>',
        type: 'text/html',
      },
    ],
    ['/page.js', { body: script, type: 'text/javascript' }],
  ]);
  for (const f of [
    'tfjs-backend-wasm.wasm',
    'tfjs-backend-wasm-simd.wasm',
    'tfjs-backend-wasm-threaded-simd.wasm',
  ])
    files.set(`/wasm/${f}`, { body: readFileSync(join(wasmDir, 'dist', f)), type: 'application/wasm' });
  return files;
}

/** The cell as a result: measured, a missing kernel, an error, or skipped (neurona-webgpu off its workloads). */
function resultOf(spec: BrowserCellSpec, o: BrowserCellOutcome): BrowserCellResult {
  const base = { workload: spec.workload, mode: spec.mode, column: spec.column, facts: o.facts };
  if (!o.ok) {
    const kernel = /Kernel '(\w+)' not registered/.exec(o.message)?.[1];
    return kernel
      ? { ...base, status: 'missing-kernel', message: `no kernel ${kernel}` }
      : { ...base, status: 'error', message: o.message };
  }
  const samples = o.timings.batchesPerRep * batchSizeOf(findWorkload(spec.workload, spec.quick));
  return {
    ...base,
    status: 'ok',
    batchesPerRep: o.timings.batchesPerRep,
    throughput: summarize(o.timings.repSeconds.map((s) => samples / s)),
  };
}

/**
 * Launch Chromium, open the page once, and run every cell in it, one after the other. `tfjs-wasm+patch` runs
 * only where `tfjs-wasm` missed a kernel.
 *
 * @example
 * ```ts
 * console.log(formatBrowserReport(await runBrowserBench(options)));
 * ```
 */
export async function runBrowserBench(o: BrowserOptions): Promise<BrowserReport> {
  const date = new Date().toISOString();
  const { server, url } = await serve(pageFiles(await bundlePage()));
  const browser = await chromium.launch({
    executablePath: o.executablePath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_FLAGS,
    headless: true,
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page
      .waitForFunction(
        () => (globalThis as { __bench?: { ready?: boolean } }).__bench?.ready === true,
        null,
        {
          timeout: 60_000,
        },
      )
      .catch(() => {
        throw new Error(
          `bench --browser: the page did not start: ${errors.join('; ') || 'no error reported'}`,
        );
      });
    const pageFacts = await page.evaluate(
      () => (globalThis as unknown as { __bench: { facts: PageFacts } }).__bench.facts,
    );
    const results: BrowserCellResult[] = [];
    const specs = o.workloads.flatMap((name) =>
      modesOf(findWorkload(name, o.quick), o.modes).flatMap((mode) =>
        o.columns.map((column) => ({
          workload: name,
          mode,
          column,
          quick: o.quick,
          seed: o.seed,
          timing: o.timing,
        })),
      ),
    );
    for (const [i, spec] of specs.entries()) {
      const plain = results.find(
        (r) => r.column === 'tfjs-wasm' && r.workload === spec.workload && r.mode === spec.mode,
      );
      let r: BrowserCellResult;
      if (spec.column === 'neurona-webgpu' && !o.webgpuAll && !gpuRuns(spec.workload, o.quick)) {
        r = { ...spec, status: 'not-run', message: 'skipped (emulated GPU; --webgpu-all runs it)' };
      } else if (spec.column === 'tfjs-wasm+patch' && plain && plain.status !== 'missing-kernel') {
        r = { ...spec, status: 'not-run', message: '= tfjs-wasm' };
      } else {
        const outcome = await Promise.race([
          page.evaluate(
            (s) =>
              (
                globalThis as unknown as {
                  __bench: { runCell(s: BrowserCellSpec): Promise<BrowserCellOutcome> };
                }
              ).__bench.runCell(s),
            spec,
          ),
          new Promise<BrowserCellOutcome>((ok) =>
            setTimeout(
              () => ok({ ok: false, message: `timed out after ${o.cellTimeoutSeconds} s`, facts: {} }),
              o.cellTimeoutSeconds * 1000,
            ).unref(),
          ),
        ]);
        r = resultOf(spec, outcome);
      }
      results.push(r);
      const what = r.throughput
        ? `${fmtNum(r.throughput.median)} samples/s (${fmtNum(r.throughput.min)}-${fmtNum(r.throughput.max)})`
        : `${r.status}: ${oneLine(r.message ?? '', 200)}`;
      o.onProgress?.(
        `[${i + 1}/${specs.length}] browser ${spec.workload} ${spec.mode} ${spec.column}: ${what}`,
      );
    }
    return { date, page: pageFacts, quick: o.quick, timing: o.timing, results };
  } finally {
    await browser.close();
    server.close();
  }
}

/**
 * Neurona cpu over the best TensorFlow.js wasm column (plain or patched) of one row, or null.
 *
 * @example
 * ```ts
 * cpuOverTfjsWasm(report.results, 'mlp', 'train'); // 2.4
 * ```
 */
export function cpuOverTfjsWasm(
  results: readonly BrowserCellResult[],
  workload: string,
  mode: Mode,
): number | null {
  const median = (c: BrowserColumn): number | null =>
    results.find((r) => r.workload === workload && r.mode === mode && r.column === c && r.status === 'ok')
      ?.throughput?.median ?? null;
  const ours = median('neurona-cpu');
  const peers = [median('tfjs-wasm'), median('tfjs-wasm+patch')].filter((v): v is number => v !== null);
  return ours === null || peers.length === 0 ? null : ours / Math.max(...peers);
}

/**
 * The browser run as text: the page's facts, samples/s per cell, and Neurona cpu / tfjs-wasm with the issue's
 * training target (>= 1.5x).
 *
 * @example
 * ```ts
 * console.log(formatBrowserReport(report));
 * ```
 */
export function formatBrowserReport(report: BrowserReport): string {
  const cols = [...new Set(report.results.map((r) => r.column))];
  const rows = [...new Set(report.results.map((r) => `${r.workload}\u0000${r.mode}`))].map((k) =>
    k.split('\u0000'),
  );
  const wasmFacts = report.results.find(
    (r) => r.column === 'tfjs-wasm' && r.facts?.wasmThreads !== undefined,
  )?.facts;
  const cpuFacts = report.results.find((r) => r.column === 'neurona-cpu' && r.facts)?.facts;
  const p = report.page;
  return [
    `Neurona bench in the browser, ${report.date}${report.quick ? ', QUICK (small shapes, not comparable)' : ''}`,
    '',
    `Page: ${p.userAgent}; cross-origin isolated: ${p.crossOriginIsolated}; ${p.hardwareConcurrency} cores; ` +
      `tfjs-wasm threads supported: ${p.tfjsWasmMultithread}; ` +
      `tfjs-wasm threads: ${wasmFacts?.wasmThreads ?? '?'}; neurona-cpu threads: ${cpuFacts?.threads ?? '?'} ` +
      `(${cpuFacts?.workers ?? '?'}); every cell in the same page, one after the other`,
    `Timing: median of ${report.timing.reps} after ${report.timing.warmup} warm-up, as the Node bench`,
    '',
    markdownTable(
      ['workload', 'mode', ...cols, 'cpu / tfjs-wasm', 'target'],
      rows.map(([w, m]) => {
        const ratio = cpuOverTfjsWasm(report.results, w!, m as Mode);
        return [
          w!,
          m!,
          ...cols.map((c) => {
            const r = report.results.find((x) => x.workload === w && x.mode === m && x.column === c);
            if (!r) return '';
            if (r.status === 'ok' && r.throughput)
              return `${fmtNum(r.throughput.median)} (${fmtNum(r.throughput.min)}-${fmtNum(r.throughput.max)})`;
            return r.status === 'error' ? `error: ${oneLine(r.message ?? '', 60)}` : (r.message ?? r.status);
          }),
          ratio === null ? '-' : `${ratio.toFixed(2)}x`,
          m === 'train'
            ? ratio === null
              ? '>= 1.5x: n/a'
              : `>= 1.5x: ${ratio >= 1.5 ? 'met' : 'not met'}`
            : '-',
        ];
      }),
      `ll${'r'.repeat(cols.length)}rl`,
    ),
  ].join('\n');
}
