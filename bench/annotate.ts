// `npm run bench -- annotate [--quick]`: the METASPACE v1 pipeline on generated datasets of 10k, 40k and 100k
// sample pixels (~1,000 peaks per pixel), the small DB (mol_db5, 388 formulas) and HMDB (mol_db1, 11,592),
// +H,+Na,+K, 20 decoys, 1 vs 2 workers. Every run is its own `imzlens annotate` process (so peak RSS is per
// run); datasets and centroids are cached after the first run, scores are recomputed each time.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import type { BenchContext } from './run.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const cli = join(repo, 'bin/imzlens.mjs');
const dataDir = join(here, 'data', 'annotate');
const cacheDir = join(dataDir, 'cache');
const shared = resolve(repo, '../shared/data/lithops_metaspace');

interface Stats {
  stages: { stage: string; wallMs: number; items?: number }[];
  wallMs: number;
  cpuMs: number;
  peakRssMB: number;
  dataset: { spectra: number; peaks: number; width: number; height: number };
  counts: { ionFormulas: number; scored: number; annotated: number; fdr10: number };
}

// grid sizes whose simulated tissue covers about the stated number of sample pixels
const SIZES = [
  { label: '10k', side: 150 },
  { label: '40k', side: 300 },
  { label: '100k', side: 472 },
];

function simulate(label: string, side: number, log: (s: string) => void): string {
  const prefix = join(dataDir, `sim-${label}`);
  if (existsSync(`${prefix}.imzML`) && existsSync(`${prefix}.ibd`)) return `${prefix}.imzML`;
  mkdirSync(dataDir, { recursive: true });
  log(`generating ${label} dataset (${side}×${side} grid)…`);
  execFileSync('node', [cli, 'simulate', '--width', String(side), '--height', String(side), '--db', join(shared, 'mol_db5.csv'),
    '--n-true', '60', '--noise-peaks', '950', '--sigma', '0.000619', '--seed', '7', '--out', prefix], { stdio: ['ignore', 'ignore', 'inherit'] });
  return `${prefix}.imzML`;
}

function annotate(imzml: string, db: string, workers: number): Stats {
  const out = join(dataDir, 'out');
  rmSync(out, { recursive: true, force: true });
  execFileSync('node', [cli, 'annotate', '--imzml', imzml, '--db', db, '--adducts', '+H,+Na,+K', '--polarity', '+',
    '--sigma', '0.000619', '--ppm', '3', '--decoys', '20', '--out', out, '--workers', String(workers), '--no-output',
    '--no-score-cache', '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, IMZLENS_CACHE_DIR: cacheDir } });
  return JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as Stats;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const stage = (s: Stats, name: string) => s.stages.find((x) => x.stage === name)?.wallMs ?? NaN;
const sec = (ms: number) => (ms / 1000).toFixed(2);

export async function run(ctx: BenchContext): Promise<void> {
  const sizes = ctx.quick ? SIZES.slice(0, 1) : SIZES;
  const dbs = ctx.quick ? [['small (mol_db5)', 'mol_db5.csv']] : [['small (mol_db5)', 'mol_db5.csv'], ['HMDB (mol_db1)', 'mol_db1.csv']];
  const runs = 3;
  const rows: string[] = [];
  for (const { label, side } of sizes) {
    const imzml = simulate(label, side, ctx.log);
    for (const [dbLabel, dbFile] of dbs) {
      const db = join(shared, dbFile);
      annotate(imzml, db, 2); // warm the dataset and centroid caches
      for (const workers of [1, 2]) {
        const heavy = !ctx.quick && label === '100k' && dbFile === 'mol_db1.csv';
        const n = heavy ? 1 : runs;
        const all: Stats[] = [];
        for (let r = 0; r < n; r++) all.push(annotate(imzml, db, workers));
        const s = all[0];
        const score = median(all.map((x) => stage(x, 'score')));
        const total = median(all.map((x) => x.wallMs));
        const scored = s.stages.find((x) => x.stage === 'score')?.items ?? s.counts.scored;
        const perCore = scored / (score / 1000) / workers;
        ctx.log(`${label} × ${dbLabel}, ${workers} worker(s): score ${sec(score)} s, ${Math.round(perCore)} ions/s/core`);
        rows.push(`| ${label} (${s.dataset.spectra} spectra, ${(s.dataset.peaks / 1e6).toFixed(1)} M peaks) | ${dbLabel} | ${workers} | ${n} | ${s.counts.ionFormulas} | ${sec(median(all.map((x) => stage(x, 'ions'))))} | ${sec(median(all.map((x) => stage(x, 'plan'))))} | ${sec(score)} | ${sec(median(all.map((x) => stage(x, 'fdr'))))} | ${sec(total)} | ${Math.round(perCore).toLocaleString('en')} | ${Math.round(Math.max(...all.map((x) => x.peakRssMB)))} | ${s.counts.fdr10} |`);
        writeTable(ctx, rows); // a long full run leaves its finished rows behind
      }
    }
  }
  writeTable(ctx, rows);
}

function writeTable(ctx: BenchContext, rows: string[]): void {
  ctx.write(`## annotate — the METASPACE v1 pipeline (Node CLI)

Generated processed datasets (\`imzlens simulate\`, ~1,000 peaks per spectrum, 60 planted ions), +H,+Na,+K, 20 decoys,
sigma 0.000619, 3 ppm. Datasets and centroids cached (the first run of each row warms them); the score stage is
recomputed every run. Load average when written: ${loadavg().map((x) => x.toFixed(1)).join(' / ')}. Times are medians of the stated runs, wall clock, per stage; "ions/s/core" = ion formulas in
score tasks ÷ score time ÷ workers; RSS = peak of the whole \`imzlens annotate\` process (workers are threads in it).

| dataset | DB | workers | runs | ion formulas | ions s | plan s | score s | fdr s | total s | ions/s/core | peak RSS MB | FDR ≤ 10 % |
|---|---|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}
`);
}
