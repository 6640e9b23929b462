// Runs `imzlens annotate` as its own process (so peak RSS is per run) and reads back its stats.json, plus the
// recall of the planted ions when the dataset was made by `imzlens simulate` (truth CSV next to the imzML).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { parseAnnotationCsv, type AnnotationRow } from '../../src/core/sim/annotations.ts';
import { parseTruthCsv, computeRecall } from '../../src/core/sim/recall.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, '../..');
export const cli = join(repo, 'bin/imzlens.mjs');
/** Read-only reference data next to the repo (CI clones the repo next to a copy of shared/). */
export const shared = resolve(repo, '../shared/data/lithops_metaspace');

export interface StageStat { stage: string; wallMs: number; items?: number; unit?: string }

export interface AnnotateStats {
  stages: StageStat[];
  wallMs: number;
  cpuMs: number;
  peakRssMB: number;
  dataset: { name: string; spectra: number; peaks: number; width: number; height: number; cached: boolean };
  databases: { name: string; formulas: number }[];
  counts: { ionFormulas: number; targets: number; decoys: number; scored: number; annotated: number; fdr10: number; fdr20: number };
}

export interface RecallSummary {
  planted: number;
  /** Per FDR level (0.1, 0.2): planted ions found, recall, and annotations that are not planted ions by kind. */
  levels: { fdr: number; found: number; recall: number; annotated: number; alias: number; overlap: number; background: number; false: number }[];
}

export interface AnnotateRun {
  stats: AnnotateStats;
  recall: RecallSummary | null;
  /** Wall time of the whole child process, including Node start-up and module loading. */
  processMs: number;
  load: number[];
}

export type AnnotateJob =
  | { kind: 'flags'; imzml: string; dbs: string[]; adducts: string; sigma: number; ppm?: number; decoys?: number }
  | { kind: 'configs'; imzml: string; dsConfig: string; dbConfig: string };

export function stage(s: AnnotateStats, name: string): number {
  return s.stages.find((x) => x.stage === name)?.wallMs ?? NaN;
}

/** One `imzlens annotate` run; the score stage is always recomputed (--no-score-cache). */
/** `o.cli`: another checkout's bin/imzlens.mjs (bench interactive --baseline); default this one's. */
export function annotate(job: AnnotateJob, o: { workers: number; cacheDir: string; outDir: string; cli?: string }): AnnotateRun {
  rmSync(o.outDir, { recursive: true, force: true });
  const common = ['--workers', String(o.workers), '--no-output', '--no-score-cache', '--quiet'];
  const args = job.kind === 'flags'
    ? ['annotate', '--imzml', job.imzml, ...job.dbs.flatMap((d) => ['--db', d]), '--adducts', job.adducts, '--polarity', '+',
      '--sigma', String(job.sigma), '--ppm', String(job.ppm ?? 3), '--decoys', String(job.decoys ?? 20), '--out', o.outDir, ...common]
    : ['annotate', job.dsConfig, job.dbConfig, o.outDir, ...common];
  const t0 = performance.now();
  try {
    execFileSync('node', [o.cli ?? cli, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, IMZLENS_CACHE_DIR: o.cacheDir },
      maxBuffer: 64 << 20,
    });
  } catch (e) {
    const err = e as { stderr?: Buffer; status?: number };
    throw new Error(`bench: 'imzlens ${args.join(' ')}' failed (exit ${err.status}): ${err.stderr?.toString().trim().split('\n').slice(-5).join(' | ')}`);
  }
  const processMs = performance.now() - t0;
  const stats = JSON.parse(readFileSync(join(o.outDir, 'stats.json'), 'utf8')) as AnnotateStats;
  const truth = job.imzml.replace(/\.imzML$/i, '.truth.csv');
  const recall = existsSync(truth) ? recallOf(readFileSync(join(o.outDir, 'results.csv'), 'utf8'), readFileSync(truth, 'utf8')) : null;
  return { stats, recall, processMs, load: loadavg() };
}

/**
 * Recall of the planted ions from a results.csv. With several databases an ion can appear once per database;
 * it counts once, at its best (lowest) FDR, so recall and the false-annotation counts are per distinct ion.
 */
export function recallOf(resultsCsv: string, truthCsv: string): RecallSummary {
  const table = parseAnnotationCsv(resultsCsv, 'results.csv');
  const best = new Map<string, AnnotationRow>();
  for (const r of table.rows) {
    const prev = best.get(r.key);
    if (!prev || r.fdr < prev.fdr) best.set(r.key, r);
  }
  const rows = [...best.values()];
  const rep = computeRecall(parseTruthCsv(truthCsv), rows, { levels: [0.1, 0.2] });
  return {
    planted: rep.nPlanted,
    levels: rep.levels.map((l) => ({
      fdr: l.fdr, found: l.found, recall: l.recall,
      annotated: rows.filter((r) => r.fdr <= l.fdr + 1e-9).length,
      alias: l.alias, overlap: l.overlap, background: l.background, false: l.false,
    })),
  };
}

/** "found/planted (recall) · false" for FDR 10 % and 20 %. */
export function recallCell(r: RecallSummary | null, fdr: number): string {
  const l = r?.levels.find((x) => Math.abs(x.fdr - fdr) < 1e-9);
  if (!r || !l) return '–';
  return `${l.found}/${r.planted} (${(l.recall * 100).toFixed(0)} %)`;
}

export function extraCell(r: RecallSummary | null, fdr: number): string {
  const l = r?.levels.find((x) => Math.abs(x.fdr - fdr) < 1e-9);
  if (!r || !l) return '–';
  return `${l.false} false · ${l.alias + l.overlap + l.background} explained`;
}

/** `imzlens simulate` into PREFIX unless PREFIX.imzML/.ibd/.truth.csv exist from an earlier run with the same arguments. */
export function simulate(prefix: string, o: { side: number; db: string; nTrue: number; noisePeaks: number; seed: number }, log: (s: string) => void): string {
  const args = ['simulate', '--width', String(o.side), '--height', String(o.side), '--db', o.db, '--n-true', String(o.nTrue),
    '--noise-peaks', String(o.noisePeaks), '--sigma', '0.000619', '--seed', String(o.seed), '--out', prefix, '--quiet'];
  const stamp = `${prefix}.args.json`;
  // paths relative to the repo and the data dir, so a dataset made by another checkout (or copied in) is reused
  const want = JSON.stringify(args.map((a) => (a === o.db ? relative(repo, a) : a === prefix ? basename(a) : a)));
  if (['.imzML', '.ibd', '.truth.csv'].every((x) => existsSync(prefix + x)) && existsSync(stamp) && readFileSync(stamp, 'utf8') === want) {
    return `${prefix}.imzML`;
  }
  log(`generating ${prefix} (${o.side}×${o.side} grid, planted from ${o.db})…`);
  execFileSync('node', [cli, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  writeFileSync(stamp, want);
  return `${prefix}.imzML`;
}
