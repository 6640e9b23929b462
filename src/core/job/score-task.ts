// The `score` task: one group of ions whose isotope windows fall in a contiguous run of dataset segments.
// Loads those segments from the store and scores every ion (images → spectral, spatial, chaos → MSM).
import type { CentroidTable, Segment } from '../types.ts';
import type { TaskContext } from './task-context.ts';
import { scoreIons, type ScoreResult } from '../score/score-ions.ts';

export interface ScoreTaskInput {
  datasetId: string;
  /** Contiguous segment indices covering every window of the task's ions. */
  segments: number[];
  width: number;
  height: number;
  mask: Uint8Array;
  centroids: CentroidTable;
  isTarget: Uint8Array;
  ppm: number;
}

export async function scoreTask(input: ScoreTaskInput, ctx: TaskContext): Promise<ScoreResult> {
  const segments: Segment[] = [];
  for (const i of input.segments) {
    if (ctx.signal?.aborted) throw new Error('cancelled');
    segments.push(await ctx.store.getSegment(input.datasetId, i));
  }
  return scoreIons({
    segments,
    geometry: { width: input.width, height: input.height, mask: input.mask },
    centroids: input.centroids,
    isTarget: input.isTarget,
    ppm: input.ppm,
  });
}
