// A small hand-written SVG line chart for the benchmark results: log or linear axes with "nice" ticks,
// one polyline + markers per series, a legend, axis labels. No dependencies, deterministic output.

export interface Series {
  name: string;
  points: { x: number; y: number }[];
  color?: string;
  /** SVG stroke-dasharray, e.g. '6 4' for a dashed line. */
  dash?: string;
}

export interface ChartSpec {
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  logY?: boolean;
  series: Series[];
  width?: number;
  height?: number;
  /** Formats tick values (default: compact numbers, e.g. 10k, 1.5M, 0.1). */
  format?: (v: number) => string;
}

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Compact number: 1500 → 1.5k, 2e6 → 2M, 0.05 → 0.05. */
export function compact(v: number): string {
  const a = Math.abs(v);
  const trim = (x: number) => String(Number(x.toPrecision(3)));
  if (a >= 1e9) return `${trim(v / 1e9)}G`;
  if (a >= 1e6) return `${trim(v / 1e6)}M`;
  if (a >= 1e3) return `${trim(v / 1e3)}k`;
  return trim(v);
}

/** Tick values for a log axis spanning [lo, hi]: powers of ten, plus 2 and 5 multiples when the span is short. */
export function logTicks(lo: number, hi: number): number[] {
  const e0 = Math.floor(Math.log10(lo)), e1 = Math.ceil(Math.log10(hi));
  const mults = e1 - e0 <= 2 ? [1, 2, 5] : e1 - e0 <= 4 ? [1, 3] : [1];
  const out: number[] = [];
  for (let e = e0; e <= e1; e++) for (const m of mults) {
    const v = m * 10 ** e;
    if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(Number(v.toPrecision(12)));
  }
  return out;
}

/** About `n` round tick values covering [lo, hi] on a linear axis. */
export function linearTicks(lo: number, hi: number, n = 5): number[] {
  if (hi <= lo) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Axis domain padded to whole decades (log) or to round ticks (linear). */
function domain(values: number[], log: boolean): [number, number] {
  const v = values.filter((x) => Number.isFinite(x) && (!log || x > 0));
  if (!v.length) return log ? [1, 10] : [0, 1];
  let lo = Math.min(...v), hi = Math.max(...v);
  if (log) {
    // pad to the nearest 1-2-5 step outside the data so markers do not sit on the frame
    const down = (x: number) => { const e = 10 ** Math.floor(Math.log10(x)); return [5, 2, 1].map((m) => m * e).find((c) => c <= x * (1 + 1e-9))!; };
    const up = (x: number) => { const e = 10 ** Math.floor(Math.log10(x)); return [1, 2, 5, 10].map((m) => m * e).find((c) => c >= x * (1 - 1e-9))!; };
    lo = down(lo); hi = up(hi);
    if (hi <= lo) hi = lo * 10;
    return [lo, hi];
  }
  if (lo > 0) lo = 0;
  if (hi === lo) hi = lo + 1;
  const t = linearTicks(lo, hi);
  return [Math.min(lo, t[0]!), Math.max(hi, t[t.length - 1]!)];
}

export function lineChart(spec: ChartSpec): string {
  const W = spec.width ?? 820, H = spec.height ?? 480;
  const fmt = spec.format ?? compact;
  const m = { left: 70, right: 250, top: spec.subtitle ? 58 : 42, bottom: 56 };
  const pw = W - m.left - m.right, ph = H - m.top - m.bottom;
  const all = spec.series.flatMap((s) => s.points);
  const [x0, x1] = domain(all.map((p) => p.x), !!spec.logX);
  const [y0, y1] = domain(all.map((p) => p.y), !!spec.logY);
  const sx = (x: number) => m.left + (spec.logX ? (Math.log(x) - Math.log(x0)) / (Math.log(x1) - Math.log(x0)) : (x - x0) / (x1 - x0)) * pw;
  const sy = (y: number) => m.top + ph - (spec.logY ? (Math.log(y) - Math.log(y0)) / (Math.log(y1) - Math.log(y0)) : (y - y0) / (y1 - y0)) * ph;
  const xt = spec.logX ? logTicks(x0, x1) : linearTicks(x0, x1);
  const yt = spec.logY ? logTicks(y0, y1) : linearTicks(y0, y1);
  const r = (v: number) => v.toFixed(1);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  out.push(`<text x="${m.left}" y="22" font-size="15" font-weight="bold">${esc(spec.title)}</text>`);
  if (spec.subtitle) out.push(`<text x="${m.left}" y="40" fill="#555">${esc(spec.subtitle)}</text>`);
  // grid and ticks
  for (const t of xt) {
    const x = r(sx(t));
    out.push(`<line x1="${x}" y1="${m.top}" x2="${x}" y2="${m.top + ph}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${x}" y="${m.top + ph + 16}" text-anchor="middle">${esc(fmt(t))}</text>`);
  }
  for (const t of yt) {
    const y = r(sy(t));
    out.push(`<line x1="${m.left}" y1="${y}" x2="${m.left + pw}" y2="${y}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${m.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${esc(fmt(t))}</text>`);
  }
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${m.left + pw / 2}" y="${H - 14}" text-anchor="middle">${esc(spec.xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(spec.yLabel)}</text>`);
  // series
  spec.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length]!;
    const pts = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!spec.logX || p.x > 0) && (!spec.logY || p.y > 0))
      .sort((a, b) => a.x - b.x);
    if (pts.length > 1) {
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''} points="${pts.map((p) => `${r(sx(p.x))},${r(sy(p.y))}`).join(' ')}"/>`);
    }
    for (const p of pts) out.push(`<circle cx="${r(sx(p.x))}" cy="${r(sy(p.y))}" r="3.5" fill="${color}"><title>${esc(`${s.name}: ${fmt(p.x)}, ${fmt(p.y)}`)}</title></circle>`);
    const ly = m.top + 8 + i * 20;
    const lx = m.left + pw + 14;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 26}" y2="${ly}" stroke="${color}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    out.push(`<circle cx="${lx + 13}" cy="${ly}" r="3.5" fill="${color}"/>`);
    out.push(`<text x="${lx + 32}" y="${ly}" dominant-baseline="middle">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
