// Charts and scaling fits from the machine-readable results (bench/results/{typical,interactive,interactive-sizes,large}.json):
// bench/chart.svg (log-log time against pixels, per stage and total, 1 vs 2 workers), bench/chart-ions.svg (time
// against ion formulas), and bench/results/scaling.md (power-law exponents fitted to the same points).
// Run by `npm run bench` after the scenarios, or alone: `npx tsx bench/chart.ts`.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lineChart, PALETTE, type Series } from './lib/svg-chart.ts';
import { powerFit } from './lib/util.ts';
import type { BenchRow } from './lib/rows.ts';

interface Results { rows: BenchRow[]; quick?: boolean }

export function loadRows(resultsDir: string): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const name of ['typical', 'interactive', 'interactive-sizes', 'large']) {
    const f = join(resultsDir, `${name}.json`);
    if (!existsSync(f)) continue;
    const r = JSON.parse(readFileSync(f, 'utf8')) as Results;
    if (!r.quick) rows.push(...r.rows);
  }
  return rows;
}

const secs = (ms: number) => ms / 1000;
const isCached = (r: BenchRow) => r.cache === 'cached';
const STAGE_COLOR: Record<string, string> = { total: PALETTE[0]!, score: PALETTE[1]!, ions: PALETTE[2]!, centroids: PALETTE[3]!, ingest: PALETTE[4]!, plan: PALETTE[5]!, cpu: PALETTE[7]! };

/** The series of both charts, from benchmark rows (exported for the unit test). */
export function chartSeries(rows: readonly BenchRow[]): { pixels: Series[]; ions: Series[]; pixelsDb: string; ionsDataset: string } {
  // time against pixels: the typical job (HMDB), cached rows, per workers
  const hmdb = rows.filter((r) => r.scenario === 'typical' && /HMDB/.test(r.db));
  const pixels: Series[] = [];
  for (const workers of [2, 1]) {
    const sel = hmdb.filter((r) => isCached(r) && r.workers === workers);
    const dash = workers === 1 ? '6 4' : undefined;
    pixels.push({ name: `total, ${workers} worker${workers > 1 ? 's' : ''}`, color: STAGE_COLOR.total, dash, points: sel.map((r) => ({ x: r.pixels, y: secs(r.totalMs) })) });
    pixels.push({ name: `score, ${workers} worker${workers > 1 ? 's' : ''}`, color: STAGE_COLOR.score, dash, points: sel.map((r) => ({ x: r.pixels, y: secs(r.stages.score) })) });
    pixels.push({ name: `ions, ${workers} worker${workers > 1 ? 's' : ''}`, color: STAGE_COLOR.ions, dash, points: sel.map((r) => ({ x: r.pixels, y: secs(r.stages.ions) })) });
    // CPU time of the whole process: what the job costs, much less inflated than wall time by other load
    if (sel.some((r) => r.cpuMs > 0)) pixels.push({ name: `process CPU, ${workers} worker${workers > 1 ? 's' : ''}`, color: STAGE_COLOR.cpu, dash, points: sel.map((r) => ({ x: r.pixels, y: secs(r.cpuMs) })) });
  }
  // ingest runs once per dataset (cold rows) and does not depend on the DB: every scenario's datasets with ~1,100 peaks/px
  const ingest = rows.filter((r) => r.cache.startsWith('cold') && !r.cache.includes('cached dataset') && r.peaks / r.pixels > 800);
  pixels.push({ name: 'ingest (cold, 1 thread)', color: STAGE_COLOR.ingest, points: ingest.map((r) => ({ x: r.pixels, y: secs(r.stages.ingest) })) });

  // time against ions: the smallest typical dataset with three DBs (cached) + centroid computation on every cold row
  const smallest = Math.min(...rows.filter((r) => r.scenario === 'typical').map((r) => r.pixels));
  const onSmall = rows.filter((r) => r.scenario === 'typical' && r.pixels === smallest && isCached(r));
  const ions: Series[] = [];
  for (const workers of [2, 1]) {
    const sel = onSmall.filter((r) => r.workers === workers);
    const dash = workers === 1 ? '6 4' : undefined;
    ions.push({ name: `total, ${workers} worker${workers > 1 ? 's' : ''}`, color: STAGE_COLOR.total, dash, points: sel.map((r) => ({ x: r.ionFormulas, y: secs(r.totalMs) })) });
    ions.push({ name: `score, ${workers} worker${workers > 1 ? 's' : ''}`, color: STAGE_COLOR.score, dash, points: sel.map((r) => ({ x: r.ionFormulas, y: secs(r.stages.score) })) });
    if (sel.some((r) => r.cpuMs > 0)) ions.push({ name: `process CPU, ${workers} worker${workers > 1 ? 's' : ''}`, color: STAGE_COLOR.cpu, dash, points: sel.map((r) => ({ x: r.ionFormulas, y: secs(r.cpuMs) })) });
  }
  ions.push({ name: 'ions stage (1 thread)', color: STAGE_COLOR.ions, points: onSmall.filter((r) => r.workers === 2).map((r) => ({ x: r.ionFormulas, y: secs(r.stages.ions) })) });
  // centroids are computed on the cold rows where they were not cached
  const coldCentroids = rows.filter((r) => r.cache.startsWith('cold') && !r.cache.includes('cached centroids'));
  ions.push({ name: 'centroids, computed (2 workers)', color: STAGE_COLOR.centroids, points: coldCentroids.map((r) => ({ x: r.ionFormulas, y: secs(r.stages.centroids) })) });
  return { pixels, ions, pixelsDb: hmdb[0]?.db ?? 'HMDB', ionsDataset: `${onSmall[0]?.dataset ?? '?'} dataset (${onSmall[0]?.pixels.toLocaleString('en') ?? '?'} px)` };
}

/** Scaling exponents (time ∝ x^b) of each series, as a markdown section. */
export function scalingMarkdown(s: ReturnType<typeof chartSeries>): string {
  const line = (axis: string, ser: Series) => {
    const f = powerFit(ser.points);
    return `| ${axis} | ${ser.name} | ${f.n} | ${Number.isFinite(f.exponent) ? f.exponent.toFixed(2) : '–'} |`;
  };
  return `## scaling — power-law fits to the benchmark rows (bench/chart.ts)

Least-squares slope of log(time) against log(x) over the points of each chart series: time ∝ x^b (b = 1 linear).
Pixels: ${s.pixelsDb} job on the typical datasets (peaks grow with pixels, ~1,100 per pixel, so the pixel exponent is also
the peak exponent); ions: the ${s.ionsDataset} with mol_db5, CoreMetabolome and HMDB, plus every cold centroid
computation. Few points and a shared machine: when the rows' load average exceeds the 2 cores, other jobs inflate the
wall times (differently from row to row), and the "process CPU" series (user + system time of the whole process) are the
ones to read for scaling.

![time against pixels](chart.svg) ![time against ions](chart-ions.svg)

| against | series | points | exponent b |
|---|---|---|---|
${s.pixels.map((x) => line('pixels', x)).join('\n')}
${s.ions.map((x) => line('ion formulas', x)).join('\n')}`;
}

export function buildCharts(resultsDir: string, outDir: string): void {
  const rows = loadRows(resultsDir);
  if (!rows.length) return;
  const s = chartSeries(rows);
  writeFileSync(join(outDir, 'chart.svg'), lineChart({
    title: 'imzlens annotate: time against dataset pixels',
    subtitle: `${s.pixelsDb}, +H/+Na/+K, 20 decoys, centroids cached; medians (Node CLI)`,
    xLabel: 'sample pixels (spectra)', yLabel: 'wall time or CPU time (s)', logX: true, logY: true, series: s.pixels,
  }));
  writeFileSync(join(outDir, 'chart-ions.svg'), lineChart({
    title: 'imzlens annotate: time against ion formulas',
    subtitle: `${s.ionsDataset}; centroids: every cold run (any dataset)`,
    xLabel: 'ion formulas (targets + decoys)', yLabel: 'wall time or CPU time (s)', logX: true, logY: true, series: s.ions,
  }));
  writeFileSync(join(resultsDir, 'scaling.md'), `${scalingMarkdown(s)}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const here = dirname(fileURLToPath(import.meta.url));
  buildCharts(join(here, 'results'), here);
}
