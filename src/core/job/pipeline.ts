// The METASPACE v1 annotation pipeline as a sequence of explicit stages (cf. the engine's annotation_lithops):
//   ions (targets + seeded decoys per DB) → centroids (cached) → plan (group ions by the dataset segments
//   their windows touch) → score (Executor.map over tasks) → FDR per DB and target modifier → result rows.
// Pure core: the executor decides where tasks run (inline, worker_threads, Web Workers, Lambda).
import type { CentroidTable, DatasetMeta } from '../types.ts';
import type { SegmentStore } from '../store.ts';
import type { Executor } from './executor.ts';
import { CancelledError } from './executor.ts';
import type { AnnotationRow, JobParams, JobResult, StageStat } from './result.ts';
import type { MolDb } from '../chem/moldb.ts';
import { buildJobIonTables, type IonTable } from '../chem/ion-table.ts';
import { computeCentroidTable, roundSigma, CENTROID_ALGORITHM_VERSION, type CentroidTableResult } from '../chem/centroids.ts';
import { centroidCacheKey, type CentroidCache } from '../chem/centroid-cache.ts';
import type { CentroidsTaskInput } from './tasks.ts';
import { formatIon } from '../chem/ions.ts';
import { fdrV1 } from '../score/fdr.ts';
import type { ScoreResult } from '../score/score-ions.ts';
import type { ScoreTaskInput } from './score-task.ts';
import { planScoreTasks, type PlannedTask } from './plan.ts';
import { Hasher } from '../hash.ts';

export interface Progress {
  stage: string;
  done: number;
  total: number;
}

/** Caches whole stage outputs by a key of their inputs (Node: files; page: IndexedDB). */
export interface StageCache {
  get(key: string): Promise<unknown | undefined>;
  set(key: string, value: unknown): Promise<void>;
}

export interface AnnotationOptions {
  store: SegmentStore;
  meta: DatasetMeta;
  mask: Uint8Array;
  dbs: MolDb[];
  params: JobParams;
  executor: Executor;
  centroidCache?: CentroidCache;
  stageCache?: StageCache;
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

const NO_SCORE = Number.NaN;

export async function runAnnotation(opts: AnnotationOptions): Promise<JobResult> {
  return (await runAnnotationDetailed(opts)).result;
}

export async function runAnnotationDetailed(opts: AnnotationOptions): Promise<{ result: JobResult; details: IonDetails }> {
  const { meta, params, signal } = opts;
  validateParams(params);
  if (opts.dbs.length === 0) throw new Error('no molecular database selected: choose at least one');
  const stages: StageStat[] = [];
  const progress = (stage: string, done: number, total: number) => opts.onProgress?.({ stage, done, total });
  const check = () => {
    if (signal?.aborted) throw new CancelledError();
  };
  const timed = async <T>(stage: string, f: () => Promise<T> | T, items?: (out: T) => number, unit?: string): Promise<T> => {
    check();
    progress(stage, 0, 1);
    const t0 = now();
    const out = await f();
    stages.push({ stage, wallMs: now() - t0, items: items?.(out), unit });
    check();
    return out;
  };

  // 1. ions: targets and decoys per DB (decoy sampling is seeded per DB, as METASPACE does)
  const { tables, ions, isTarget } = await timed(
    'ions',
    (): MergedIons =>
      // one pass over all DBs with one de-duplicated ion list (no per-slot strings; see chem/ion-engine.ts)
      buildJobIonTables(
        opts.dbs.map((db) => db.formulas),
        {
          chemMods: params.chemMods,
          neutralLosses: params.neutralLosses,
          adducts: params.adducts,
          polarity: params.polarity,
          decoySampleSize: params.decoys,
        },
      ),
    (o) => o.ions.length,
    'ion formulas',
  );
  if (ions.length === 0) throw new Error('the databases and modifiers yield no ion formulas: check the formulas and adducts');

  // 2. centroids
  const charge = params.polarity === '+' ? 1 : -1;
  const { table: centroids, errors: centroidErrors } = await timed(
    'centroids',
    () => centroidsStage(ions, charge, params.sigma, opts.executor, opts.centroidCache, signal, (d, t) => progress('centroids', d, t)),
    () => ions.length,
    'ion formulas',
  );

  // 3. plan: ions with a peak inside the dataset's m/z range, grouped by the segments their windows touch
  const tasks: PlannedTask[] = await timed(
    'plan',
    () => planScoreTasks(centroids, meta, opts.mask, params.ppm, isTarget, opts.maxIonsPerTask ?? defaultTaskSize(ions.length, opts.executor.concurrency)),
    (t) => t.length,
    'tasks',
  );

  // 4. score (cached by dataset + ions + centroids + ppm)
  const scoreKey = new Hasher().string('score-v1').string(meta.id).string(String(meta.totalPeaks)).typed(centroids.mzs).typed(centroids.ints).typed(isTarget).number(params.ppm).hex();
  const scores = await timed(
    'score',
    async (): Promise<ScoreResult> => {
      const cached = (await opts.stageCache?.get(scoreKey)) as ScoreResult | undefined;
      if (cached && cached.n === ions.length) return cached;
      let done = 0;
      const total = tasks.length;
      progress('score', 0, total);
      const outputs = await opts.executor.map<ScoreTaskInput, ScoreResult>('score', tasks.map((t) => t.input), {
        signal,
        onProgress: (d) => {
          done = d;
          progress('score', done, total);
        },
      });
      const merged = mergeScores(ions.length, tasks.map((t) => t.ions), outputs);
      await opts.stageCache?.set(scoreKey, merged);
      return merged;
    },
    () => tasks.reduce((s, t) => s + t.ions.length, 0),
    'ions',
  );

  // 5. FDR per DB and target modifier, 6. result rows
  const rows = await timed('fdr', () => buildRows(opts.dbs, tables, ions, centroids, scores, params), (r) => r.length, 'rows');
  rows.sort((a, b) => a.fdr - b.fdr || b.msm - a.msm);

  const nDecoys = ions.length - isTarget.reduce((s, v) => s + v, 0);
  const result: JobResult = {
    version: 1,
    datasetId: meta.id,
    datasetName: meta.name,
    params,
    createdAt: new Date().toISOString(),
    rows,
    stats: {
      stages,
      ionFormulas: ions.length,
      targets: ions.length - nDecoys,
      decoys: nDecoys,
      scored: scores.scored.reduce((s, v) => s + v, 0),
      annotatedAt10: rows.filter((r) => r.fdr <= 0.1).length,
      executor: opts.executor.name,
      workers: opts.executor.concurrency,
    },
  };
  return { result, details: { ions, isTarget, centroids, centroidErrors, scores, tables } };
}

/** Isotope centroids of every ion formula: from the cache, else computed in chunks on the executor. */
async function centroidsStage(
  ions: string[],
  charge: 1 | -1,
  sigma: number,
  executor: Executor,
  cache: CentroidCache | undefined,
  signal: AbortSignal | undefined,
  onProgress: (done: number, total: number) => void,
): Promise<CentroidTableResult> {
  const key = centroidCacheKey(ions, charge, roundSigma(sigma), CENTROID_ALGORITHM_VERSION);
  const hit = await cache?.get(key);
  if (hit && hit.table.n === ions.length && hit.ionFormulas.every((f, i) => f === ions[i])) return { table: hit.table, errors: hit.errors };
  const chunk = Math.max(1000, Math.ceil(ions.length / (executor.concurrency * 6)));
  const inputs: CentroidsTaskInput[] = [];
  for (let i = 0; i < ions.length; i += chunk) inputs.push({ ions: ions.slice(i, i + chunk), charge, sigma });
  const parts = inputs.length === 1 ? [computeCentroidTable(ions, charge, sigma)] : await executor.map<CentroidsTaskInput, CentroidTableResult>('centroids', inputs, { signal, onProgress });
  const merged = concatCentroidTables(parts);
  await cache?.set(key, { ionFormulas: ions, table: merged.table, errors: merged.errors });
  return merged;
}

/** Concatenates chunk results in order (no argument spreading: a DB can give millions of ions). */
export function concatCentroidTables(parts: CentroidTableResult[]): CentroidTableResult {
  const n = parts.reduce((s, p) => s + p.table.n, 0);
  const table: CentroidTable = { n, mzs: new Float64Array(n * 4), ints: new Float64Array(n * 4), nPeaks: new Uint8Array(n) };
  const errors = new Array<string | null>(n);
  let o = 0;
  for (const p of parts) {
    table.mzs.set(p.table.mzs, o * 4);
    table.ints.set(p.table.ints, o * 4);
    table.nPeaks.set(p.table.nPeaks, o);
    for (let i = 0; i < p.table.n; i++) errors[o + i] = p.errors[i] ?? null;
    o += p.table.n;
  }
  return { table, errors };
}

export function validateParams(p: JobParams): void {
  const bad: string[] = [];
  if (!(p.sigma > 0) || !Number.isFinite(p.sigma)) bad.push(`sigma must be a positive number of Da (got ${p.sigma})`);
  if (!(p.ppm > 0) || !Number.isFinite(p.ppm)) bad.push(`ppm must be a positive number (got ${p.ppm})`);
  if (!Number.isInteger(p.decoys) || p.decoys < 1 || p.decoys > 80) bad.push(`decoys must be a whole number from 1 to 80 (got ${p.decoys})`);
  if (p.polarity !== '+' && p.polarity !== '-') bad.push(`polarity must be '+' or '-' (got ${JSON.stringify(p.polarity)})`);
  if (!Array.isArray(p.adducts) || p.adducts.length === 0) bad.push('at least one adduct is needed (e.g. +H,+Na,+K or -H,+Cl)');
  if (bad.length) throw new Error(`invalid job parameters: ${bad.join('; ')}`);
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

interface MergedIons {
  tables: IonTable[];
  ions: string[];
  isTarget: Uint8Array;
}

function defaultTaskSize(nIons: number, workers: number): number {
  // enough tasks for load balancing and progress, few enough that segment loading stays amortised
  return Math.max(500, Math.min(20_000, Math.ceil(nIons / (workers * 8))));
}

function mergeScores(n: number, groups: Int32Array[], outputs: ScoreResult[]): ScoreResult {
  const r: ScoreResult = {
    n,
    msm: new Float32Array(n).fill(NO_SCORE),
    msm64: new Float64Array(n).fill(NO_SCORE),
    chaos: new Float64Array(n).fill(NO_SCORE),
    spatial: new Float64Array(n).fill(NO_SCORE),
    spectral: new Float64Array(n).fill(NO_SCORE),
    mzErrAbs: new Float64Array(n).fill(NO_SCORE),
    mzErrRel: new Float64Array(n).fill(NO_SCORE),
    totalInt: new Float64Array(n * 4),
    minInt: new Float64Array(n * 4),
    maxInt: new Float64Array(n * 4),
    nPx: new Uint32Array(n * 4),
    scored: new Uint8Array(n),
  };
  groups.forEach((ids, t) => {
    const o = outputs[t];
    ids.forEach((g, j) => {
      r.scored[g] = o.scored[j];
      if (!o.scored[j]) return;
      r.msm[g] = o.msm[j];
      r.msm64![g] = o.msm64 ? o.msm64[j] : o.msm[j];
      r.chaos[g] = o.chaos[j];
      r.spatial[g] = o.spatial[j];
      r.spectral[g] = o.spectral[j];
      r.mzErrAbs[g] = o.mzErrAbs[j];
      r.mzErrRel[g] = o.mzErrRel[j];
      for (let k = 0; k < 4; k++) {
        r.totalInt[g * 4 + k] = o.totalInt[j * 4 + k];
        r.minInt[g * 4 + k] = o.minInt[j * 4 + k];
        r.maxInt[g * 4 + k] = o.maxInt[j * 4 + k];
        r.nPx[g * 4 + k] = o.nPx[j * 4 + k];
      }
    });
  });
  return r;
}

function buildRows(
  dbs: MolDb[],
  tables: IonTable[],
  ions: string[],
  centroids: CentroidTable,
  s: ScoreResult,
  params: JobParams,
): AnnotationRow[] {
  const rows: AnnotationRow[] = [];
  // FDR ranks the float64 product, as METASPACE does before it stores msm as float32
  const msm64 = s.msm64 ?? Float64Array.from(s.msm);
  const msmOf = (ion: number) => (ion >= 0 && s.scored[ion] ? msm64[ion] : NO_SCORE);
  dbs.forEach((db, d) => {
    const t = tables[d];
    const nF = db.formulas.length;
    const nTm = t.targetModifiers.length;
    const molecules = groupMolecules(db);
    for (let tm = 0; tm < nTm; tm++) {
      const targetMsm = new Float64Array(nF);
      const decoyMsm: Float64Array[] = [];
      for (let i = 0; i < t.k; i++) decoyMsm.push(new Float64Array(nF));
      for (let f = 0; f < nF; f++) {
        const row = f * nTm + tm;
        targetMsm[f] = msmOf(t.target[row]);
        for (let i = 0; i < t.k; i++) decoyMsm[i][f] = msmOf(t.decoys[row * t.k + i]);
      }
      const fdr = fdrV1(targetMsm, decoyMsm);
      const mod = t.targetModifiers[tm];
      for (let f = 0; f < nF; f++) {
        const ion = t.target[f * nTm + tm];
        if (ion < 0 || !(targetMsm[f] > 0)) continue;
        const msm = s.msm[ion];
        const c = ion * 4;
        rows.push({
          formula: db.formulas[f],
          chemMod: mod.chemMod,
          neutralLoss: mod.neutralLoss,
          adduct: mod.adduct,
          ionFormula: ions[ion],
          ion: formatIon(db.formulas[f], mod.chemMod, mod.neutralLoss, mod.adduct, params.polarity),
          mz: centroids.mzs[c],
          msm,
          fdr: fdr.fdr[f],
          fdrRaw: fdr.fdrMonotone[f],
          chaos: s.chaos[ion],
          spatial: s.spatial[ion],
          spectral: s.spectral[ion],
          mzErrAbs: s.mzErrAbs[ion],
          mzErrRel: s.mzErrRel[ion],
          database: db.name,
          moleculeIds: molecules.ids[f] ?? [],
          moleculeNames: molecules.names[f] ?? [],
          centroidMzs: Array.from(centroids.mzs.subarray(c, c + 4)),
          centroidInts: Array.from(centroids.ints.subarray(c, c + 4)),
          totalInt: Array.from(s.totalInt.subarray(c, c + 4)),
          maxInt: Array.from(s.maxInt.subarray(c, c + 4)),
          nPx: Array.from(s.nPx.subarray(c, c + 4)),
        });
      }
    }
  });
  return rows;
}

function groupMolecules(db: MolDb): { ids: string[][]; names: string[][] } {
  const ids: string[][] = [];
  const names: string[][] = [];
  const m = db.molecules;
  for (let i = 0; i < m.formulaIndex.length; i++) {
    const f = m.formulaIndex[i];
    (ids[f] ??= []).push(m.ids[i]);
    (names[f] ??= []).push(m.names[i]);
  }
  return { ids, names };
}
