// One benchmark row = the median of several `imzlens annotate` runs of the same job; the markdown table and
// the JSON record (read by bench/chart.ts) are both made from it.
import { median, sec, int } from './util.ts';
import { stage, recallCell, type AnnotateRun, type RecallSummary } from './annotate-cli.ts';

export const STAGES = ['ingest', 'ions', 'centroids', 'plan', 'score', 'fdr'] as const;
export type StageName = (typeof STAGES)[number];

export interface BenchRow {
  scenario: string;
  /** Dataset label, e.g. "40k". */
  dataset: string;
  pixels: number;
  peaks: number;
  db: string;
  /** Distinct ion formulas (targets + decoys) of the job. */
  ionFormulas: number;
  /** Ions that went to the score stage (those with a peak in the dataset's m/z range). */
  scored: number;
  workers: number;
  runs: number;
  /** 'cold' = dataset ingested and centroids computed in this run; 'warm' = both read from the caches. */
  cache: string;
  /** Median wall ms per stage. */
  stages: Record<StageName, number>;
  totalMs: number;
  /** Median wall ms of the whole process (Node start-up included): what a CLI user waits. */
  processMs: number;
  /** Median CPU ms of the process (user + system, all threads): less sensitive than wall time to other load. */
  cpuMs: number;
  peakRssMB: number;
  recall: RecallSummary | null;
  load: number[];
  /** Free-form note, e.g. the sample fraction. */
  note?: string;
}

export function summarise(scenario: string, dataset: string, db: string, workers: number, cache: string, runs: AnnotateRun[], note?: string): BenchRow {
  const s = runs[0]!.stats;
  const stages = Object.fromEntries(STAGES.map((n) => [n, median(runs.map((r) => stage(r.stats, n)))])) as Record<StageName, number>;
  return {
    scenario, dataset, db, workers, cache, note,
    pixels: s.dataset.spectra,
    peaks: s.dataset.peaks,
    ionFormulas: s.counts.ionFormulas,
    scored: s.stages.find((x) => x.stage === 'score')?.items ?? s.counts.scored,
    runs: runs.length,
    stages,
    totalMs: median(runs.map((r) => r.stats.wallMs)),
    processMs: median(runs.map((r) => r.processMs)),
    cpuMs: median(runs.map((r) => r.stats.cpuMs)),
    peakRssMB: Math.max(...runs.map((r) => r.stats.peakRssMB)),
    recall: runs[runs.length - 1]!.recall,
    load: runs[runs.length - 1]!.load,
  };
}

export const TABLE_HEAD = `| dataset | DB | workers | runs | caches | ion formulas | ingest s | ions s | centroids s | plan s | score s | fdr s | total s | CPU s | score ions/s | score M peaks/s | peak RSS MB | found at FDR 10 % | found at FDR 20 % | other annotations at 10 % / 20 % (false · explained) | load (1 min) |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|`;

export function tableRow(r: BenchRow): string {
  const score = r.stages.score / 1000;
  const l10 = r.recall?.levels.find((l) => l.fdr === 0.1);
  const l20 = r.recall?.levels.find((l) => l.fdr === 0.2);
  const other = (l: typeof l10) => (l ? `${l.false} · ${l.alias + l.overlap + l.background}` : '–');
  return `| ${r.dataset} (${int(r.pixels)} px, ${(r.peaks / 1e6).toFixed(1)} M peaks) | ${r.db} | ${r.workers} | ${r.runs} | ${r.cache} | ${int(r.ionFormulas)} | ` +
    `${STAGES.map((n) => sec(r.stages[n])).join(' | ')} | ${sec(r.totalMs)} | ${sec(r.cpuMs)} | ${int(r.scored / score)} | ${(r.peaks / 1e6 / score).toFixed(1)} | ` +
    `${int(r.peakRssMB)} | ${recallCell(r.recall, 0.1)} | ${recallCell(r.recall, 0.2)} | ${other(l10)} / ${other(l20)} | ${r.load[0]?.toFixed(1) ?? '–'} |`;
}

export const TABLE_NOTES = `Times are medians of the stated runs, wall clock, per stage as \`imzlens annotate\` reports them (stats.json);
"total" is the pipeline's wall time, without Node start-up; "CPU s" = user + system CPU time of the whole process (all
threads), which other jobs on the machine inflate much less than wall time. "score ions/s" = ions sent to the score stage ÷ score time
(all workers together); "score M peaks/s" = the dataset's peaks ÷ score time. Peak RSS = the largest of the runs (whole
process; workers are threads in it). Recall columns: planted ions (from the simulator's truth CSV) annotated at that
FDR; "other annotations": false = nothing planted near that m/z, explained = the same ion formula as a planted ion,
a planted isotope peak or a background peak within ppm + the simulator's m/z error (src/core/sim/recall.ts).`;
