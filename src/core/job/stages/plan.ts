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
  const size = p.maxIonsPerTask ?? defaultTaskSize(p.centroids.n, p.workers);
  return planScoreTasks(p.centroids, p.meta, p.mask, p.ppm, p.isTarget, size);
}

export function defaultTaskSize(nIons: number, workers: number): number {
  // enough tasks for load balancing and progress, few enough that segment loading stays amortised
  return Math.max(500, Math.min(20_000, Math.ceil(nIons / (workers * 8))));
}
