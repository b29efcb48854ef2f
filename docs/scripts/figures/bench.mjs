// The bench results (apps/bench/results/run-*-<commit>.json, the runs apps/bench/README.md reports) as charts
// and as tables for the performance guide.
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
const COLUMNS = ['neurona-cpu', 'neurona-wasm', 'tfjs-cpu', 'tfjs-wasm', 'tfjs-wasm+patch'];
const COLOURS = ['#2e6fd8', '#7fb0f0', '#c9541f', '#e8a33d', '#f2d06b'];

/** The latest session's run of `mode` (`run-<mode>-<commit>.json`). */
function latestRun(mode) {
  const files = readdirSync(resultsDir).filter((f) => f.startsWith(`run-${mode}-`) && f.endsWith('.json'));
  if (files.length === 0) throw new Error(`bench figures: no ${resultsDir}/run-${mode}-*.json`);
  const runs = files.map((f) => ({ file: f, ...JSON.parse(readFileSync(join(resultsDir, f), 'utf8')) }));
  return runs.sort((a, b) => a.date.localeCompare(b.date)).at(-1);
}

/** A row of colour swatches with the column names, drawn above the plot. */
function legend() {
  return COLUMNS.map(
    (c, i) =>
      `<g transform="translate(${90 + i * 125},10)"><rect width="12" height="12" fill="${COLOURS[i]}"/>` +
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
  const lines = [
    `| workload | ${cols.join(' | ')} | ours / best peer |`,
    `|:--|${cols.map(() => '--:').join('|')}|:--|`,
  ];
  for (const w of run.workloads) {
    const cell = (c) => {
      const r = run.results.find((x) => x.workload === w.name && x.column === c);
      if (!r) return '—';
      if (r.status !== 'ok') return r.message ?? r.status;
      return `${r.estimate ? '~' : ''}${fmt(r.throughput.median, 3).replace(/^(\d+)(\d{3})$/, '$1,$2')}`;
    };
    const cmp = run.comparisons.find((x) => x.workload === w.name);
    const ratio = cmp ? `${cmp.ratio.toFixed(2)}x (${cmp.ours.column} vs ${cmp.peer.column})` : '—';
    lines.push(`| ${w.name} | ${cols.map(cell).join(' | ')} | ${ratio} |`);
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
