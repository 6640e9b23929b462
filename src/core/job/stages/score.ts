// Stage "score": the planned tasks on the executor (cached by dataset + ions + centroids + ppm), merged back
// into one per-ion ScoreResult.
import type { CentroidTable, DatasetMeta } from '../../types.ts';
import type { Executor } from '../executor.ts';
import type { StageCache } from './run-stage.ts';
import { emptyScoreResult, type ScoreResult, type SpatialImpl } from '../../score/score-ions.ts';
import type { ScoreTaskInput } from '../score-task.ts';
import type { PlannedTask } from '../plan.ts';
import { Hasher } from '../../hash.ts';

const NO_SCORE = Number.NaN;

export interface ScoreStageInput {
  nIons: number;
  tasks: PlannedTask[];
  meta: DatasetMeta;
  centroids: CentroidTable;
  isTarget: Uint8Array;
  ppm: number;
  /** The scoring model's spatial metric (absent or 'v1': the tasks and the cache key are v1's as before). */
  spatial?: SpatialImpl;
  executor: Executor;
  cache?: StageCache;
  signal?: AbortSignal;
  onProgress(done: number, total: number): void;
}

export async function scoreStage(p: ScoreStageInput): Promise<ScoreResult> {
  const v3 = p.spatial === 'v3';
  const key = scoreCacheKey(p.meta, p.centroids, p.isTarget, p.ppm) + (v3 ? '-spatial-v3' : '');
  const cached = (await p.cache?.get(key)) as ScoreResult | undefined;
  if (cached && cached.n === p.nIons) return cached;
  const total = p.tasks.length;
  p.onProgress(0, total);
  const outputs = await p.executor.map<ScoreTaskInput, ScoreResult>('score', p.tasks.map((t) => (v3 ? { ...t.input, spatial: 'v3' as const } : t.input)), {
    signal: p.signal,
    onProgress: (d) => p.onProgress(d, total),
  });
  const merged = mergeScores(p.nIons, p.tasks.map((t) => t.ions), outputs);
  await p.cache?.set(key, merged);
  return merged;
}

// v2: chaos on METASPACE's cut of the image (chaos-compact.ts); v1 entries are never found again
function scoreCacheKey(meta: DatasetMeta, centroids: CentroidTable, isTarget: Uint8Array, ppm: number): string {
  return new Hasher().string('score-v2').string(meta.id).string(String(meta.totalPeaks)).typed(centroids.mzs).typed(centroids.ints).typed(isTarget).number(ppm).hex();
}

/** Number of ions the tasks score (the stage's item count). */
export function plannedIons(tasks: readonly PlannedTask[]): number {
  return tasks.reduce((s, t) => s + t.ions.length, 0);
}

/** Scatters each task's outputs back to job ion indices; ions no task scored stay NaN / not scored. */
export function mergeScores(n: number, groups: Int32Array[], outputs: ScoreResult[]): ScoreResult {
  const r = emptyScoreResult(n, NO_SCORE);
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
