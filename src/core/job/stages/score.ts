// Stage "score": the planned tasks on the executor (cached by dataset + ions + centroids + ppm), merged back
// into one per-ion ScoreResult. With a task cache, each task's output is kept as soon as it is done (key: the
// stage key + the task's ion indices), so a run that was interrupted (a killed CLI, a reloaded page) scores only
// the tasks still missing; the merge is the same either way, so the result is identical.
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
  /** Finished tasks' outputs, written as each completes and read before the map (see the file comment). */
  taskCache?: StageCache;
  signal?: AbortSignal;
  onProgress(done: number, total: number): void;
}

export async function scoreStage(p: ScoreStageInput): Promise<ScoreResult> {
  const v3 = p.spatial === 'v3';
  const key = scoreCacheKey(p.meta, p.centroids, p.isTarget, p.ppm) + (v3 ? '-spatial-v3' : '');
  const cached = (await p.cache?.get(key)) as ScoreResult | undefined;
  if (cached && cached.n === p.nIons) return cached;
  const total = p.tasks.length;
  const taskKeys = p.tasks.map((t) => scoreTaskKey(key, t.ions));
  const outputs = await taskOutputs(p.taskCache, taskKeys, p.tasks);
  const missing = p.tasks.flatMap((_, i) => (outputs[i] ? [] : [i]));
  const already = total - missing.length;
  p.onProgress(already, total);
  const writes: Promise<void>[] = [];
  const fresh = await p.executor.map<ScoreTaskInput, ScoreResult>('score', missing.map((i) => (v3 ? { ...p.tasks[i].input, spatial: 'v3' as const } : p.tasks[i].input)), {
    signal: p.signal,
    onProgress: (d) => p.onProgress(already + d, total),
    // a failed write only loses the head start of a later resume, never the job
    onResult: p.taskCache ? (j, o) => writes.push(p.taskCache!.set(taskKeys[missing[j]], o).catch(() => undefined)) : undefined,
    inputKeys: missing.map((i) => taskKeys[i]),
    mapKey: key,
  });
  missing.forEach((i, j) => (outputs[i] = fresh[j]));
  await Promise.all(writes);
  const merged = mergeScores(p.nIons, p.tasks.map((t) => t.ions), outputs as ScoreResult[]);
  await p.cache?.set(key, merged);
  // the whole stage is cached now: its per-task entries are not needed any more
  if (p.cache && p.taskCache?.delete) await Promise.all(taskKeys.map((k) => p.taskCache!.delete!(k).catch(() => undefined)));
  return merged;
}

/** Outputs the task cache holds (undefined where none, or where an entry does not fit its task). */
async function taskOutputs(cache: StageCache | undefined, keys: string[], tasks: PlannedTask[]): Promise<(ScoreResult | undefined)[]> {
  if (!cache) return keys.map(() => undefined);
  const got = await Promise.all(keys.map((k) => cache.get(k).catch(() => undefined) as Promise<ScoreResult | undefined>));
  return got.map((o, i) => (o && o.n === tasks[i].ions.length ? o : undefined));
}

/** A task's cache key: its stage's key (dataset, centroids, targets, ppm) + which of the job's ions it scores. */
export function scoreTaskKey(stageKey: string, ions: Int32Array): string {
  return new Hasher().string('score-task').string(stageKey).typed(ions).hex();
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
