/**
 * Text output: the report as Markdown tables (readable in a terminal and pasted as-is into the README).
 */
import type { CellResult } from './cell.js';
import { columnClass } from './columns.js';
import type { Comparison } from './compare.js';
import type { BenchReport } from './orchestrate.js';

/**
 * A number for a table: thousands separators from 1,000, no decimals from 100, one decimal from 10,
 * otherwise three significant digits.
 *
 * @example
 * ```ts
 * [fmtNum(12345.6), fmtNum(812.4), fmtNum(45.67), fmtNum(0.7412)]; // ['12,346', '812', '45.7', '0.741']
 * ```
 */
export function fmtNum(v: number): string {
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a === 0) return '0';
  return v.toPrecision(3);
}

/**
 * A FLOP count with a k/M/G suffix and three significant digits.
 *
 * @example
 * ```ts
 * [fmtFlops(409088), fmtFlops(1704960), fmtFlops(2147483648)]; // ['409k', '1.70M', '2.15G']
 * ```
 */
export function fmtFlops(v: number): string {
  for (const [s, f] of [
    ['G', 1e9],
    ['M', 1e6],
    ['k', 1e3],
  ] as const) {
    if (v >= f) return `${(v / f).toPrecision(3)}${s}`;
  }
  return String(v);
}

/**
 * A Markdown table with every column padded to its widest cell; `align` holds 'l' or 'r' per column.
 *
 * @example
 * ```ts
 * markdownTable(['a', 'b'], [['x', '1']], ['l', 'r']); // '| a | b |\n|:--|--:|\n| x | 1 |'
 * ```
 */
export function markdownTable(headers: readonly string[], rows: readonly string[][], align: string): string {
  rows.forEach((r, i) => {
    if (r.length !== headers.length) {
      throw new Error(`markdownTable: row ${i} has ${r.length} cells, expected ${headers.length}`);
    }
  });
  const width = headers.map((h, j) => Math.max(h.length, 3, ...rows.map((r) => r[j]!.length)));
  const pad = (s: string, j: number): string =>
    align[j] === 'r' ? s.padStart(width[j]!) : s.padEnd(width[j]!);
  const line = (cells: readonly string[]): string => `| ${cells.map(pad).join(' | ')} |`;
  const rule = width.map((w, j) => (align[j] === 'r' ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`));
  return [line(headers), `|${rule.join('|')}|`, ...rows.map(line)].join('\n');
}

/**
 * Text on one line (whitespace runs collapsed), cut to `max` characters with an ellipsis.
 *
 * @example
 * ```ts
 * oneLine('a\n  b', 10); // 'a b'
 * ```
 */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** Numbered notes for cells whose text alone does not say enough. */
class Notes {
  readonly list: string[] = [];
  ref(raw: string): string {
    const text = oneLine(raw, 240);
    let i = this.list.indexOf(text);
    if (i < 0) i = this.list.push(text) - 1;
    return `[${i + 1}]`;
  }
}

/**
 * The throughput cell: `median (min-max)`, or what happened instead.
 *
 * @example
 * ```ts
 * throughputCell(result, notes); // '812 (790-830)'
 * ```
 */
function throughputCell(r: CellResult, notes: Notes): string {
  if (r.status === 'ok' && r.throughput && r.estimate) {
    const seconds = r.repSeconds?.[0] ?? 0;
    const why = `${r.column}, ${r.workload} ${r.mode}: one warm-up batch only (${fmtNum(seconds)} s); the full measurement would exceed --max-cell-time`;
    return `~${fmtNum(r.throughput.median)} ${notes.ref(why)}`;
  }
  if (r.status === 'ok' && r.throughput) {
    const t = r.throughput;
    return `${fmtNum(t.median)} (${fmtNum(t.min)}-${fmtNum(t.max)})`;
  }
  if (r.status === 'missing-kernel') return `${r.message} ${notes.ref(`${r.column}: ${r.detail}`)}`;
  if (r.status === 'error')
    return `${r.message} ${notes.ref(`${r.column}, ${r.workload} ${r.mode}: ${r.detail}`)}`;
  if (r.status === 'unavailable') return `${r.message} ${notes.ref(`${r.column}: ${r.detail}`)}`;
  // A cell not run because it equals another ('= tfjs-wasm') says so itself; a skipped one says why in a note.
  if (r.status === 'not-run' && r.detail && !(r.message ?? '').startsWith('='))
    return `${r.message ?? r.status} ${notes.ref(r.detail)}`;
  return r.message ?? r.status;
}

function shortCell(r: CellResult | undefined, value: (r: CellResult) => string): string {
  if (!r) return '';
  if (r.status === 'ok') return value(r);
  return r.status === 'not-run' ? (r.message ?? '') : '-';
}

function ratioCell(c: Comparison | undefined): string {
  if (!c || c.ratio === null || !c.ours || !c.peer) return '-';
  return `${c.ratio.toFixed(2)}x (${c.ours.column} vs ${c.peer.column})`;
}

function targetCell(c: Comparison | undefined): string {
  if (!c?.target) return '-';
  const verdict = c.met === null ? 'n/a' : c.met ? 'met' : 'not met';
  return `${c.target.text}: ${verdict}`;
}

/** `; repetitions took a-b s` over every measured cell, or nothing. */
function repRange(report: BenchReport): string {
  const all = report.results
    .filter((r) => r.status === 'ok' && !r.estimate)
    .flatMap((r) => r.repSeconds ?? []);
  if (all.length === 0) return '';
  return `; repetitions took ${fmtNum(Math.min(...all))}-${fmtNum(Math.max(...all))} s`;
}

/**
 * The characters/s table of the character models (samples/s x window length), or nothing.
 *
 * @example
 * ```ts
 * charsTable(report, ['neurona-cpu', 'tfjs-cpu']); // ['', 'Characters/s ...', '', '| workload | ...']
 * ```
 */
export function charsTable(report: BenchReport, cols: readonly string[]): string[] {
  const rows: string[][] = [];
  for (const w of report.workloads) {
    if (!w.tokensPerSample) continue;
    for (const mode of ['train', 'infer']) {
      const cells = report.results.filter((r) => r.workload === w.name && r.mode === mode);
      if (cells.length === 0) continue;
      rows.push([
        w.name,
        mode,
        String(w.tokensPerSample),
        ...cols.map((c) => {
          const r = cells.find((x) => x.column === c);
          if (!r) return '';
          if (r.status !== 'ok' || !r.throughput) return r.status === 'not-run' ? (r.message ?? '') : '-';
          const t = r.throughput;
          const k = w.tokensPerSample!;
          return `${r.estimate ? '~' : ''}${fmtNum(t.median * k)} (${fmtNum(t.min * k)}-${fmtNum(t.max * k)})`;
        }),
      ]);
    }
  }
  if (rows.length === 0) return [];
  return [
    '',
    'Characters/s of the character model: samples/s x characters per sample (its window; every position is ' +
      'predicted), median (min-max)',
    '',
    markdownTable(['workload', 'mode', 'chars/sample', ...cols], rows, `llr${'r'.repeat(cols.length)}`),
  ];
}

/**
 * The whole report as text: a header (date, commit, machine, settings), the throughput table with the
 * ratio of our best backend to the best peer and the target, the GFLOP/s table, the peak-RSS table, the
 * column legend and the notes.
 *
 * @example
 * ```ts
 * console.log(formatReport(await runBench(options)));
 * ```
 */
export function formatReport(report: BenchReport): string {
  const notes = new Notes();
  const cols = report.columns.map((c) => c.id);
  const rows = report.workloads.flatMap((w) =>
    report.comparisons
      .filter((c) => c.workload === w.name)
      .map((c) => ({ w, mode: c.mode, comparison: c as Comparison | undefined })),
  );
  const cell = (workload: string, mode: string, column: string): CellResult | undefined =>
    report.results.find((r) => r.workload === workload && r.mode === mode && r.column === column);
  const gpu = report.gpuComparisons;
  // The CPU/WASM comparison (issue 5) only when a CPU or WebAssembly column ran.
  const cpu = report.columns.some((c) => columnClass(c.id) === 'cpu');
  const gpuRow = (workload: string, mode: string): Comparison | undefined =>
    gpu?.find((c) => c.workload === workload && c.mode === mode);
  const torch = report.torchComparisons;
  const torchRow = (workload: string, mode: string): Comparison | undefined =>
    torch?.find((c) => c.workload === workload && c.mode === mode);
  const m = report.machine;
  const s = report.settings;
  const out: string[] = [
    `Neurona bench, ${report.date}, commit ${report.commit.slice(0, 12)}${report.dirty ? ` (uncommitted changes in ${(report.changedFolders ?? []).join(', ') || '?'})` : ''}${s.quick ? ', QUICK (small shapes, not comparable)' : ''}`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node} (V8 ${m.v8}), ${m.platform}; ` +
      `load average ${m.loadAverageStart.map((v) => v.toFixed(2)).join(' ')} at start, ` +
      `${m.loadAverageEnd.map((v) => v.toFixed(2)).join(' ')} at end`,
    `Timing: median of ${s.reps} timed repetitions after ${s.warmup} warm-up; whole batches per repetition, as many as ` +
      `the warm-up says fill ${s.minRepSeconds} s (at most ${s.maxBatchesPerRep})${repRange(report)}; ` +
      `${s.isolate ? 'each cell in its own child process' : 'all cells in one process'}`,
    '',
    `Throughput: samples/s (matmul: products/s), median (min-max)${cpu ? '; ours/peer = best Neurona CPU/WASM column / best CPU/WASM peer (issue 5)' : ''}${gpu ? '; gpu ours/peer = neurona-webgpu / tfjs-webgpu on the same adapter (issue 7)' : ''}${torch ? '; ours/torch = best Neurona CPU/WASM column / torch-cpu (issue 18; no target on GEMM-bound cells)' : ''}`,
    '',
    markdownTable(
      [
        'workload',
        'mode',
        ...cols,
        ...(cpu ? ['ours/peer', 'target'] : []),
        ...(gpu ? ['gpu ours/peer', 'gpu target'] : []),
        ...(torch ? ['ours/torch', 'torch target'] : []),
      ],
      rows.map(({ w, mode, comparison }) => [
        w.name,
        mode,
        ...cols.map((c) => {
          const r = cell(w.name, mode, c);
          return r ? throughputCell(r, notes) : '';
        }),
        ...(cpu ? [ratioCell(comparison), targetCell(comparison)] : []),
        ...(gpu ? [ratioCell(gpuRow(w.name, mode)), targetCell(gpuRow(w.name, mode))] : []),
        ...(torch ? [ratioCell(torchRow(w.name, mode)), targetCell(torchRow(w.name, mode))] : []),
      ]),
      `ll${'r'.repeat(cols.length)}${cpu ? 'll' : ''}${gpu ? 'll' : ''}${torch ? 'll' : ''}`,
    ),
    ...charsTable(report, cols),
    '',
    'Achieved GFLOP/s (median; FLOPs counted analytically per sample, see the README)',
    '',
    markdownTable(
      ['workload', 'mode', 'FLOP/sample', ...cols],
      rows.map(({ w, mode }) => [
        w.name,
        mode,
        fmtFlops(w.flopsPerSample[mode]),
        ...cols.map((c) => shortCell(cell(w.name, mode, c), (r) => fmtNum(r.gflops!.median))),
      ]),
      `llr${'r'.repeat(cols.length)}`,
    ),
    '',
    `Peak RSS, MiB (${s.isolate ? 'of the child process that ran the cell' : 'of this whole process so far'})`,
    '',
    markdownTable(
      ['workload', 'mode', ...cols],
      rows.map(({ w, mode }) => [
        w.name,
        mode,
        ...cols.map((c) => shortCell(cell(w.name, mode, c), (r) => String(Math.round(r.peakRssMiB ?? 0)))),
      ]),
      `ll${'r'.repeat(cols.length)}`,
    ),
    '',
    'Columns:',
    ...report.columns.map((c) => `- ${c.id}: ${c.description}`),
  ];
  if (notes.list.length > 0) out.push('', 'Notes:', ...notes.list.map((n, i) => `[${i + 1}] ${n}`));
  return out.join('\n');
}
