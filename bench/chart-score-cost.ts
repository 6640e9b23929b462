// `node --import tsx bench/chart-score-cost.ts`: bench/chart-score-cost.svg — the score kernel's CPU seconds against
// the work (sample pixels × ions scored), from the rows bench/score-kernel.ts appended to
// bench/results/score-cost.json (one row per dataset and kernel label). If the cost grows linearly with the work,
// each label's points lie on a line of slope 1 on the log-log axes; the table gives the fitted exponent and the
// CPU nanoseconds per ion × pixel at each size.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lineChart, PALETTE, type Series } from './lib/svg-chart.ts';

export interface ScoreCostRow {
  label: string;
  dataset: string;
  load1: number;
  pixels: number;
  ions: number;
  peaks: number;
  scoreCpuS: number;
  loadCpuS: number;
  segmentLoads: number;
  tasks: number;
}

/** Least-squares slope of log y against log x. */
export function logSlope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const xs = points.map((p) => Math.log(p.x));
  const ys = points.map((p) => Math.log(p.y));
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  return sxy / sxx;
}

/** Per label, the last row of each dataset, ordered by work. */
export function costSeries(rows: readonly ScoreCostRow[]): { label: string; rows: ScoreCostRow[] }[] {
  const labels = [...new Set(rows.map((r) => r.label))];
  return labels.map((label) => {
    const last = new Map<string, ScoreCostRow>();
    for (const r of rows) if (r.label === label) last.set(r.dataset, r);
    return { label, rows: [...last.values()].sort((a, b) => a.pixels * a.ions - b.pixels * b.ions) };
  });
}

export function buildScoreCostChart(rows: readonly ScoreCostRow[]): { svg: string; md: string } {
  const groups = costSeries(rows);
  const series: Series[] = groups.map((g, i) => ({
    name: `${g.label}: score kernel CPU`,
    color: PALETTE[i % PALETTE.length],
    points: g.rows.map((r) => ({ x: r.pixels * r.ions, y: r.scoreCpuS })),
  }));
  groups.forEach((g, i) => {
    const pts = g.rows.map((r) => ({ x: r.pixels * r.ions, y: r.scoreCpuS + r.loadCpuS }));
    if (pts.some((p, j) => p.y !== series[i].points[j].y)) {
      series.push({ name: `${g.label}: + segment loads`, color: PALETTE[i % PALETTE.length], dash: '6 4', points: pts });
    }
  });
  // slope-1 guide through the last point of the last label: points on it cost the same per ion × pixel
  const ref = groups.at(-1)?.rows.at(-1);
  const all = groups.flatMap((g) => g.rows);
  if (ref && all.length > 1) {
    const k = ref.scoreCpuS / (ref.pixels * ref.ions);
    const xs = all.map((r) => r.pixels * r.ions);
    series.push({ name: 'linear in pixels × ions', color: '#7f7f7f', dash: '2 4', points: [Math.min(...xs), Math.max(...xs)].map((x) => ({ x, y: k * x })) });
  }
  const svg = lineChart({
    title: 'score stage: CPU seconds against pixels × ions',
    subtitle: 'bench/score-kernel.ts: every score task of the job inline in one thread; CoreMetabolome v3, +H/+Na/+K, 20 decoys',
    xLabel: 'sample pixels × ions scored',
    yLabel: 'CPU time (s)',
    logX: true,
    logY: true,
    series,
  });
  const md = [
    '| kernel | dataset | pixels | ions | peaks | score CPU s | ns per ion × pixel | segment loads (CPU s) | load (1 min) |',
    '|---|---|---|---|---|---|---|---|---|',
    ...groups.flatMap((g) =>
      g.rows.map(
        (r) =>
          `| ${g.label} | ${r.dataset} | ${r.pixels.toLocaleString('en')} | ${r.ions.toLocaleString('en')} | ${(r.peaks / 1e6).toFixed(1)} M | ${r.scoreCpuS.toFixed(2)} | ${((r.scoreCpuS / (r.pixels * r.ions)) * 1e9).toFixed(3)} | ${r.segmentLoads} (${r.loadCpuS.toFixed(2)}) | ${r.load1.toFixed(1)} |`,
      ),
    ),
    '',
    ...groups.map((g) => `- ${g.label}: CPU ∝ (pixels × ions)^${logSlope(g.rows.map((r) => ({ x: r.pixels * r.ions, y: r.scoreCpuS }))).toFixed(2)} over ${g.rows.length} sizes`),
  ].join('\n');
  return { svg, md };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const here = dirname(fileURLToPath(import.meta.url));
  const rows = JSON.parse(readFileSync(join(here, 'results/score-cost.json'), 'utf8')) as ScoreCostRow[];
  const { svg, md } = buildScoreCostChart(rows);
  writeFileSync(join(here, 'chart-score-cost.svg'), svg);
  writeFileSync(join(here, 'results/score-cost.md'), `${md}\n`);
  process.stdout.write(`${md}\n`);
}
