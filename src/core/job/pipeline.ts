// The METASPACE annotation pipeline as a chain of stages (cf. the engine's annotation_lithops), one file each
// under ./stages:
//   ions (targets + seeded decoys per DB) → centroids (cached) → plan (group ions by the dataset segments
//   their windows touch) → score (Executor.map over tasks) → rank (the version's scoring model) → fdr (the
//   version's FDR method per DB and target modifier) → result rows.
// Pure core: the executor decides where tasks run (inline, worker_threads, Web Workers, Lambda).
import type { CentroidTable, DatasetMeta } from '../types.ts';
import type { SegmentStore } from '../store.ts';
import type { Executor } from './executor.ts';
import type { JobParams, JobResult } from './result.ts';
import type { MolDb } from '../chem/moldb.ts';
import type { IonTable } from '../chem/ion-table.ts';
import type { CentroidCache } from '../chem/centroid-cache.ts';
import type { ScoreResult } from '../score/score-ions.ts';
import { fdrMethodFor, isAnalysisVersion, modelProblem, scoringModelFor, ANALYSIS_VERSIONS } from '../score/models/index.ts';
import { StageRunner, type Progress, type StageCache } from './stages/run-stage.ts';
import { ionsStage } from './stages/ions.ts';
import { centroidsStage } from './stages/centroids.ts';
import { planStage } from './stages/plan.ts';
import { plannedIons, scoreStage } from './stages/score.ts';
import { rankStage } from './stages/rank.ts';
import { fdrStage, orderRows } from './stages/fdr.ts';

export type { Progress, StageCache };
export { concatCentroidTables } from './stages/centroids.ts';

export interface AnnotationOptions {
  store: SegmentStore;
  meta: DatasetMeta;
  mask: Uint8Array;
  dbs: MolDb[];
  params: JobParams;
  executor: Executor;
  centroidCache?: CentroidCache;
  stageCache?: StageCache;
  /** Each finished score task, kept as it completes so an interrupted run skips it (default: stageCache). */
  taskCache?: StageCache;
  onProgress?(p: Progress): void;
  signal?: AbortSignal;
  /** Upper bound of ions per score task (default: balances tasks over the executor's workers). */
  maxIonsPerTask?: number;
}

/** Per-ion arrays of the whole job (targets and decoys of all DBs), for `--all-ions` and diagnostics. */
export interface IonDetails {
  ions: string[];
  isTarget: Uint8Array;
  centroids: CentroidTable;
  centroidErrors: (string | null)[];
  scores: ScoreResult;
  tables: IonTable[];
}

export async function runAnnotation(opts: AnnotationOptions): Promise<JobResult> {
  return (await runAnnotationDetailed(opts)).result;
}

export async function runAnnotationDetailed(opts: AnnotationOptions): Promise<{ result: JobResult; details: IonDetails }> {
  const { meta, params, signal, executor } = opts;
  validateParams(params);
  if (opts.dbs.length === 0) throw new Error('no molecular database selected: choose at least one');
  const model = scoringModelFor(params.analysisVersion, params.scoringModel);
  const fdrMethod = fdrMethodFor(params.analysisVersion);
  // model data (v3: ~1 MB) loads while the ions are scored; awaited before ranking
  const prepared = Promise.resolve(model.prepare?.());
  prepared.catch(() => {}); // reported where it is awaited
  const run = new StageRunner(opts.onProgress, signal);

  const { tables, ions, isTarget } = await run.run('ions', () => ionsStage(opts.dbs, params), (o) => o.ions.length, 'ion formulas');

  const charge = params.polarity === '+' ? 1 : -1;
  const { table: centroids, errors: centroidErrors } = await run.run(
    'centroids',
    () => centroidsStage({ ions, charge, sigma: params.sigma, analysisVersion: params.analysisVersion, instrument: params.instrument, executor, cache: opts.centroidCache, signal, onProgress: (d, t) => run.progress('centroids', d, t) }),
    () => ions.length,
    'ion formulas',
  );

  const tasks = await run.run(
    'plan',
    () => planStage({ centroids, meta, mask: opts.mask, ppm: params.ppm, isTarget, maxIonsPerTask: opts.maxIonsPerTask, workers: executor.concurrency }),
    (t) => t.length,
    'tasks',
  );

  const scores = await run.run(
    'score',
    () => scoreStage({ nIons: ions.length, tasks, meta, centroids, isTarget, ppm: params.ppm, spatial: model.spatial, executor, cache: opts.stageCache, taskCache: opts.taskCache ?? opts.stageCache, signal, onProgress: (d, t) => run.progress('score', d, t) }),
    () => plannedIons(tasks),
    'ions',
  );

  await prepared;
  // rank and FDR share the 'fdr' stage stat (the UI and the bench read these stage names)
  const rows = await run.run(
    'fdr',
    () => fdrStage({ dbs: opts.dbs, tables, ions, centroids, scores, ranked: rankStage(model, scores), method: fdrMethod, polarity: params.polarity }),
    (r) => r.length,
    'rows',
  );
  orderRows(rows);

  const nDecoys = ions.length - isTarget.reduce((s, v) => s + v, 0);
  const result: JobResult = {
    version: 1,
    datasetId: meta.id,
    datasetName: meta.name,
    params,
    createdAt: new Date().toISOString(),
    rows,
    stats: {
      stages: run.stats,
      ionFormulas: ions.length,
      targets: ions.length - nDecoys,
      decoys: nDecoys,
      scored: scores.scored.reduce((s, v) => s + v, 0),
      annotatedAt10: rows.filter((r) => r.fdr <= 0.1).length,
      executor: executor.name,
      workers: executor.concurrency,
    },
  };
  return { result, details: { ions, isTarget, centroids, centroidErrors, scores, tables } };
}

export function validateParams(p: JobParams): void {
  const bad: string[] = [];
  if (!(p.sigma > 0) || !Number.isFinite(p.sigma)) bad.push(`sigma must be a positive number of Da (got ${p.sigma})`);
  if (!(p.ppm > 0) || !Number.isFinite(p.ppm)) bad.push(`ppm must be a positive number (got ${p.ppm})`);
  if (!Number.isInteger(p.decoys) || p.decoys < 1 || p.decoys > 80) bad.push(`decoys must be a whole number from 1 to 80 (got ${p.decoys})`);
  if (p.polarity !== '+' && p.polarity !== '-') bad.push(`polarity must be '+' or '-' (got ${JSON.stringify(p.polarity)})`);
  if (!Array.isArray(p.adducts) || p.adducts.length === 0) bad.push('at least one adduct is needed (e.g. +H,+Na,+K or -H,+Cl)');
  if (!isAnalysisVersion(p.analysisVersion)) {
    bad.push(`analysisVersion ${JSON.stringify(p.analysisVersion)} is not available (available: ${ANALYSIS_VERSIONS.map((a) => a.version).join(', ')})`);
  } else {
    const problem = modelProblem(p.analysisVersion, p.scoringModel);
    if (problem) bad.push(problem);
  }
  if (bad.length) throw new Error(`invalid job parameters: ${bad.join('; ')}`);
}
