// Stage "plan": ions with a peak inside the dataset's m/z range, grouped by the segments their windows touch.
import type { CentroidTable, DatasetMeta } from '../../types.ts';
import { planScoreTasks, type PlannedTask } from '../plan.ts';

export interface PlanStageInput {
  centroids: CentroidTable;
  meta: DatasetMeta;
  mask: Uint8Array;
  ppm: number;
  isTarget: Uint8Array;
  /** Upper bound of ions per task; default balances tasks over `workers`. */
  maxIonsPerTask?: number;
  workers: number;
}

export function planStage(p: PlanStageInput): PlannedTask[] {
  const size = p.maxIonsPerTask ?? defaultTaskSize(p.centroids.n, p.workers, p.meta.totalPeaks);
  return planScoreTasks(p.centroids, p.meta, p.mask, p.ppm, p.isTarget, size);
}

/** Ions × dataset peaks of work per score task below which splitting further costs more than it balances. */
export const MIN_TASK_WORK = 5e8;

/**
 * Upper bound of ions per score task. Enough tasks for load balancing and progress (8 per worker), few enough
 * that segment loading stays amortised. On a small dataset (few peaks) a task's fixed cost — loading its
 * segments, messaging — outweighs its scoring, so the work (ions × peaks) sets the count, down to one task per
 * worker. Scores are merged per ion, so the task count never changes a result.
 */
export function defaultTaskSize(nIons: number, workers: number, totalPeaks?: number): number {
  const work = totalPeaks === undefined ? Infinity : nIons * totalPeaks;
  if (!(work < MIN_TASK_WORK * workers * 8)) return Math.max(500, Math.min(20_000, Math.ceil(nIons / (workers * 8))));
  const tasks = Math.max(workers, Math.ceil(work / MIN_TASK_WORK));
  return Math.max(500, Math.ceil(nIons / tasks));
}
