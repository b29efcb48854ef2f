// The bench results (apps/bench/results/full-<commit>.json and run-<mode>-<commit>.json, the runs
// apps/bench/README.md reports) as charts and as tables for the performance guide: the latest run of each mode.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, Plot, plotSvg, writeFigure, writeFragment } from './svg.mjs';

const resultsDir = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'apps',
  'bench',
  'results',
);
const COLUMNS = ['neurona-cpu', 'neurona-wasm', 'tfjs-cpu', 'tfjs-wasm', 'tfjs-wasm+patch', 'torch-cpu'];
const COLOURS = ['#2e6fd8', '#7fb0f0', '#c9541f', '#e8a33d', '#f2d06b', '#6b6b6b'];

/**
 * The latest run (by date) that measured `mode`: a full run (`full-<commit>.json`, both modes) or a run of
 * one mode (`run-<mode>-<commit>.json`); its results and comparisons narrowed to `mode`.
 */
function latestRun(mode) {
  const files = readdirSync(resultsDir).filter(
    (f) => (f.startsWith('full-') || f.startsWith(`run-${mode}-`)) && f.endsWith('.json'),
  );
  const runs = files
    .map((f) => ({ file: f, ...JSON.parse(readFileSync(join(resultsDir, f), 'utf8')) }))
    .filter((r) => !r.settings?.quick && r.results.some((x) => x.mode === mode));
  if (runs.length === 0) throw new Error(`bench figures: no ${mode} run in ${resultsDir}`);
  const run = runs.sort((a, b) => a.date.localeCompare(b.date)).at(-1);
  const inMode = (x) => x.mode === mode;
  const results = run.results.filter(inMode);
  return {
    ...run,
    results,
    workloads: run.workloads.filter((w) => results.some((r) => r.workload === w.name)),
    comparisons: (run.comparisons ?? []).filter(inMode),
    torchComparisons: (run.torchComparisons ?? []).filter(inMode),
  };
}

/** A row of colour swatches with the column names, drawn above the plot. */
function legend() {
  return COLUMNS.map(
    (c, i) =>
      `<g transform="translate(${90 + i * 105},10)"><rect width="12" height="12" fill="${COLOURS[i]}"/>` +
      `<text x="16" y="10" text-anchor="start" font-size="11" font-family="system-ui, sans-serif" fill="#1b1b1f">${c}</text></g>`,
  ).join('');
}

function chart(run, mode) {
  const rows = run.results
    .filter((r) => r.status === 'ok' && !r.estimate && COLUMNS.includes(r.column))
    .map((r) => ({ workload: r.workload, column: r.column, median: r.throughput.median }));
  const workloads = run.workloads.map((w) => w.name);
  const floor = 0.05;
  const svg = plotSvg({
    width: 720,
    height: 50 + workloads.length * 44,
    marginLeft: 90,
    marginRight: 20,
    marginTop: 36,
    x: {
      type: 'log',
      domain: [floor, Math.max(...rows.map((r) => r.median)) * 1.5],
      label: `${mode === 'train' ? 'training' : 'inference'}: samples/s (matmul: products/s), log scale`,
      grid: true,
    },
    y: { domain: COLUMNS, axis: null },
    fy: { domain: workloads, label: null, axis: 'left' },
    color: { domain: COLUMNS, range: COLOURS },
    marks: [Plot.barX(rows, { fy: 'workload', y: 'column', x1: floor, x2: 'median', fill: 'column' })],
  });
  return svg.replace(/<\/svg>\n$/, `${legend()}</svg>\n`);
}

function table(run) {
  const cols = COLUMNS.filter((c) => run.results.some((r) => r.column === c));
  const torch = run.torchComparisons.length > 0;
  const lines = [
    `| workload | ${cols.join(' | ')} | ours / best peer |${torch ? ' ours / torch |' : ''}`,
    `|:--|${cols.map(() => '--:').join('|')}|:--|${torch ? ':--|' : ''}`,
  ];
  const ratio = (cmp) => (cmp ? `${cmp.ratio.toFixed(2)}x (${cmp.ours.column} vs ${cmp.peer.column})` : '—');
  for (const w of run.workloads) {
    const cell = (c) => {
      const r = run.results.find((x) => x.workload === w.name && x.column === c);
      if (!r) return '—';
      if (r.status !== 'ok') return r.message ?? r.status;
      return `${r.estimate ? '~' : ''}${fmt(r.throughput.median, 3).replace(/^(\d+)(\d{3})$/, '$1,$2')}`;
    };
    const peer = ratio(run.comparisons.find((x) => x.workload === w.name));
    const vsTorch = torch ? ` ${ratio(run.torchComparisons.find((x) => x.workload === w.name))} |` : '';
    lines.push(`| ${w.name} | ${cols.map(cell).join(' | ')} | ${peer} |${vsTorch}`);
  }
  const m = run.machine;
  lines.push(
    '',
    `Run of ${run.date.slice(0, 10)} at commit \`${run.commit.slice(0, 7)}\` on ${m.cpu}, ${m.cores} cores, Node ${m.node}` +
      ` (load average ${m.loadAverageStart.join(' ')} at start): median samples/s of ${run.settings.reps} timed` +
      ` repetitions, from \`apps/bench/results/${run.file}\`.`,
  );
  return lines.join('\n');
}

/** `bench-train.svg`, `bench-infer.svg` and the fragments `bench-train.md`, `bench-infer.md`. */
export async function benchFigures() {
  const out = [];
  for (const mode of ['train', 'infer']) {
    const run = latestRun(mode);
    out.push(writeFigure(`bench-${mode}`, chart(run, mode)));
    writeFragment(`bench-${mode}`, table(run));
  }
  return out;
}
