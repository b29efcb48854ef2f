/**
 * One line of a chart: a name for the legend, a colour, a dash pattern, and one value per epoch.
 *
 * @example
 * ```ts
 * const s: Series = { name: 'loss', color: '#1f77b4', values: [0.3, 0.1] };
 * ```
 */
export interface Series {
  readonly name: string;
  readonly color: string;
  readonly dashed?: boolean;
  readonly values: readonly number[];
}

const PANEL_W = 420;
const PANEL_H = 280;
const M = { left: 56, right: 16, top: 36, bottom: 44 };

/** Above this many points a curve is drawn without a dot per point. */
const MAX_DOTS = 60;

/**
 * The x axis of {@link trainingCurvesSvg}: its label (default `epoch`) and the value shown under point `i`
 * (default `i + 1`).
 *
 * @example
 * ```ts
 * const axis: ChartAxis = { xLabel: 'batch', xValues: [10, 20, 30] };
 * ```
 */
export interface ChartAxis {
  readonly xLabel?: string;
  readonly xValues?: readonly number[];
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** 3 to 6 "nice" tick values covering [lo, hi], and the decimals their step needs. */
function ticks(lo: number, hi: number): { values: number[]; decimals: number } {
  const span = hi - lo || 1;
  const raw = span / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => span / s <= 5) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9) + (Number.isInteger(step / mag) ? 0 : 1));
  return { values: out, decimals };
}

function panel(
  title: string,
  series: readonly Series[],
  x0: number,
  percent: boolean,
  legendLow: boolean,
  axis: ChartAxis,
): string {
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const epochs = Math.max(1, ...series.map((s) => s.values.length));
  let lo = all.length ? Math.min(...all) : 0;
  let hi = all.length ? Math.max(...all) : 1;
  if (hi - lo < 1e-6) {
    lo -= 0.05 * Math.abs(lo || 1);
    hi += 0.05 * Math.abs(hi || 1);
  }
  const pad = (hi - lo) * 0.08;
  lo -= pad;
  hi += pad;
  const w = PANEL_W - M.left - M.right;
  const h = PANEL_H - M.top - M.bottom;
  const px = (i: number): number => x0 + M.left + (epochs === 1 ? w / 2 : (i * w) / (epochs - 1));
  const py = (v: number): number => M.top + h - ((v - lo) / (hi - lo)) * h;
  const { values: tickValues, decimals } = ticks(lo, hi);
  const fmt = (v: number): string =>
    percent ? `${(100 * v).toFixed(Math.max(0, decimals - 2))}%` : v.toFixed(decimals);
  const parts: string[] = [
    `<text x="${x0 + PANEL_W / 2}" y="20" text-anchor="middle" font-weight="bold">${esc(title)}</text>`,
    `<rect x="${x0 + M.left}" y="${M.top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`,
  ];
  for (const t of tickValues) {
    const y = py(t).toFixed(1);
    parts.push(
      `<line x1="${x0 + M.left}" x2="${x0 + M.left + w}" y1="${y}" y2="${y}" stroke="#eee"/>`,
      `<text x="${x0 + M.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${fmt(t)}</text>`,
    );
  }
  const every = Math.max(1, Math.ceil(epochs / 10));
  for (let i = 0; i < epochs; i += every) {
    const label = axis.xValues?.[i] ?? i + 1;
    parts.push(`<text x="${px(i).toFixed(1)}" y="${M.top + h + 16}" text-anchor="middle">${label}</text>`);
  }
  const xLabel = esc(axis.xLabel ?? 'epoch');
  parts.push(`<text x="${x0 + M.left + w / 2}" y="${PANEL_H - 8}" text-anchor="middle">${xLabel}</text>`);
  series.forEach((s, k) => {
    const pts = s.values
      .map((v, i) => (Number.isFinite(v) ? `${px(i).toFixed(1)},${py(v).toFixed(1)}` : null))
      .filter((p): p is string => p !== null);
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    if (pts.length > 1) {
      parts.push(
        `<polyline points="${pts.join(' ')}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`,
      );
    }
    for (const p of pts.length <= MAX_DOTS ? pts : []) {
      const [cx, cy] = p.split(',');
      parts.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${s.color}"/>`);
    }
    const ly = legendLow ? M.top + h - 14 - 16 * (series.length - 1 - k) : M.top + 14 + 16 * k;
    const lx = x0 + M.left + w - 120;
    parts.push(
      `<line x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${dash}/>`,
      `<text x="${lx + 28}" y="${ly}" dominant-baseline="middle">${esc(s.name)}</text>`,
    );
  });
  return parts.join('\n');
}

/**
 * A self-contained SVG with two line charts side by side: loss and accuracy per epoch, training (solid) and
 * validation (dashed), legends where the curves are not (top right for loss, bottom right for accuracy). Keys
 * missing from `history` are left out. `axis` relabels the x axis (the web page plots per batch).
 *
 * @example
 * ```ts
 * writeFileSync('training-curves.svg', trainingCurvesSvg({ loss: [0.3, 0.1], accuracy: [0.9, 0.97] }));
 * ```
 */
export function trainingCurvesSvg(
  history: Readonly<Record<string, readonly number[]>>,
  title = '',
  axis: ChartAxis = {},
): string {
  const pick = (key: string, name: string, color: string, dashed: boolean): Series[] =>
    history[key]?.length ? [{ name, color, dashed, values: history[key] }] : [];
  const loss = [
    ...pick('loss', 'training', '#1f77b4', false),
    ...pick('val_loss', 'validation', '#d62728', true),
  ];
  const acc = [
    ...pick('accuracy', 'training', '#1f77b4', false),
    ...pick('val_accuracy', 'validation', '#d62728', true),
  ];
  const width = 2 * PANEL_W;
  const top = title ? 24 : 0;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${PANEL_H + top}" viewBox="0 0 ${width} ${PANEL_H + top}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    title ? `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">${esc(title)}</text>` : '',
    `<g transform="translate(0 ${top})">`,
    panel('Loss', loss, 0, false, false, axis),
    panel('Accuracy', acc, PANEL_W, true, true, axis),
    '</g>',
    '</svg>',
    '',
  ]
    .filter((l) => l !== '')
    .join('\n');
}
